"""Benchmark: `carprice.Model.predict` against a fitted scikit-learn one-hot ridge pipeline, side by
side on the same 1,000,000-row pandas DataFrame (the sample data's rows repeated).

    CARPRICE_DATA=../shared/data python python/bench/predict_vs_sklearn.py [--rows N] [--repeat K]

Prints the best of K runs of each, rows per second and the ratio.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

import carprice

ROOT = Path(__file__).resolve().parents[2]


def data_file() -> Path:
    place = Path(os.environ.get("CARPRICE_DATA", ROOT.parent / "shared" / "data"))
    return place if place.is_file() else place / "car-prices.csv"


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    data = pd.read_csv(data_file())
    features = data.drop(columns="price")
    categorical = [
        c
        for c in features.columns
        if features[c].dtype == object or str(features[c].dtype) == "str"
    ]
    numeric = [c for c in features.columns if c not in categorical]
    positive = [c for c in numeric if (features[c] > 0).all()]
    signed = [c for c in numeric if c not in positive]
    pipeline = TransformedTargetRegressor(
        regressor=Pipeline(
            [
                (
                    "encode",
                    ColumnTransformer(
                        [
                            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
                            (
                                "log",
                                Pipeline(
                                    [
                                        ("log", FunctionTransformer(np.log)),
                                        ("scale", StandardScaler()),
                                    ]
                                ),
                                positive,
                            ),
                            ("num", StandardScaler(), signed),
                        ]
                    ),
                ),
                ("ridge", Ridge(alpha=1.0)),
            ]
        ),
        func=np.log,
        inverse_func=np.exp,
    ).fit(features, data["price"])
    model = carprice.Model.load(ROOT / "assets" / "model.json")

    big = features.iloc[np.arange(args.rows) % len(features)].reset_index(drop=True)
    sklearn_seconds = best_of(args.repeat, lambda: pipeline.predict(big))
    carprice_seconds = best_of(args.repeat, lambda: model.predict(big))
    converted = carprice.from_sklearn(
        pipeline, features, data["price"], created="2026-11-30T00:00:00Z"
    )
    converted_seconds = best_of(args.repeat, lambda: converted.predict(big))

    print(f"{args.rows:,} rows, best of {args.repeat}:")
    for label, seconds in [
        ("scikit-learn one-hot ridge pipeline", sklearn_seconds),
        ("carprice default model", carprice_seconds),
        ("carprice, that pipeline converted", converted_seconds),
    ]:
        print(
            f"  {label:<38} {seconds * 1000:8.1f} ms  {args.rows / seconds / 1e6:6.2f} M rows/s  "
            f"{sklearn_seconds / seconds:5.1f}x"
        )


if __name__ == "__main__":
    main()
