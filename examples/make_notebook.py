"""Writes examples/sklearn-to-carprice.ipynb from the cells below (run it after editing them):

    .tools/venv/bin/python examples/make_notebook.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# From a scikit-learn pipeline to a released carprice model\n\n"
        "Fit a pipeline the usual way, convert it into a carprice model (exactly, or refused by name), "
        "compare its prices with the default model's, evaluate both on the seed split, and save what "
        "`carprice publish` uploads. Needs the sample data set: `CARPRICE_DATA` or `../shared/data`."
    ),
    new_code_cell(
        "import os\n"
        "from pathlib import Path\n\n"
        "import numpy as np\n"
        "import pandas as pd\n"
        "from sklearn.compose import ColumnTransformer, TransformedTargetRegressor\n"
        "from sklearn.linear_model import RidgeCV\n"
        "from sklearn.pipeline import Pipeline\n"
        "from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler\n\n"
        "import carprice\n\n"
        "repo = Path.cwd().parent if Path.cwd().name == 'examples' else Path.cwd()\n"
        "data = Path(os.environ.get('CARPRICE_DATA', repo.parent / 'shared' / 'data'))\n"
        "data = data.parent if data.is_file() else data\n"
        "cars = pd.read_csv(data / 'car-prices.csv')\n"
        "test_rows = [int(line) for line in (data / 'seed-split-test-rows.txt').read_text().split()]\n"
        "test = cars.iloc[test_rows]\n"
        "train = cars.drop(index=cars.index[test_rows])\n"
        "X, y = train.drop(columns='price'), train['price']\n"
        "print(f'{len(train)} training cars, {len(test)} test cars')"
    ),
    new_markdown_cell("## Fit: one-hot categories, log-scaled numbers, ridge on the log of the price"),
    new_code_cell(
        "categorical = ['make', 'fuel-type', 'aspiration', 'body-style', 'drive-wheels', 'num-of-cylinders']\n"
        "positive = ['curb-weight', 'engine-size', 'horsepower', 'city-mpg', 'width']\n"
        "pipeline = TransformedTargetRegressor(\n"
        "    regressor=Pipeline([\n"
        "        ('encode', ColumnTransformer([\n"
        "            ('cat', OneHotEncoder(handle_unknown='ignore'), categorical),\n"
        "            ('num', Pipeline([('log', FunctionTransformer(np.log)), ('scale', StandardScaler())]), positive),\n"
        "        ])),\n"
        "        ('ridge', RidgeCV(alphas=np.logspace(-2, 2, 17))),\n"
        "    ]),\n"
        "    func=np.log, inverse_func=np.exp,\n"
        ").fit(X, y)\n"
        "pipeline"
    ),
    new_markdown_cell(
        "## Convert\n\n`from_sklearn` checks the converted model against `pipeline.predict` on every "
        "training row (relative 1e-9) and raises `carprice.UnsupportedModel` otherwise. `categories` "
        "gives the data set's whole vocabulary: names no training car had (a test car has twelve "
        "cylinders) are priced as the encoder's `handle_unknown='ignore'` prices them, and flagged. "
        "`schema` is the sample data's attribute schema (the one `carprice train --schema` reads): "
        "form labels, units, groups, help text and category display labels."
    ),
    new_code_cell(
        "vocabulary = {column: sorted(cars[column].unique()) for column in categorical}\n"
        "candidate = carprice.from_sklearn(\n"
        "    pipeline, X, y, version='1.1.0', created='2026-11-30T00:00:00Z', categories=vocabulary,\n"
        "    schema=repo / 'assets' / 'car-prices.schema.toml',\n"
        ")\n"
        "gap = np.max(np.abs(candidate.predict(X) / pipeline.predict(X) - 1))\n"
        "print(candidate, f'largest relative difference from scikit-learn: {gap:.1e}')\n"
        "assert gap <= 1e-9\n"
        "assert np.allclose(candidate.predict(test), pipeline.predict(test), rtol=1e-9, atol=0)"
    ),
    new_markdown_cell("## Compare with the default model on the held-out cars"),
    new_code_cell(
        "default = carprice.Model.load(repo / 'assets' / 'model.json')\n"
        "comparison = pd.DataFrame({\n"
        "    'make': test['make'], 'actual': test['price'],\n"
        "    'default model': default.predict(test), 'converted pipeline': candidate.predict(test),\n"
        "})\n"
        "comparison.head(8).round(0)"
    ),
    new_code_cell(
        "scores = pd.DataFrame({\n"
        "    name: vars(carprice.metrics(test['price'], model.predict(test)))\n"
        "    for name, model in [('default model', default), ('converted pipeline', candidate)]\n"
        "}).T\n"
        "scores"
    ),
    new_markdown_cell(
        "## Publish\n\nThe release gate judges the candidate on the test data published with it. "
        "`carprice.publish` is `carprice publish`'s own code: set `CARPRICE_CONTAINER_URL` (and "
        "`CARPRICE_SAS`, or use `auth='entra'` after `az login`). The files are also saved, for "
        "`carprice publish --model model.json --test-data test-data.csv`."
    ),
    new_code_cell(
        "out = Path(os.environ.get('CARPRICE_NOTEBOOK_OUT', '.'))\n"
        "candidate.save(out / 'model.json')\n"
        "test.to_csv(out / 'test-data.csv', index=False)\n"
        "print('wrote', out / 'model.json', 'and', out / 'test-data.csv')\n"
        "done = carprice.publish(candidate, test, os.environ['CARPRICE_CONTAINER_URL'], sas=os.environ.get('CARPRICE_SAS'))\n"
        "print(f'published {done.version} to {done.container}: MAE ${done.metrics.mae:,.0f} on {done.metrics.rows} test cars')"
    ),
]


def main() -> None:
    notebook = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = Path(__file__).with_name("sklearn-to-carprice.ipynb")
    nbformat.write(notebook, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
