"""Writes examples/sklearn-to-carprice.ipynb from the cells below (run it after editing them).

The command, from the repository root: ``.tools/venv/bin/python examples/make_notebook.py``. The
code cells are formatted as `ruff format` formats the notebook, so the written notebook passes
scripts/test.sh's format check.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# From a scikit-learn pipeline to a released carprice model\n\n"
        "Fit a pipeline the usual way, convert it into a carprice model (exactly, or refused by "
        "name), compare its prices with the default model's, evaluate both on the seed split, and "
        "save what `carprice publish` uploads. Needs the sample data set: `CARPRICE_DATA` or "
        "`../shared/data`."
    ),
    new_code_cell(
        """\
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

import carprice

repo = Path.cwd().parent if Path.cwd().name == "examples" else Path.cwd()
data = Path(os.environ.get("CARPRICE_DATA", repo.parent / "shared" / "data"))
data = data.parent if data.is_file() else data
cars = pd.read_csv(data / "car-prices.csv")
test_rows = [int(line) for line in (data / "seed-split-test-rows.txt").read_text().split()]
test = cars.iloc[test_rows]
train = cars.drop(index=cars.index[test_rows])
X, y = train.drop(columns="price"), train["price"]
print(f"{len(train)} training cars, {len(test)} test cars")"""
    ),
    new_markdown_cell(
        "## Fit: one-hot categories, log-scaled numbers, ridge on the log of the price"
    ),
    new_code_cell(
        """\
categorical = ["make", "fuel-type", "aspiration", "body-style", "drive-wheels", "num-of-cylinders"]
positive = ["curb-weight", "engine-size", "horsepower", "city-mpg", "width"]
numbers = Pipeline([("log", FunctionTransformer(np.log)), ("scale", StandardScaler())])
encode = ColumnTransformer(
    [
        ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ("num", numbers, positive),
    ]
)
pipeline = TransformedTargetRegressor(
    regressor=Pipeline([("encode", encode), ("ridge", RidgeCV(alphas=np.logspace(-2, 2, 17)))]),
    func=np.log,
    inverse_func=np.exp,
).fit(X, y)
pipeline"""
    ),
    new_markdown_cell(
        "## Convert\n\n`from_sklearn` checks the converted model against `pipeline.predict` on "
        "every training row (relative 1e-9) and raises `carprice.UnsupportedModel` otherwise. "
        "`categories` gives the data set's whole vocabulary: names no training car had (a test "
        "car has twelve cylinders) are priced as the encoder's `handle_unknown='ignore'` prices "
        "them, and flagged. `schema` is the sample data's attribute schema (the one "
        "`carprice train --schema` reads): form labels, units, groups, help text and category "
        "display labels."
    ),
    new_code_cell(
        """\
vocabulary = {column: sorted(cars[column].unique()) for column in categorical}
candidate = carprice.from_sklearn(
    pipeline,
    X,
    y,
    version="1.1.0",
    created="2026-11-30T00:00:00Z",
    categories=vocabulary,
    schema=repo / "assets" / "car-prices.schema.toml",
)
gap = np.max(np.abs(candidate.predict(X) / pipeline.predict(X) - 1))
print(candidate, f"largest relative difference from scikit-learn: {gap:.1e}")
assert gap <= 1e-9
assert np.allclose(candidate.predict(test), pipeline.predict(test), rtol=1e-9, atol=0)"""
    ),
    new_markdown_cell("## Compare with the default model on the held-out cars"),
    new_code_cell(
        """\
default = carprice.Model.load(repo / "assets" / "model.json")
comparison = pd.DataFrame(
    {
        "make": test["make"],
        "actual": test["price"],
        "default model": default.predict(test),
        "converted pipeline": candidate.predict(test),
    }
)
comparison.head(8).round(0)"""
    ),
    new_code_cell(
        """\
scores = pd.DataFrame(
    {
        name: vars(carprice.metrics(test["price"], model.predict(test)))
        for name, model in [("default model", default), ("converted pipeline", candidate)]
    }
).T
scores"""
    ),
    new_markdown_cell(
        "## Publish\n\nThe release gate judges the candidate on the test data published with it. "
        "`carprice.publish` is `carprice publish`'s own code: set `CARPRICE_CONTAINER_URL` (and "
        "`CARPRICE_SAS`, or use `auth='entra'` after `az login`). The files are also saved, for "
        "`carprice publish --model model.json --test-data test-data.csv`."
    ),
    new_code_cell(
        """\
out = Path(os.environ.get("CARPRICE_NOTEBOOK_OUT", "."))
candidate.save(out / "model.json")
test.to_csv(out / "test-data.csv", index=False)
print("wrote", out / "model.json", "and", out / "test-data.csv")
done = carprice.publish(
    candidate, test, os.environ["CARPRICE_CONTAINER_URL"], sas=os.environ.get("CARPRICE_SAS")
)
mae, rows = done.metrics.mae, done.metrics.rows
print(f"published {done.version} to {done.container}: MAE ${mae:,.0f} on {rows} test cars")"""
    ),
]


def main() -> None:
    notebook = new_notebook(
        cells=CELLS,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = Path(__file__).with_name("sklearn-to-carprice.ipynb")
    nbformat.write(notebook, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
