"""Bad input gets a typed error naming what is wrong and where, never a NaN price."""

from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import carprice


def one_bad(cars: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    bad = cars.drop(columns="price").head(10).copy()
    bad[column] = bad[column].astype(object)
    bad.loc[row, column] = value
    return bad


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("make", "tesla", "does not know"),
        ("make", None, "missing"),
        ("curb-weight", "heavy", "must be a number"),
        ("curb-weight", -5.0, "greater than 0"),
        ("curb-weight", math.nan, "missing"),
        ("fuel-type", 3.0, "categories"),
        ("curb-weight", True, "must be a number"),
    ],
)
def test_bad_value_names_attribute_and_row(model, cars, column, value, words):
    with pytest.raises(carprice.CarError, match=words) as caught:
        model.predict(one_bad(cars, 6, column, value))
    assert caught.value.attribute == column and caught.value.row == 6
    assert "row 6" in str(caught.value) and column in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_first_bad_row_is_reported(model, cars):
    bad = one_bad(cars, 8, "make", "tesla")
    bad.loc[3, "make"] = "lada"
    with pytest.raises(carprice.CarError) as caught:
        model.predict(bad)
    assert caught.value.row == 3


def test_missing_column_names_the_attribute(model, cars):
    with pytest.raises(carprice.CarError, match="`make` is missing") as caught:
        model.predict(cars.drop(columns="make"))
    assert caught.value.attribute == "make" and caught.value.row is None


def test_missing_key_in_a_list_of_dicts_names_the_row(model, cars):
    records = cars.drop(columns="price").head(5).to_dict("records")
    del records[2]["curb-weight"]
    with pytest.raises(carprice.CarError) as caught:
        model.predict(records)
    assert (caught.value.attribute, caught.value.row) == ("curb-weight", 2)


def test_quote_errors_have_no_row(model, cars):
    car = cars.drop(columns="price").iloc[0].to_dict()
    car["make"] = "tesla"
    with pytest.raises(carprice.CarError, match="tesla") as caught:
        model.quote(car)
    assert caught.value.attribute == "make" and caught.value.row is None


def test_unknown_attribute_in_a_quote_is_refused(model, cars):
    car = cars.drop(columns="price").iloc[0].to_dict()
    car["colour"] = "red"
    with pytest.raises(carprice.CarError, match="colour"):
        model.quote(car)


def test_an_invalid_document_names_the_field(model):
    document = model.document
    document["terms"][0]["weights"] = document["terms"][0]["weights"][:-1]
    import json

    with pytest.raises(carprice.ModelError, match=r"terms\[0\]"):
        carprice.Model.from_json(json.dumps(document))
    with pytest.raises(carprice.ModelError, match="line 1, column"):
        carprice.Model.from_json("{not json")


def test_a_table_that_is_not_a_table_is_a_type_error(model):
    with pytest.raises(TypeError, match="DataFrame"):
        model.predict(42)


def test_metrics_refuse_instead_of_nan():
    with pytest.raises(ValueError, match="zero rows"):
        carprice.metrics([], [])
    with pytest.raises(ValueError):
        carprice.metrics([1.0, 2.0], [1.0])


def first_car(cars: pd.DataFrame) -> dict:
    """Row 0 without the price, as plain JSON values."""
    return json.loads(cars.drop(columns="price").iloc[[0]].to_json(orient="records"))[0]


def test_a_boolean_in_a_numeric_attribute_was_priced_as_1_or_0(model, model_path, cars, cli):
    rows = cars.drop(columns="price").head(3)
    flags = [True, False, True]
    refused = '`width` must be a number, got "true"'
    for table in (
        rows.assign(width=pd.array(flags, dtype="boolean")),
        rows.assign(width=np.array(flags)),
        {**rows.to_dict("list"), "width": np.array(flags)},
        {**rows.to_dict("list"), "width": flags},
        [{**car, "width": flag} for car, flag in zip(rows.to_dict("records"), flags)],
        pa.Table.from_pandas(rows.assign(width=flags)),
    ):
        with pytest.raises(carprice.CarError, match=refused) as caught:
            model.predict(table)
        assert (caught.value.attribute, caught.value.row) == ("width", 0)
    car = {**first_car(cars), "width": True}
    for flag in (True, np.True_):
        with pytest.raises(carprice.CarError, match=refused):
            model.quote({**car, "width": flag})
    # As the CLI refuses it.
    cli_run = subprocess.run(
        [cli, "predict", "--model", model_path, "--json"],
        input=json.dumps(car),
        capture_output=True,
        text=True,
    )
    assert cli_run.returncode != 0 and refused in cli_run.stderr


@pytest.mark.parametrize("column", ["make", "curb-weight"])
def test_pd_na_in_an_object_column_was_read_as_the_text_na(model, cars, column):
    with pytest.raises(carprice.CarError, match="missing") as caught:
        model.predict(one_bad(cars, 4, column, pd.NA))
    assert (caught.value.attribute, caught.value.row) == (column, 4)
    with pytest.raises(carprice.CarError, match="missing"):
        model.quote({**first_car(cars), column: pd.NA})
    with pytest.raises(carprice.CarError, match="missing"):
        model.predict({**cars.head(3).to_dict("list"), column: [pd.NA] * 3})


@pytest.mark.parametrize(
    "table, words",
    [
        (lambda cars: cars.iloc[3], r"a pandas Series \(one car\?\): pass a DataFrame"),
        (lambda cars: pl.from_pandas(cars).lazy(), r"LazyFrame: call \.collect\(\) first"),
        (lambda cars: cars.iloc[3].to_dict(), r"single value, not a column: .*model\.quote"),
    ],
    ids=["series", "lazyframe", "dict-of-scalars"],
)
def test_one_car_or_a_lazy_table_as_x_gave_an_obscure_error(model, cars, table, words):
    with pytest.raises(TypeError, match=words):
        model.predict(table(cars))


def test_a_duplicated_column_name_gave_an_obscure_error(model, cars):
    doubled = pd.concat([cars, cars[["width"]]], axis=1)
    with pytest.raises(ValueError, match="X has 2 columns named 'width': keep one"):
        model.predict(doubled)


def test_a_pyarrow_record_batch_was_refused(model, cars):
    batch = pa.RecordBatch.from_pandas(cars)
    assert model.predict(batch).tolist() == model.predict(cars).tolist()
