"""Trains the old stack's model: scikit-learn LinearRegression on the 24 car attributes, with
categorical columns label-encoded (as the dealership's notebook did), and pickles it.

Usage: python flask_model.py <car-prices.csv> <out.pkl>
"""

import csv
import pickle
import sys

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import LabelEncoder

COLUMNS = [
    "symboling",
    "make",
    "fuel-type",
    "aspiration",
    "num-of-doors",
    "body-style",
    "drive-wheels",
    "engine-location",
    "wheel-base",
    "length",
    "width",
    "height",
    "curb-weight",
    "engine-type",
    "num-of-cylinders",
    "engine-size",
    "fuel-system",
    "bore",
    "stroke",
    "compression-ratio",
    "horsepower",
    "peak-rpm",
    "city-mpg",
    "highway-mpg",
]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def main(data_path, out_path):
    with open(data_path, newline="") as f:
        rows = list(csv.DictReader(f))
    categorical = [c for c in COLUMNS if not all(is_number(r[c]) for r in rows)]
    encoders = {c: LabelEncoder().fit([r[c] for r in rows]) for c in categorical}
    x = np.array(
        [
            [encoders[c].transform([r[c]])[0] if c in encoders else float(r[c]) for c in COLUMNS]
            for r in rows
        ],
        dtype=float,
    )
    y = np.array([float(r["price"]) for r in rows])
    model = LinearRegression().fit(x, y)
    with open(out_path, "wb") as f:
        pickle.dump({"columns": COLUMNS, "encoders": encoders, "model": model}, f)
    print(f"trained LinearRegression on {len(rows)} rows, R² on them {model.score(x, y):.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
