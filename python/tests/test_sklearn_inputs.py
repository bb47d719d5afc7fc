"""`from_sklearn`'s checks of its arguments: prices ``y`` in the shapes scikit-learn accepts, and a
clear error (the builtin exception scikit-learn itself would raise) for anything it cannot use."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from test_sklearn import CREATED, one_hot_ridge

import carprice


@pytest.fixture(scope="module")
def xy(cars):
    return cars.drop(columns="price"), cars["price"]


@pytest.fixture(scope="module")
def fitted(xy):
    X, y = xy
    return TransformedTargetRegressor(one_hot_ridge(), func=np.log, inverse_func=np.exp).fit(X, y)


def test_a_one_column_dataframe_as_y_gave_a_wrong_price_range(xy, fitted):
    X, y = xy
    flat = carprice.from_sklearn(fitted, X, y, created=CREATED).document
    for column in (y.to_frame(), y.to_numpy().reshape(-1, 1)):
        document = carprice.from_sklearn(fitted, X, column, created=CREATED).document
        assert (document["interval"], document["training"]) == (flat["interval"], flat["training"])
    with pytest.raises(ValueError, match=r"shape \(n_rows,\) or \(n_rows, 1\); got shape"):
        carprice.from_sklearn(fitted, X, np.column_stack([y, y]), created=CREATED)


def test_a_nan_or_zero_price_in_y_gave_a_malformed_model(xy, fitted):
    X, y = xy
    for bad, words in [(np.nan, "1 missing or infinite price,"), (0.0, r"1 price of \$0 or less,")]:
        prices = y.astype(float).copy()
        prices.iloc[7] = bad
        with pytest.raises(ValueError, match=rf"{words} the first at position 7"):
            carprice.from_sklearn(fitted, X, prices, created=CREATED)


def test_x_without_rows_or_y_of_another_length_was_not_said(xy, fitted):
    X, y = xy
    with pytest.raises(ValueError, match="X has no rows"):
        carprice.from_sklearn(fitted, X.iloc[:0], y.iloc[:0], created=CREATED)
    with pytest.raises(ValueError, match=f"y has {len(y) - 1} prices for {len(X)} rows of X"):
        carprice.from_sklearn(fitted, X, y.iloc[1:], created=CREATED)


def test_a_nan_in_x_gave_a_malformed_model(xy, fitted):
    X, y = xy
    numeric = next(c for c in X.columns if X[c].dtype.kind == "f")
    holed = X.copy()
    holed.loc[holed.index[7], numeric] = np.nan
    with pytest.raises(
        ValueError, match=f"X's column '{numeric}' is missing or not finite at row 7"
    ):
        carprice.from_sklearn(fitted, holed, y, created=CREATED)


def test_prices_as_text_or_an_empty_category_name_gave_no_clear_error(xy, fitted):
    X, y = xy
    with pytest.raises(TypeError, match="y must hold prices as numbers"):
        carprice.from_sklearn(fitted, X, y.astype(str), created=CREATED)
    with pytest.raises(TypeError, match="y must hold prices as numbers"):
        carprice.from_sklearn(fitted, X, y > y.median(), created=CREATED)
    with pytest.raises(ValueError, match="holds an empty name"):
        carprice.from_sklearn(fitted, X, y, created=CREATED, categories={"make": [""]})


def unfitted_last_step(X, y):
    pipeline = one_hot_ridge().fit(X, np.log(y))
    pipeline.steps[-1] = ("ridge", Ridge())
    return pipeline


@pytest.mark.parametrize(
    "make, where",
    [
        (
            lambda X, y: TransformedTargetRegressor(
                one_hot_ridge(), func=np.log, inverse_func=np.exp
            ),
            "the estimator (TransformedTargetRegressor)",
        ),
        (lambda X, y: one_hot_ridge(), "preprocess (ColumnTransformer)"),
        (lambda X, y: LinearRegression(), "the estimator (LinearRegression)"),
        (unfitted_last_step, "ridge (Ridge)"),
    ],
    ids=["log-target", "pipeline", "linear-model", "last-step"],
)
def test_an_unfitted_estimator_raised_attribute_error(xy, make, where):
    X, y = xy
    with pytest.raises(NotFittedError, match=rf"^{re.escape(where)} is not fitted: fit"):
        carprice.from_sklearn(make(X, y), X, y, created=CREATED)


def test_a_created_time_that_is_not_rfc_3339_was_accepted(xy, fitted):
    X, y = xy
    with pytest.raises(ValueError, match='created "yesterday" is not an RFC 3339 time'):
        carprice.from_sklearn(fitted, X, y, created="yesterday")


@pytest.mark.parametrize(
    "categories, error, words",
    [
        ({"make": "tesla"}, TypeError, r"categories\['make'\] must be a list.*\['tesla'\]"),
        (["make"], TypeError, "maps column names to lists"),
        ({"colour": ["red"]}, ValueError, r"\['colour'\], which the estimator does not encode"),
        ({"curb-weight": ["heavy"]}, ValueError, r"\['curb-weight'\], which"),
    ],
    ids=["string", "list", "unknown-column", "numeric-column"],
)
def test_a_string_as_categories_was_read_letter_by_letter(xy, categories, error, words):
    X, y = xy
    estimator = TransformedTargetRegressor(
        one_hot_ridge(handle_unknown="ignore"), func=np.log, inverse_func=np.exp
    ).fit(X, y)
    with pytest.raises(error, match=words):
        carprice.from_sklearn(estimator, X, y, created=CREATED, categories=categories)


def test_a_hyper_parameter_search_was_refused_without_naming_best_estimator(xy):
    X, y = xy
    search = GridSearchCV(
        one_hot_ridge(handle_unknown="ignore"), {"ridge__alpha": [1.0, 2.0]}, cv=3
    )
    search.fit(X, np.log(y))
    with pytest.raises(carprice.UnsupportedModel, match=r"search\.best_estimator_") as caught:
        carprice.from_sklearn(search, X, created=CREATED)
    assert (caught.value.path, caught.value.estimator_class) == ("", "GridSearchCV")
    carprice.from_sklearn(search.best_estimator_, X, created=CREATED)


def test_an_ordinal_encoder_refusing_unknowns_was_told_to_use_handle_unknown_ignore(xy):
    X, y = xy
    estimator = Pipeline(
        [
            ("encode", ColumnTransformer([("cat", OrdinalEncoder(), ["make"])])),
            ("ols", LinearRegression()),
        ]
    ).fit(X, np.log(y))
    with pytest.raises(
        carprice.UnsupportedModel, match="handle_unknown='use_encoded_value' and a number"
    ) as caught:
        carprice.from_sklearn(estimator, X, created=CREATED, categories={"make": ["tesla"]})
    assert (caught.value.path, caught.value.estimator_class) == ("encode/cat", "OrdinalEncoder")
    assert "'ignore'" not in str(caught.value)


def test_a_simple_imputer_is_refused_with_the_way_to_impute(xy):
    X, y = xy
    numeric = X[["curb-weight", "engine-size"]]
    estimator = Pipeline([("impute", SimpleImputer()), ("ols", LinearRegression())])
    estimator.fit(numeric, np.log(y))
    with pytest.raises(carprice.UnsupportedModel, match=r"missing='impute'") as caught:
        carprice.from_sklearn(estimator, numeric, created=CREATED)
    assert (caught.value.path, caught.value.estimator_class) == ("impute", "SimpleImputer")


def test_float32_columns_of_x_are_checked_as_scikit_learn_computes_with_them(xy):
    X, y = xy
    narrow = X[["curb-weight", "engine-size", "width"]].astype(np.float32)
    estimator = TransformedTargetRegressor(
        LinearRegression(), func=np.log, inverse_func=np.exp
    ).fit(narrow, y)
    model = carprice.from_sklearn(estimator, narrow, y, created=CREATED)
    widened = narrow.astype(np.float64)
    # LinearRegression predicts a float32 X in float32: the check is on the widened values.
    np.testing.assert_allclose(
        model.predict(widened), estimator.predict(widened), rtol=1e-9, atol=0
    )
