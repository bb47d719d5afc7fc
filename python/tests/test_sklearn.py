"""`from_sklearn`: fitted linear pipelines of every supported kind convert exactly (checked here
against `estimator.predict` independently of the converter's own check), everything else is refused
by step path and class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    Ridge,
    RidgeCV,
)
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    StandardScaler,
)

import carprice

CREATED = "2026-11-30T00:00:00Z"
SCHEMA = Path(__file__).resolve().parents[2] / "assets" / "car-prices.schema.toml"
CATEGORICAL = [
    "make",
    "fuel-type",
    "aspiration",
    "num-of-doors",
    "body-style",
    "drive-wheels",
    "engine-type",
    "num-of-cylinders",
    "fuel-system",
]
#: How from_sklearn refuses a model that would price a car inside its ranges at $0 or less.
REFUSED_BELOW_ZERO = r"at \$0 or less"
POSITIVE = [
    "wheel-base",
    "length",
    "width",
    "height",
    "curb-weight",
    "engine-size",
    "bore",
    "stroke",
    "compression-ratio",
    "horsepower",
    "peak-rpm",
    "city-mpg",
    "highway-mpg",
]


@pytest.fixture(scope="module")
def xy(cars):
    return cars.drop(columns="price"), cars["price"]


def assert_exact(estimator, X, y=None):
    model = carprice.from_sklearn(estimator, X, y, version="3.0.0", created=CREATED)
    expected = estimator.predict(X)
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-9, atol=0)
    return model


def one_hot_ridge(**encoder):
    return Pipeline(
        [
            (
                "preprocess",
                ColumnTransformer(
                    [
                        ("cat", OneHotEncoder(**encoder), ["make", "body-style", "fuel-type"]),
                        (
                            "log",
                            Pipeline(
                                [("log", FunctionTransformer(np.log)), ("scale", StandardScaler())]
                            ),
                            ["curb-weight", "engine-size"],
                        ),
                        ("num", StandardScaler(), ["symboling"]),
                    ]
                ),
            ),
            ("ridge", Ridge(alpha=2.0)),
        ]
    )


@pytest.mark.parametrize(
    "encoder",
    [
        {},
        {"drop": "first"},
        {"drop": "if_binary"},
        {"handle_unknown": "ignore"},
        {"drop": "first", "handle_unknown": "ignore"},
    ],
)
def test_one_hot_ridge_with_log_target_converts_exactly(xy, encoder):
    X, y = xy
    estimator = TransformedTargetRegressor(
        one_hot_ridge(**encoder), func=np.log, inverse_func=np.exp
    ).fit(X, y)
    model = assert_exact(estimator, X, y)
    document = model.document
    assert document["target"]["transform"] == "log"
    assert {t["attribute"] for t in document["terms"]} == {
        "make",
        "body-style",
        "fuel-type",
        "curb-weight",
        "engine-size",
        "symboling",
    }
    assert "horsepower" in document["ignored_attributes"]
    assert document["interval"]["lower"] < 0 < document["interval"]["upper"]


@pytest.mark.parametrize(
    "regressor",
    [
        LinearRegression(),
        Ridge(alpha=0.3),
        RidgeCV(alphas=[0.1, 1.0, 10.0]),
        Lasso(alpha=0.001, max_iter=50_000),
        LassoCV(cv=3, max_iter=50_000),
        ElasticNet(alpha=0.001, l1_ratio=0.3, max_iter=50_000),
        ElasticNetCV(cv=3, l1_ratio=[0.2, 0.8], max_iter=50_000),
    ],
    ids=lambda r: type(r).__name__,
)
def test_every_linear_model_converts_exactly(xy, regressor):
    X, y = xy
    pipeline = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [
                        ("cat", OneHotEncoder(), ["make"]),
                        ("ord", OrdinalEncoder(), ["num-of-cylinders"]),
                        ("num", StandardScaler(), ["curb-weight", "horsepower"]),
                    ],
                    remainder="drop",
                ),
            ),
            ("model", regressor),
        ]
    )
    estimator = TransformedTargetRegressor(pipeline, func=np.log, inverse_func=np.exp).fit(X, y)
    assert_exact(estimator, X, y)


def test_identity_target_and_passthrough_remainder(xy):
    X, y = xy
    numeric = X[["curb-weight", "engine-size", "horsepower"]]
    estimator = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [("scale", StandardScaler(), ["curb-weight"])], remainder="passthrough"
                ),
            ),
            ("ols", LinearRegression()),
        ]
    ).fit(numeric, y)
    model = assert_exact(estimator, numeric)
    assert model.document["target"]["transform"] == "identity"


def test_bare_linear_model_on_numbers(xy):
    X, y = xy
    numeric = X[["curb-weight", "engine-size"]]
    assert_exact(
        TransformedTargetRegressor(Ridge(), func=np.log, inverse_func=np.exp).fit(numeric, y),
        numeric,
        y,
    )


def test_a_raw_price_model_below_zero_at_range_corners_is_refused_with_the_fix(xy):
    X, y = xy
    numeric = X[["curb-weight", "engine-size"]]
    estimator = Ridge().fit(numeric, y)
    assert (estimator.predict(numeric) > 0).all()  # every training car prices above $0 ...
    corner = pd.DataFrame(
        {
            "curb-weight": [numeric["curb-weight"].min()],
            "engine-size": [numeric["engine-size"].min()],
        }
    )
    lower = np.quantile(y - estimator.predict(numeric), 0.1)  # the price range's lower offset
    assert (
        estimator.predict(corner)[0] + lower <= 0
    )  # ... but the lightest, smallest engine's lower price is not
    with pytest.raises(carprice.UnsupportedModel, match=REFUSED_BELOW_ZERO) as caught:
        carprice.from_sklearn(estimator, numeric, y, created=CREATED)
    assert (caught.value.path, caught.value.estimator_class) == ("", "Ridge")
    assert "TransformedTargetRegressor" in str(caught.value)


def test_a_schema_labels_the_attributes_as_training_does(xy, tmp_path):
    X, y = xy
    X = X.assign(colour=np.where(X["fuel-type"] == "gas", "red", "blue"))
    estimator = TransformedTargetRegressor(one_hot_ridge(), func=np.log, inverse_func=np.exp)
    estimator.regressor.steps[0][1].transformers.append(("colour", OneHotEncoder(), ["colour"]))
    estimator.fit(X, y)
    attributes = {
        a.name: a
        for a in carprice.from_sklearn(estimator, X, y, created=CREATED, schema=SCHEMA).attributes
    }
    make, weight, colour = attributes["make"], attributes["curb-weight"], attributes["colour"]
    assert (make.label, make.group, make.description) == ("Make", "identity", "Manufacturer")
    assert make.labels[make.categories.index("mercedes-benz")] == "Mercedes-Benz"
    assert (weight.label, weight.unit) == ("Curb weight", "lb")
    # A column the schema does not list gets training's defaults.
    assert (colour.label, colour.group, colour.unit, colour.description, colour.labels) == (
        "colour",
        "other",
        "",
        None,
        ("blue", "red"),
    )
    # Without a schema every column does; labels are then the category names.
    plain = {a.name: a for a in carprice.from_sklearn(estimator, X, y, created=CREATED).attributes}
    assert (plain["make"].label, plain["make"].group, plain["make"].description) == (
        "make",
        "other",
        None,
    )
    assert plain["make"].labels == plain["make"].categories
    assert plain["curb-weight"].unit == ""


def test_converted_attributes_come_in_schema_order_as_trained_ones_do(cars, xy):
    # Regression: from_sklearn listed attributes in the table's column order, whatever the schema.
    X, y = xy
    estimator = TransformedTargetRegressor(one_hot_ridge(), func=np.log, inverse_func=np.exp).fit(
        X, y
    )
    converted = [
        a.name
        for a in carprice.from_sklearn(estimator, X, y, created=CREATED, schema=SCHEMA).attributes
    ]
    trained = [a.name for a in carprice.train(cars, created=CREATED, schema=SCHEMA).attributes]
    assert len(set(converted) & set(trained)) >= 4
    assert [n for n in converted if n in trained] == [n for n in trained if n in converted]
    assert converted == [
        "make",
        "symboling",
        "body-style",
        "curb-weight",
        "fuel-type",
        "engine-size",
    ]
    # Without a schema, the table's order, as training's.
    plain = [a.name for a in carprice.from_sklearn(estimator, X, y, created=CREATED).attributes]
    assert plain == sorted(plain, key=list(X.columns).index)


def test_scaled_one_hot_and_ordinal_columns_fold_into_category_weights(xy):
    X, y = xy
    pipeline = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [
                        (
                            "cat",
                            Pipeline(
                                [
                                    ("onehot", OneHotEncoder(sparse_output=False)),
                                    ("scale", StandardScaler()),
                                ]
                            ),
                            ["make"],
                        ),
                        (
                            "ord",
                            Pipeline([("codes", OrdinalEncoder()), ("scale", StandardScaler())]),
                            ["drive-wheels"],
                        ),
                        ("log", FunctionTransformer(np.log), ["curb-weight"]),
                    ]
                ),
            ),
            ("ridge", Ridge()),
        ]
    )
    model = assert_exact(
        TransformedTargetRegressor(pipeline, func=np.log, inverse_func=np.exp).fit(X, y), X, y
    )
    kinds = {t["attribute"]: t["kind"] for t in model.document["terms"]}
    assert kinds == {"make": "categorical", "drive-wheels": "categorical", "curb-weight": "numeric"}


encoders = st.sampled_from(["onehot", "onehot-first", "onehot-ignore", "ordinal", "onehot-scaled"])
numeric_steps = st.sampled_from(["scale", "log-scale", "log", "passthrough"])
regressors = st.sampled_from(["linear", "ridge", "lasso", "elasticnet", "ridgecv"])


def build(categorical, encoder, numeric, numeric_step, regressor, penalty, log_target):
    encode = {
        "onehot": OneHotEncoder(),
        "onehot-first": OneHotEncoder(drop="first"),
        "onehot-ignore": OneHotEncoder(handle_unknown="ignore"),
        "ordinal": OrdinalEncoder(),
        "onehot-scaled": Pipeline(
            [("onehot", OneHotEncoder(sparse_output=False)), ("scale", StandardScaler())]
        ),
    }[encoder]
    number = {
        "scale": StandardScaler(),
        "log-scale": Pipeline([("log", FunctionTransformer(np.log)), ("scale", StandardScaler())]),
        "log": FunctionTransformer(np.log),
        "passthrough": "passthrough",
    }[numeric_step]
    model = {
        "linear": LinearRegression(),
        "ridge": Ridge(alpha=penalty),
        "lasso": Lasso(alpha=penalty / 1000, max_iter=20_000),
        "elasticnet": ElasticNet(alpha=penalty / 1000, max_iter=20_000),
        "ridgecv": RidgeCV(alphas=[penalty / 10, penalty, penalty * 10]),
    }[regressor]
    branches = [("num", number, numeric)]
    if categorical:
        branches.insert(0, ("cat", encode, categorical))
    pipeline = Pipeline([("encode", ColumnTransformer(branches)), ("model", model)])
    if log_target:
        return TransformedTargetRegressor(pipeline, func=np.log, inverse_func=np.exp)
    return pipeline


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    categorical=st.lists(st.sampled_from(CATEGORICAL), unique=True, max_size=4),
    encoder=encoders,
    numeric=st.lists(st.sampled_from(POSITIVE), unique=True, min_size=1, max_size=5),
    numeric_step=numeric_steps,
    regressor=regressors,
    penalty=st.floats(min_value=0.01, max_value=100.0),
    log_target=st.booleans(),
    rows=st.integers(min_value=60, max_value=193),
)
def test_random_supported_pipelines_convert_exactly(
    xy, categorical, encoder, numeric, numeric_step, regressor, penalty, log_target, rows
):
    X, y = xy
    X, y = X.head(rows), y.head(rows)
    estimator = build(
        categorical, encoder, numeric, numeric_step, regressor, penalty, log_target
    ).fit(X, y)
    if log_target:
        assert_exact(estimator, X, y)
        return
    # On the raw price a linear model may go below zero somewhere inside the ranges (a corner
    # the rows need not reach): then the conversion is refused as such, never inexact.
    try:
        model = carprice.from_sklearn(estimator, X, y, created=CREATED)
    except carprice.UnsupportedModel as error:
        assert "$0 or less" in str(error), error
        return
    np.testing.assert_allclose(model.predict(X), estimator.predict(X), rtol=1e-9, atol=0)


@pytest.mark.parametrize(
    "estimator, path, cls, words",
    [
        (
            GradientBoostingRegressor(n_estimators=5),
            "",
            "GradientBoostingRegressor",
            "not a linear model",
        ),
        (
            Pipeline(
                [("scale", StandardScaler()), ("forest", RandomForestRegressor(n_estimators=3))]
            ),
            "forest",
            "RandomForestRegressor",
            "not a linear model",
        ),
        (
            Pipeline([("scale", StandardScaler()), ("knn", KNeighborsRegressor())]),
            "knn",
            "KNeighborsRegressor",
            "not one of the linear models",
        ),
        (
            Pipeline([("poly", PolynomialFeatures()), ("ols", LinearRegression())]),
            "poly",
            "PolynomialFeatures",
            "converts only",
        ),
        (
            Pipeline([("minmax", MinMaxScaler()), ("ols", LinearRegression())]),
            "minmax",
            "MinMaxScaler",
            "converts only",
        ),
        (
            Pipeline(
                [
                    (
                        "encode",
                        ColumnTransformer(
                            [("sqrt", FunctionTransformer(np.sqrt), ["curb-weight"])]
                        ),
                    ),
                    ("ols", LinearRegression()),
                ]
            ),
            "encode/sqrt",
            "FunctionTransformer",
            "np.log",
        ),
        (
            TransformedTargetRegressor(LinearRegression(), func=np.sqrt, inverse_func=np.square),
            "",
            "TransformedTargetRegressor",
            "np.log",
        ),
        (
            Pipeline(
                [
                    ("scale", StandardScaler(with_mean=False)),
                    ("log", FunctionTransformer(np.log)),
                    ("ols", LinearRegression()),
                ]
            ),
            "log",
            "FunctionTransformer",
            "before any scaling",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_unsupported_steps_are_refused_by_path_and_class(xy, estimator, path, cls, words):
    X, y = xy
    numeric = X[["curb-weight", "engine-size"]]
    estimator.fit(numeric, y)
    with pytest.raises(carprice.UnsupportedModel, match=words) as caught:
        carprice.from_sklearn(estimator, numeric, y, created=CREATED)
    assert (caught.value.path, caught.value.estimator_class) == (path, cls)
    assert cls in str(caught.value)


def test_infrequent_categories_are_refused(xy):
    X, y = xy
    estimator = Pipeline(
        [
            ("encode", ColumnTransformer([("cat", OneHotEncoder(min_frequency=5), ["make"])])),
            ("ols", LinearRegression()),
        ]
    ).fit(X, y)
    with pytest.raises(carprice.UnsupportedModel, match="infrequent") as caught:
        carprice.from_sklearn(estimator, X, y, created=CREATED)
    assert caught.value.path == "encode/cat"


def test_numeric_categories_are_refused(xy):
    X, y = xy
    estimator = Pipeline(
        [
            ("encode", ColumnTransformer([("cat", OneHotEncoder(), ["symboling"])])),
            ("ols", LinearRegression()),
        ]
    ).fit(X, y)
    with pytest.raises(carprice.UnsupportedModel, match="not text"):
        carprice.from_sklearn(estimator, X, y, created=CREATED)


def test_a_float32_encoder_is_refused_as_inexact(xy):
    X, y = xy
    # Scaled float32 indicators are rounded to float32; the converted model computes in float64.
    float32 = Pipeline(
        [
            ("onehot", OneHotEncoder(dtype=np.float32, sparse_output=False)),
            ("scale", StandardScaler()),
        ]
    )
    estimator = TransformedTargetRegressor(
        Pipeline(
            [
                (
                    "encode",
                    ColumnTransformer(
                        [("cat", float32, ["make"]), ("num", StandardScaler(), ["curb-weight"])]
                    ),
                ),
                ("ols", LinearRegression()),
            ]
        ),
        func=np.log,
        inverse_func=np.exp,
    ).fit(X, y)
    with pytest.raises(carprice.UnsupportedModel, match="relative .* more than 1e-09.*float32"):
        carprice.from_sklearn(estimator, X, y, created=CREATED)


def test_converted_model_prices_like_the_cli(xy, cli, tmp_path, data_csv):
    import json
    import subprocess

    X, y = xy
    estimator = TransformedTargetRegressor(one_hot_ridge(), func=np.log, inverse_func=np.exp).fit(
        X, y
    )
    model = carprice.from_sklearn(estimator, X, y, created=CREATED)
    model.save(tmp_path / "m.json")
    out = subprocess.run(
        [cli, "predict", "--model", tmp_path / "m.json", "--cars", data_csv, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert model.predict(X).tolist() == [json.loads(line)["price"] for line in out.splitlines()]


def test_extra_categories_price_like_handle_unknown_ignore_and_are_flagged(cars):
    train, test = cars.iloc[:120], cars.iloc[120:]
    X, y = train.drop(columns="price"), train["price"]
    estimator = TransformedTargetRegressor(
        one_hot_ridge(handle_unknown="ignore"), func=np.log, inverse_func=np.exp
    ).fit(X, y)
    vocabulary = {c: sorted(cars[c].unique()) for c in ["make", "body-style", "fuel-type"]}
    model = carprice.from_sklearn(estimator, X, y, created=CREATED, categories=vocabulary)
    unseen = sorted(set(test["make"]) - set(X["make"]))
    make = next(a for a in model.document["attributes"] if a["name"] == "make")
    assert unseen and set(unseen) <= set(make["untrained"])
    np.testing.assert_allclose(
        model.predict(test), estimator.predict(test.drop(columns="price")), rtol=1e-9, atol=0
    )
    car = test[test["make"] == unseen[0]].drop(columns="price").iloc[0].to_dict()
    assert {
        "kind": "untrained_category",
        "attribute": "make",
        "category": unseen[0],
    } in model.quote(car)["extrapolations"]


def test_extra_categories_need_an_encoder_that_accepts_unknowns(xy):
    X, y = xy
    estimator = one_hot_ridge().fit(X, np.log(y))
    with pytest.raises(carprice.UnsupportedModel, match="handle_unknown='ignore'") as caught:
        carprice.from_sklearn(estimator, X, created=CREATED, categories={"make": ["tesla"]})
    assert caught.value.path == "preprocess/cat"
