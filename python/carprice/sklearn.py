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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import Model, UnsupportedModel, _carprice, _utc_now

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
    #: Where the encoder is, for messages.
    path: str = ""


def _unsupported(step: Any, path: str, why: str = "") -> UnsupportedModel:
    cls = type(step).__name__
    where = path or "the estimator"
    reason = why or f"carprice converts only {SUPPORTED}"
    return UnsupportedModel(f"{where} is a {cls}: {reason}", path=path, estimator_class=cls)


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
                outputs.append(_Coded(x.column, x.categories, values, unknown, x.path))
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
    ``(n_rows, n_columns)``) gives each attribute's training range, median or most frequent value
    and the rows the result is checked on; ``y`` (actual prices in dollars, shape ``(n_rows,)``),
    when given, the central 80% of the residuals for the price range and the recorded in-sample
    MAE. Without ``y`` the price range is the price itself.

    ``categories`` (column → category names, e.g. the data set's whole vocabulary) adds names the
    encoders did not see: each is priced as scikit-learn prices an unknown category (encoders with
    ``handle_unknown="ignore"``, or ``"use_encoded_value"`` for OrdinalEncoder) and listed as
    ``untrained``, so quotes flag it. An encoder that refuses unknown categories cannot take them.

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
    with ``TransformedTargetRegressor(func=np.log, inverse_func=np.exp)`` instead.
    """
    import sklearn

    table = _table(X)
    columns = [str(c) for c in getattr(estimator, "feature_names_in_", table.columns)]
    for column in columns:
        if column not in table.columns:
            raise ValueError(f"X has no column {column!r}, which the estimator was fitted on")
    described = dict(zip(columns, _carprice.schema_attributes(schema, columns)))
    linear = _regressor(estimator, [_Raw(c) for c in columns], "")

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
                names = [str(c) for c in (categories or {}).get(feature.column, [])]
                extra[feature.column] = [
                    c for c in dict.fromkeys(names) if c not in feature.categories
                ]
                everything = feature.categories + tuple(extra[feature.column])
                coded[feature.column] = (feature.categories, {c: 0.0 for c in everything})
            known, weights = coded[feature.column]
            if known != feature.categories:
                raise UnsupportedModel(
                    f"column {feature.column!r} is encoded twice with different categories"
                )
            if extra[feature.column] and feature.unknown is None:
                raise UnsupportedModel(
                    f"column {feature.column!r} cannot take the extra categories "
                    f"{extra[feature.column]}: the encoder at {feature.path or 'the top'} "
                    "refuses unknown categories (fit it with handle_unknown='ignore')",
                    path=feature.path,
                )
            for category in weights:
                value = feature.per_category.get(category, feature.unknown)
                weights[category] += coefficient * value
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
    target = str(getattr(y, "name", None) or "price")

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
            "data_sha256": _fingerprint(table, y, target),
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
    if y is not None:
        document["interval"], document["training"]["cv_mae"] = _spread(
            model, table, y, linear.target
        )
        document["training"]["notes"].append(
            "cv_mae is the in-sample mean absolute error on those rows, in dollars; "
            "the price range is the central 80% of their residuals"
        )
        model = _checked(document, estimator, table)
    return model


def _fingerprint(table: Any, y: Any, target: str) -> str:
    data = table.copy()
    if y is not None:
        data[target] = np.asarray(y)
    return hashlib.sha256(data.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def _spread(model: Model, table: Any, y: Any, transform: str) -> tuple[dict, float]:
    actual = np.asarray(y, dtype=np.float64)
    predicted = model.predict(table)
    if len(actual) != len(predicted):
        raise ValueError(f"y has {len(actual)} values for {len(predicted)} rows of X")
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
            f"the converted model cannot price row {error.row} of X as the estimator does: {error}"
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
