"""Bad input gets a typed error naming what is wrong and where, never a NaN price."""

from __future__ import annotations

import math

import pandas as pd
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
