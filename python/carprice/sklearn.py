"""Fitted scikit-learn linear pipelines as carprice models, exactly or not at all.

:func:`from_sklearn` reads the fitted parameters of a pipeline (encoders, scalers, log transforms,
the linear model, a log target) and writes the carprice model that computes the same function:
each input column becomes one attribute, its one-hot, ordinal and scaled columns fold into one
weight per category, its log and scaling into a numeric term's transform, center and scale. The
result is checked against ``estimator.predict(X)`` on every row; anything else is refused with
:class:`carprice.UnsupportedModel` naming the step.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import Model, UnsupportedModel, _carprice, _utc_now
from ._tables import narrow_float

#: Largest relative difference allowed between the converted model and ``estimator.predict``.
TOLERANCE = 1e-9

LINEAR_MODELS = (
    "LinearRegression",
    "Ridge",
    "RidgeCV",
    "Lasso",
    "LassoCV",
    "ElasticNet",
    "ElasticNetCV",
)
TRANSFORMERS = ("OneHotEncoder", "OrdinalEncoder", "StandardScaler", "FunctionTransformer")
SUPPORTED = (
    "Pipeline, ColumnTransformer (with 'passthrough' and 'drop'), OneHotEncoder, OrdinalEncoder, "
    "StandardScaler, FunctionTransformer(np.log), "
    + ", ".join(LINEAR_MODELS)
    + ", and TransformedTargetRegressor(func=np.log, inverse_func=np.exp) around any of them"
)


@dataclass
class _Raw:
    """An input column as given."""

    column: str


@dataclass
class _Number:
    """``a * transform(column) + b``."""

    column: str
    transform: str
    a: float = 1.0
    b: float = 0.0


@dataclass
class _Coded:
    """A value per category of a text column (one-hot indicator, ordinal code, or either scaled)."""

    column: str
    categories: tuple[str, ...]
    per_category: dict[str, float] = field(default_factory=dict)
    #: The value for a category the encoder did not see (None: the encoder refuses those).
    unknown: float | None = None
    #: Where the encoder is and its class, for messages.
    path: str = ""
    encoder: str = ""


def _unsupported(step: Any, path: str, why: str = "") -> UnsupportedModel:
    cls = type(step).__name__
    where = path or "the estimator"
    reason = why or f"carprice converts only {SUPPORTED}"
    return UnsupportedModel(f"{where} is a {cls}: {reason}", path=path, estimator_class=cls)


def _fitted(step: Any, path: str) -> None:
    """Raise scikit-learn's ``NotFittedError``, naming the step, when ``step`` is not fitted."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(step)
    except NotFittedError:
        where = path or "the estimator"
        raise NotFittedError(
            f"{where} ({type(step).__name__}) is not fitted: fit the estimator on the training "
            "data before converting it"
        ) from None


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _select(step: Any, inputs: list[Any], columns: Any, path: str) -> list[Any]:
    """Return the inputs a ColumnTransformer branch reads.

    Columns are given as names, positions, masks or slices.
    """
    names = list(getattr(step, "feature_names_in_", []))
    positions = list(range(len(inputs)))
    if isinstance(columns, slice):
        return [inputs[i] for i in positions[columns]]
    if isinstance(columns, (str, int, np.integer)):
        columns = [columns]
    columns = list(columns)
    if columns and all(isinstance(c, (bool, np.bool_)) for c in columns):
        return [x for x, keep in zip(inputs, columns) if keep]
    selected = []
    for column in columns:
        if isinstance(column, str):
            if column not in names:
                raise _unsupported(
                    step, path, f"it selects column {column!r}, which its input does not have"
                )
            selected.append(inputs[names.index(column)])
        else:
            selected.append(inputs[int(column)])
    return selected


def _categories(step: Any, index: int, path: str, column: str) -> tuple[str, ...]:
    categories = tuple(step.categories_[index])
    if not all(isinstance(c, str) for c in categories):
        raise _unsupported(
            step,
            path,
            f"column {column!r} has categories that are not text ({categories[:3]!r}…); carprice "
            "categories are names: convert the column to strings before fitting",
        )
    return categories


def _encoder_inputs(step: Any, inputs: list[Any], path: str) -> list[str]:
    if getattr(step, "_infrequent_enabled", False):
        raise _unsupported(
            step,
            path,
            "infrequent-category grouping (min_frequency / max_categories) is not supported",
        )
    columns = []
    for x in inputs:
        if not isinstance(x, _Raw):
            raise _unsupported(step, path, "an encoder must read the input columns themselves")
        columns.append(x.column)
    return columns


def _transform(step: Any, inputs: list[Any], path: str) -> list[Any]:
    """Return the features a fitted transformer makes from its input features."""
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return inputs
    if isinstance(step, str) and step == "drop":
        return []
    cls = type(step).__name__
    if cls == "Pipeline":
        for name, sub in step.steps:
            inputs = _transform(sub, inputs, _join(path, name))
        return inputs
    if cls in ("ColumnTransformer", *TRANSFORMERS):
        _fitted(step, path)
    if cls == "ColumnTransformer":
        outputs: list[Any] = []
        for name, transformer, columns in step.transformers_:
            outputs += _transform(
                transformer, _select(step, inputs, columns, _join(path, name)), _join(path, name)
            )
        return outputs
    if cls == "OneHotEncoder":
        outputs = []
        drops = step.drop_idx_ if step.drop_idx_ is not None else [None] * len(inputs)
        for k, column in enumerate(_encoder_inputs(step, inputs, path)):
            categories = _categories(step, k, path, column)
            for i, category in enumerate(categories):
                if drops[k] is not None and i == drops[k]:
                    continue
                unknown = (
                    0.0
                    if step.handle_unknown in ("ignore", "infrequent_if_exist", "warn")
                    else None
                )
                outputs.append(
                    _Coded(
                        column,
                        categories,
                        {c: float(c == category) for c in categories},
                        unknown,
                        path,
                        cls,
                    )
                )
        return outputs
    if cls == "OrdinalEncoder":
        outputs = []
        for k, column in enumerate(_encoder_inputs(step, inputs, path)):
            categories = _categories(step, k, path, column)
            unknown = (
                float(step.unknown_value) if step.handle_unknown == "use_encoded_value" else None
            )
            if unknown is not None and not math.isfinite(unknown):
                unknown = None
            outputs.append(
                _Coded(
                    column,
                    categories,
                    {c: float(i) for i, c in enumerate(categories)},
                    unknown,
                    path,
                    cls,
                )
            )
        return outputs
    if cls == "StandardScaler":
        outputs = []
        for j, x in enumerate(inputs):
            mean = float(step.mean_[j]) if step.with_mean else 0.0
            scale = float(step.scale_[j]) if step.with_std else 1.0
            if isinstance(x, _Raw):
                x = _Number(x.column, "identity")
            if isinstance(x, _Number):
                outputs.append(_Number(x.column, x.transform, x.a / scale, (x.b - mean) / scale))
            else:
                unknown = None if x.unknown is None else (x.unknown - mean) / scale
                values = {c: (v - mean) / scale for c, v in x.per_category.items()}
                outputs.append(_Coded(x.column, x.categories, values, unknown, x.path, x.encoder))
        return outputs
    if cls == "FunctionTransformer":
        if step.func is None:
            return inputs
        if step.func is not np.log or step.kw_args:
            raise _unsupported(
                step, path, f"only FunctionTransformer(np.log) is supported, not func={step.func!r}"
            )
        outputs = []
        for x in inputs:
            if isinstance(x, _Raw) or (
                isinstance(x, _Number) and x.transform == "identity" and x.a == 1.0 and x.b == 0.0
            ):
                outputs.append(_Number(x.column, "log"))
            else:
                raise _unsupported(
                    step,
                    path,
                    f"np.log must apply to column {x.column!r} as given, "
                    "before any scaling or encoding",
                )
        return outputs
    if hasattr(step, "predict"):
        raise _unsupported(step, path, "a predictor can only be the last step of the pipeline")
    if cls == "SimpleImputer":
        raise _unsupported(
            step,
            path,
            "imputation is not supported: drop the rows with missing values before fitting, or "
            "train with carprice.train(..., missing='impute'), whose models impute them",
        )
    raise _unsupported(step, path)


@dataclass
class _Linear:
    features: list[Any]
    coefficients: np.ndarray
    intercept: float
    target: str
    penalty: float
    cv: str
    chain: list[str]


def _regressor(est: Any, features: list[Any], path: str) -> _Linear:
    cls = type(est).__name__
    if hasattr(est, "best_estimator_") or cls.endswith("SearchCV"):
        raise _unsupported(
            est,
            path,
            "a hyper-parameter search, not a model: convert the estimator it chose, "
            "from_sklearn(search.best_estimator_, X, y) (fitted with refit=True, the default)",
        )
    if cls in ("TransformedTargetRegressor", *LINEAR_MODELS):
        _fitted(est, path)
    if cls == "TransformedTargetRegressor":
        if est.transformer is not None or est.func is not np.log or est.inverse_func is not np.exp:
            raise _unsupported(
                est,
                path,
                "only TransformedTargetRegressor(func=np.log, inverse_func=np.exp) is supported",
            )
        inner = _regressor(est.regressor_, features, _join(path, "regressor"))
        if inner.target != "identity":
            raise _unsupported(est, path, "the target is already log-transformed")
        inner.target = "log"
        inner.chain.insert(0, cls)
        return inner
    if cls == "Pipeline":
        for name, step in est.steps[:-1]:
            features = _transform(step, features, _join(path, name))
        name, last = est.steps[-1]
        inner = _regressor(last, features, _join(path, name))
        inner.chain.insert(0, cls)
        return inner
    if cls in LINEAR_MODELS:
        coefficients = np.asarray(est.coef_, dtype=np.float64)
        if coefficients.ndim != 1 or np.ndim(est.intercept_) != 0:
            raise _unsupported(
                est, path, "it predicts several targets; carprice models predict one price"
            )
        if len(coefficients) != len(features):
            raise _unsupported(
                est,
                path,
                f"it has {len(coefficients)} coefficients for {len(features)} input features",
            )
        penalty = float(getattr(est, "alpha_", getattr(est, "alpha", 0.0)))
        return _Linear(
            features,
            coefficients,
            float(est.intercept_),
            "identity",
            penalty,
            cls if cls.endswith("CV") else "none",
            [cls],
        )
    if hasattr(est, "estimators_") or "Boosting" in cls or "Forest" in cls or "Tree" in cls:
        raise _unsupported(
            est,
            path,
            "not a linear model. A carprice model is a sum of one weight per number and one per "
            "category, so trees and ensembles cannot be converted; "
            f"fit one of {', '.join(LINEAR_MODELS)}",
        )
    if hasattr(est, "predict"):
        raise _unsupported(
            est,
            path,
            f"not one of the linear models carprice converts ({', '.join(LINEAR_MODELS)})",
        )
    raise _unsupported(est, path)


def _described(name: str, info: dict[str, Any], fields: dict) -> dict:
    """Make an attribute: the schema's label, group and description (``info``), then ``fields``."""
    attribute = {"name": name, "label": info["label"], "group": info["group"]}
    if info["description"] is not None:
        attribute["description"] = info["description"]
    attribute.update(fields)
    return attribute


def _numeric_attribute(name: str, values: np.ndarray, info: dict[str, Any]) -> dict:
    return _described(
        name,
        info,
        {
            "kind": "numeric",
            "unit": info["unit"],
            "min": float(values.min()),
            "max": float(values.max()),
            "default": float(np.median(values)),
            "integer": bool(np.all(values == np.round(values))),
            "positive": bool(np.all(values > 0)),
        },
    )


def _categorical_attribute(
    name: str, categories: tuple[str, ...], values: Any, info: dict[str, Any]
) -> dict:
    counts = {c: 0 for c in categories}
    for value in values:
        if value in counts:
            counts[value] += 1
    default = max(categories, key=lambda c: counts[c])
    return _described(
        name, info, {"kind": "categorical", "categories": list(categories), "default": default}
    )


def _table(X: Any) -> Any:
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        return X
    module = type(X).__module__.split(".")[0]
    if module in ("polars", "pyarrow"):
        return X.to_pandas()
    if isinstance(X, dict):
        return pd.DataFrame(X)
    raise TypeError(
        "X must be a DataFrame with the columns the estimator was fitted on, "
        f"got {type(X).__name__}"
    )


def from_sklearn(
    estimator: Any,
    X: Any,
    y: Any = None,
    *,
    name: str = "car-price",
    version: str = "1.0.0",
    created: str | None = None,
    categories: dict[str, Any] | None = None,
    schema: None | str | os.PathLike[str] = None,
) -> Model:
    """Convert a fitted scikit-learn estimator into a validated carprice model.

    Supported: Pipeline, ColumnTransformer (branches and remainder may be ``"passthrough"`` or
    ``"drop"``), OneHotEncoder (any ``drop``, ``handle_unknown``), OrdinalEncoder,
    StandardScaler, FunctionTransformer(np.log), LinearRegression, Ridge/RidgeCV, Lasso/LassoCV,
    ElasticNet/ElasticNetCV, and TransformedTargetRegressor(func=np.log, inverse_func=np.exp)
    around any of them. Categorical columns must hold text.

    ``X`` (a pandas DataFrame with the columns the estimator was fitted on, shape
    ``(n_rows, n_columns)``, at least one row) gives each attribute's training range, median or
    most frequent value and the rows the result is checked on; ``y`` (actual prices in dollars,
    shape ``(n_rows,)`` or ``(n_rows, 1)`` as scikit-learn accepts, all finite, and above 0 for a
    log target), when given, the central 80% of the residuals for the price range and the recorded
    in-sample MAE. Without ``y`` the price range is the price itself. ``created`` is an RFC 3339
    time (default: now, to the second), as :func:`carprice.train` takes it.

    ``categories`` (column → list of category names, e.g. the data set's whole vocabulary) adds
    names the encoders did not see: each is priced as scikit-learn prices an unknown category
    (encoders with ``handle_unknown="ignore"``, or ``"use_encoded_value"`` with a number as
    ``unknown_value`` for OrdinalEncoder) and listed as ``untrained``, so quotes flag it. An
    encoder that refuses unknown categories cannot take them.

    ``schema`` is the path of an attribute schema (TOML, as ``carprice train --schema`` reads it,
    e.g. ``assets/car-prices.schema.toml``): each attribute takes its label, unit, form group,
    description and category display labels from it (labels of categories the model does not have
    are not used). Columns it does not list, or all without a schema, are labelled with their name,
    in group ``"other"``, without a unit: the same defaults as training. Raises ``OSError`` for a
    file that cannot be read and :class:`carprice.SchemaError` for an invalid one.

    Returns a model whose ``predict(X)`` equals ``estimator.predict(X)`` to a relative 1e-9 on
    every row. Raises :class:`carprice.UnsupportedModel` naming the step's path (e.g.
    ``"regressor/preprocess/cat"``) and class for anything else, or when the check fails; also
    when the model would price a car inside the ranges of ``X`` (the price range included) at $0
    or less, as a linear model of the raw price can at corners of the ranges: fit on the log price
    with ``TransformedTargetRegressor(func=np.log, inverse_func=np.exp)`` instead. A
    hyper-parameter search (``GridSearchCV``, …) is refused: convert its ``best_estimator_``.

    Raises scikit-learn's ``NotFittedError`` naming the step for an estimator that is not fitted;
    ``ValueError`` for an ``X`` without rows or the estimator's columns, a ``y`` of another length
    or shape, a missing, infinite or (log target) non-positive price, a bad ``created``, or
    ``categories`` for columns the estimator does not encode as categories; ``TypeError`` for
    ``categories`` that are not a dict of lists (a string is one category name, not a list).
    """
    import sklearn

    if created is not None:
        _carprice.check_created(created)
    table = _table(X)
    # scikit-learn computes with float32 values widened to float64, so the conversion is checked on
    # those (Model.predict reads a float32 as the decimal it prints as, as the CLI reads a CSV).
    narrow = [c for c in table.columns if narrow_float(table[c].dtype)]
    if narrow:
        table = table.astype({c: np.float64 for c in narrow})
    if len(table) == 0:
        raise ValueError(
            "X has no rows: from_sklearn takes each attribute's range from X and checks the "
            "conversion on its rows, so pass the rows the estimator was fitted on"
        )
    columns = [str(c) for c in getattr(estimator, "feature_names_in_", table.columns)]
    for column in columns:
        if column not in table.columns:
            raise ValueError(f"X has no column {column!r}, which the estimator was fitted on")
        values = table[column].to_numpy()
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            row = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"X's column {column!r} is missing or not finite at row {row} (0-based "
                "position): from_sklearn takes each attribute's range from X, so drop or fill "
                "such rows first"
            )
    described = dict(zip(columns, _carprice.schema_attributes(schema, columns)))
    linear = _regressor(estimator, [_Raw(c) for c in columns], "")
    categories = _vocabulary(categories)
    actual = None if y is None else _prices(y, len(table), linear.target)

    numbers: dict[tuple[str, str], list[float]] = {}
    coded: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {}
    extra: dict[str, list[str]] = {}
    intercept = linear.intercept
    for feature, coefficient in zip(linear.features, linear.coefficients):
        if isinstance(feature, _Raw):
            feature = _Number(feature.column, "identity")
        if isinstance(feature, _Number):
            total = numbers.setdefault((feature.column, feature.transform), [0.0, 0.0])
            total[0] += coefficient * feature.a
            total[1] += coefficient * feature.b
        else:
            if feature.column not in coded:
                names = categories.get(feature.column, [])
                extra[feature.column] = [
                    c for c in dict.fromkeys(names) if c not in feature.categories
                ]
                everything = feature.categories + tuple(extra[feature.column])
                coded[feature.column] = (feature.categories, {c: 0.0 for c in everything})
            known, weights = coded[feature.column]
            if known != feature.categories:
                raise UnsupportedModel(
                    f"column {feature.column!r} is encoded twice with different categories",
                    path=feature.path,
                    estimator_class=feature.encoder,
                )
            if extra[feature.column] and feature.unknown is None:
                accepting = (
                    "handle_unknown='use_encoded_value' and a number as unknown_value"
                    if feature.encoder == "OrdinalEncoder"
                    else "handle_unknown='ignore'"
                )
                raise UnsupportedModel(
                    f"column {feature.column!r} cannot take the extra categories "
                    f"{extra[feature.column]}: the {feature.encoder} at "
                    f"{feature.path or 'the top'} refuses unknown categories (fit it with "
                    f"{accepting})",
                    path=feature.path,
                    estimator_class=feature.encoder,
                )
            for category in weights:
                value = feature.per_category.get(category, feature.unknown)
                weights[category] += coefficient * value
    strangers = [column for column in categories if column not in coded]
    if strangers:
        raise ValueError(
            f"categories names {strangers}, which the estimator does not encode as categories "
            f"(its categorical columns: {sorted(coded)})"
        )
    both = {column for column, _ in numbers} & set(coded)
    if both:
        raise UnsupportedModel(
            f"column {sorted(both)[0]!r} is used both as a number and as categories"
        )

    attributes, terms = [], []
    # Attributes in the order training gives them: the schema's, then the table's.
    place = {str(c): i for i, c in enumerate(table.columns)}
    for column in sorted(columns, key=lambda c: (described[c]["position"], place[c])):
        if column in coded:
            known, weights = coded[column]
            attribute = _categorical_attribute(column, known, table[column], described[column])
            attribute["categories"] = list(weights)
            display = described[column]["labels"]
            if display:
                attribute["labels"] = [display.get(c, c) for c in weights]
            if extra[column]:
                attribute["untrained"] = extra[column]
            attributes.append(attribute)
            terms.append(
                {
                    "kind": "categorical",
                    "attribute": column,
                    "weights": [float(w) for w in weights.values()],
                }
            )
            continue
        transforms = [t for (c, t) in numbers if c == column]
        if not transforms:
            continue
        values = np.asarray(table[column], dtype=np.float64)
        attributes.append(_numeric_attribute(column, values, described[column]))
        for transform in sorted(transforms):
            slope, constant = numbers[(column, transform)]
            inputs = np.log(values) if transform == "log" else values
            center = float(np.mean(inputs))
            scale = float(np.std(inputs))
            if not (scale > 0.0 and math.isfinite(scale)):
                scale = 1.0
            intercept += slope * center + constant
            terms.append(
                {
                    "kind": "numeric",
                    "attribute": column,
                    "transform": transform,
                    "center": center,
                    "scale": scale,
                    "weight": float(slope * scale),
                }
            )
    used = {a["name"] for a in attributes}
    target = _target_name(y)

    document = {
        "format": "carprice-model",
        "format_version": _carprice.FORMAT_VERSION,
        "name": name,
        "version": version,
        "created": created if created is not None else _utc_now(),
        "trainer": (
            f"scikit-learn {sklearn.__version__} {' > '.join(linear.chain)} "
            f"(carprice {_carprice.TRAINER_VERSION} from_sklearn)"
        ),
        "training": {
            "rows": int(len(table)),
            "data_sha256": _fingerprint(table, actual, target),
            "penalty": linear.penalty,
            "category_penalty": 1.0,
            "cv_method": linear.cv,
            "cv_mae": 0.0,
            "notes": [
                f"converted from scikit-learn's fitted {' > '.join(linear.chain)}; "
                f"checked against its predict on {len(table)} rows"
            ],
        },
        "target": {"name": target, "unit": "USD", "transform": linear.target},
        "intercept": float(intercept),
        "attributes": attributes,
        "ignored_attributes": [
            str(c) for c in table.columns if str(c) not in used and str(c) != target
        ],
        "terms": terms,
        "interval": {"level": 0.8, "lower": 0.0, "upper": 0.0},
    }
    model = _checked(document, estimator, table)
    if actual is not None:
        document["interval"], document["training"]["cv_mae"] = _spread(
            model, table, actual, linear.target
        )
        document["training"]["notes"].append(
            "cv_mae is the in-sample mean absolute error on those rows, in dollars; "
            "the price range is the central 80% of their residuals"
        )
        model = _checked(document, estimator, table)
    return model


def _prices(y: Any, rows: int, transform: str) -> np.ndarray:
    """Return ``y`` as one price per row of X, in its own dtype.

    ``y`` has shape ``(n_rows,)``, or ``(n_rows, 1)`` raveled as scikit-learn does; every price is
    finite, and above 0 for a log target.
    """
    actual = np.asarray(y)
    if actual.ndim == 2 and actual.shape[1] == 1:
        actual = actual.ravel()
    if actual.ndim != 1:
        raise ValueError(
            f"y must hold one price per row of X, shape (n_rows,) or (n_rows, 1); got shape "
            f"{actual.shape}"
        )
    if len(actual) != rows:
        raise ValueError(f"y has {len(actual)} prices for {rows} rows of X: give one per row")
    if actual.dtype.kind not in "iuf":
        raise TypeError(
            f"y must hold prices as numbers, got {actual.dtype} values such as "
            f"{actual[0]!r}: convert the column, e.g. with pandas.to_numeric"
        )
    prices = actual.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(prices))
    if bad.size:
        raise ValueError(
            f"y has {_count(bad.size, 'missing or infinite price')}, the first at position "
            f"{bad[0]} ({float(prices[bad[0]])!r}): drop those rows from X and y"
        )
    bad = np.flatnonzero(prices <= 0) if transform == "log" else bad
    if bad.size:
        raise ValueError(
            f"y has {_count(bad.size, 'price')} of $0 or less, the first at position {bad[0]} "
            f"({float(prices[bad[0]])!r}): the estimator fits the log price, which needs every "
            "price above 0; drop those rows from X and y"
        )
    return actual


def _count(n: int, noun: str) -> str:
    """Return e.g. ``"1 price"`` or ``"3 prices"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _target_name(y: Any) -> str:
    """Return the target's name: a Series' name, a one-column DataFrame's column, or "price"."""
    columns = getattr(y, "columns", None)
    if columns is not None and len(columns) == 1:
        return str(columns[0])
    return str(getattr(y, "name", None) or "price")


def _vocabulary(categories: Any) -> dict[str, list[str]]:
    """``categories`` as column → category names; a string in place of a list is a TypeError."""
    if categories is None:
        return {}
    if not isinstance(categories, Mapping):
        raise TypeError(
            "categories maps column names to lists of category names, e.g. "
            f"{{'make': ['audi', 'bmw']}}; got {type(categories).__name__}"
        )
    vocabulary = {}
    for column, names in categories.items():
        if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
            raise TypeError(
                f"categories[{column!r}] must be a list of category names, got {names!r} "
                f"(for one category write [{names!r}])"
            )
        vocabulary[str(column)] = [str(c) for c in names]
        if "" in vocabulary[str(column)]:
            raise ValueError(
                f"categories[{column!r}] holds an empty name: a category is a non-empty text"
            )
    return vocabulary


def _fingerprint(table: Any, actual: np.ndarray | None, target: str) -> str:
    data = table.copy()
    if actual is not None:
        data[target] = actual
    return hashlib.sha256(data.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def _spread(model: Model, table: Any, actual: np.ndarray, transform: str) -> tuple[dict, float]:
    actual = actual.astype(np.float64)
    predicted = model.predict(table)
    residuals = np.log(actual) - np.log(predicted) if transform == "log" else actual - predicted
    lower = min(float(np.quantile(residuals, 0.1)), 0.0)
    upper = max(float(np.quantile(residuals, 0.9)), 0.0)
    return {"level": 0.8, "lower": lower, "upper": upper}, float(
        np.mean(np.abs(actual - predicted))
    )


def _checked(document: dict, estimator: Any, table: Any) -> Model:
    from . import CarError, ModelError

    try:
        model = Model.from_json(json.dumps(document))
    except ModelError as error:
        # model-core refuses a model that would quote a car inside its ranges a price (or lower
        # price) of $0 or less; a linear model on the raw price does that at corners of the ranges.
        if document["target"]["transform"] != "identity" or "not above 0" not in str(error):
            raise
        raise UnsupportedModel(
            "the converted model would give some cars inside the ranges of X a price or lower "
            f"price at $0 or less, which carprice refuses ({error}): a linear model of the raw "
            "price goes below zero at corners of the ranges. Fit it on the log price instead, "
            "wrapped in TransformedTargetRegressor(regressor, func=np.log, inverse_func=np.exp), "
            "or fit and convert it on data narrowed to the cars it prices above $0",
            path="",
            estimator_class=type(estimator).__name__,
        ) from None
    expected = np.asarray(estimator.predict(table), dtype=np.float64)
    try:
        got = model.predict(table)
    except CarError as error:
        raise UnsupportedModel(
            f"the converted model cannot price row {error.row} of X as the estimator does: {error}",
            path="",
            estimator_class=type(estimator).__name__,
        ) from None
    difference = np.abs(got - expected) / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    worst = int(np.argmax(difference))
    if not difference[worst] <= TOLERANCE:
        raise UnsupportedModel(
            "the converted model differs from estimator.predict by a relative "
            f"{difference[worst]:.3g} on row {worst} ({got[worst]!r} against {expected[worst]!r}), "
            f"more than {TOLERANCE}; carprice refuses a conversion that is not exact "
            "(is a step computing in float32?)",
            path="",
            estimator_class=type(estimator).__name__,
        )
    return model
