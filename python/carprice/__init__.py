"""carprice for Python: the pricing engine (model-core, in Rust) for notebooks and batch jobs.

A :class:`Model` prices cars with the very code the staff web app and the ``carprice`` command run,
so a notebook sees the same numbers, to the bit. :func:`train` is ``carprice train``;
:func:`from_sklearn` turns a fitted scikit-learn linear pipeline into a carprice model exactly, or
refuses it by name; :mod:`carprice.spark` prices Spark tables on the executors.

Errors are ``ValueError`` subclasses: :class:`CarError` (a car the model cannot price; ``attribute``
and ``row``, the 0-based position in the table, say where), :class:`ModelError` (an invalid model
document), :class:`DataError` (an unreadable table), :class:`SchemaError` (an unreadable attribute
schema), :class:`TrainError`, :class:`UnsupportedModel` and :class:`PublishError`;
:class:`StorageError` (Blob storage unusable or unreachable) is an ``OSError``.
"""

from __future__ import annotations

import datetime as _datetime
import json as _json
import operator as _operator
import os as _os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _carprice
from ._carprice import (
    CarError,
    DataError,
    ModelError,
    PublishError,
    SchemaError,
    StorageError,
    TrainError,
)
from ._tables import columns_for as _columns_for

__all__ = [
    "Attribute",
    "CarError",
    "DataError",
    "Metrics",
    "Model",
    "ModelError",
    "Publication",
    "PublishError",
    "SchemaError",
    "StorageError",
    "TrainError",
    "UnsupportedModel",
    "from_sklearn",
    "metrics",
    "publish",
    "train",
]

#: The model format version this package writes.
FORMAT_VERSION: str = _carprice.FORMAT_VERSION


class UnsupportedModel(ValueError):
    """A scikit-learn estimator that :func:`from_sklearn` cannot turn into an exact carprice model.

    ``path`` is the step's path in the estimator (e.g. ``"preprocess/cat"``), ``estimator_class``
    its class name; the message says what is supported.
    """

    def __init__(self, message: str, *, path: str = "", estimator_class: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.estimator_class = estimator_class


@dataclass(frozen=True)
class Attribute:
    """One attribute a car needs.

    ``kind`` is ``"numeric"``, ``"categorical"`` or ``"yes_no"``. Numeric attributes have a
    ``unit`` (``""`` when unitless) and a training ``range`` ``(min, max)``; categorical ones the
    known ``categories`` and their display ``labels`` (parallel to ``categories``; the names
    themselves when the model gives none); yes/no ones take ``True``/``False`` (or yes/no, 1/0).
    ``default`` is the reference car's value (training median, most frequent category, or the more
    frequent of yes and no). ``description`` is the form's help text (None when the model has
    none); ``imputed`` says a missing value is replaced by ``default`` (and the quote says so).
    """

    name: str
    kind: str
    label: str
    group: str
    unit: str
    range: tuple[float, float] | None
    categories: tuple[str, ...] | None
    default: float | str | bool
    integer: bool
    positive: bool
    description: str | None = None
    labels: tuple[str, ...] | None = None
    imputed: bool = False


@dataclass(frozen=True)
class Metrics:
    """Accuracy of predicted against actual prices.

    R² (unitless), MAE and RMSE (dollars), MAPE (percent: 9.5 means 9.5%), over ``rows`` rows.
    """

    rows: int
    r2: float
    mae: float
    rmse: float
    mape: float


class Model:
    """A validated carprice model.

    Make one with :meth:`load`, :meth:`from_json`, :func:`train` or :func:`from_sklearn`. It is
    immutable; equal models have equal documents. It pickles as its JSON document.
    """

    __slots__ = ("_native", "_attributes")

    def __init__(self, native: _carprice.NativeModel) -> None:
        if not isinstance(native, _carprice.NativeModel):
            raise TypeError("use Model.load(path) or Model.from_json(text) to make a Model")
        self._native = native
        self._attributes = tuple(_attribute(a) for a in native.attributes())

    @classmethod
    def load(cls, path: str | _os.PathLike[str]) -> Model:
        """Read and validate a model file (``model.json``).

        Raises ``OSError`` when the file cannot be read and :class:`ModelError` (naming the field)
        when it is not a valid carprice model.
        """
        with open(path, "rb") as file:
            data = file.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ModelError(f"{_os.fspath(path)} is not UTF-8 text: {error}") from None
        return cls.from_json(text)

    @classmethod
    def from_json(cls, text: str) -> Model:
        """Read and validate a model document; raise :class:`ModelError` naming the field."""
        return cls(_carprice.NativeModel.from_json(text))

    def to_json(self) -> str:
        """Return the model document: pretty-printed JSON with a trailing newline.

        Byte for byte what ``carprice train`` writes for the same model.
        """
        return self._native.to_json()

    def save(self, path: str | _os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path`` atomically (a temporary file renamed into place)."""
        path = _os.fspath(path)
        temporary = f"{path}.tmp-{_os.getpid()}"
        with open(temporary, "w", encoding="utf-8", newline="\n") as file:
            file.write(self.to_json())
        _os.replace(temporary, path)

    @property
    def name(self) -> str:
        """The model family name, e.g. ``"car-price"``."""
        return self._native.name

    @property
    def version(self) -> str:
        """The release version, e.g. ``"1.2.0"`` (ordered numerically by the release pipeline)."""
        return self._native.version

    @property
    def target(self) -> str:
        """The predicted column, e.g. ``"price"``."""
        return self._native.target

    @property
    def ignored_attributes(self) -> tuple[str, ...]:
        """Columns a car may have that the model accepts and ignores (e.g. left out by training)."""
        return tuple(self._native.ignored_attributes)

    @property
    def attributes(self) -> tuple[Attribute, ...]:
        """The attributes a car needs, in the order a form shows them."""
        return self._attributes

    @property
    def document(self) -> dict:
        """The model document as a dict (a copy: changing it changes nothing)."""
        return _json.loads(self.to_json())

    def predict(self, X: Any) -> np.ndarray:
        """Price every row of ``X``.

        ``X`` is a pandas DataFrame, a dict of columns, a list of dicts, a pyarrow Table or
        RecordBatch or a polars DataFrame with one column (or key) per attribute, by name; other
        columns are ignored. Numeric attributes take numbers (or numeric text); categorical ones
        the model's category names; yes/no ones booleans, yes/no or 1/0. A boolean is the text
        true/false, as in the CLI's JSON, so a numeric attribute refuses it. A float32 value is
        the decimal it prints as (``np.float32(66.2)`` is 66.2), as a CSV of the table holds it
        and the CLI prices it. ``None``, NaN and ``pd.NA`` are missing values. Returns a float64
        array of shape ``(n_rows,)``, in dollars: the same bits as ``carprice predict`` and the
        web app.

        Raises :class:`CarError` for the first row, in order, that cannot be priced (a missing,
        unknown or non-numeric value, or a value where the quantity must be positive), with
        ``attribute`` and ``row`` set and named in the message: ``row`` is the 0-based position
        in ``X``, not its index label. Raises ``TypeError`` for one car (a pandas Series or a
        dict of single values: use :meth:`quote`) and for a polars LazyFrame (``.collect()`` it
        first), ``ValueError`` for two columns of one attribute's name. Raises ``RuntimeError``
        when another thread puts new objects into the table's object columns while they are
        priced (pricing reads them without the GIL).
        """
        columns, rows = _columns_for(
            X, [{"name": a.name, "kind": a.kind} for a in self._attributes]
        )
        return self._native.price_columns(columns, rows)

    def quote(self, car: Mapping[str, Any]) -> dict:
        """Price one car (a dict of attribute values) and explain the price.

        Exactly as ``carprice predict --json`` prints it: ``price``, ``interval`` (``level``,
        ``low``, ``high``), ``reference_price``, ``contributions`` (a factor or dollars per
        attribute) and ``extrapolations``. Dollars throughout.

        Unlike :meth:`predict`, which ignores columns that are not attributes, ``quote`` refuses a
        name that is neither an attribute nor one of ``ignored_attributes`` (so a misspelt
        attribute is caught): leave the target out, e.g. ``cars.drop(columns="price").iloc[0]
        .to_dict()``. Raises :class:`CarError` (``row`` is None).
        """
        if not isinstance(car, Mapping):
            raise TypeError(f"a car is a dict of attribute values, got {type(car).__name__}")
        return _json.loads(self._native.quote_json(dict(car)))

    def score(self, X: Any, y: Any) -> float:
        """Return R² of :meth:`predict` on ``X`` against the actual prices ``y``.

        ``y`` has shape ``(n_rows,)``; R² as scikit-learn regressors' ``score`` computes it.
        Raises ``ValueError`` for lengths that differ, no rows, non-finite or zero prices, or
        constant ``y``.
        """
        return metrics(y, self.predict(X)).r2

    def __eq__(self, other: object) -> bool:
        """Models are equal when their documents are."""
        return isinstance(other, Model) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        """Hash of the model document."""
        return hash(self.to_json())

    def __repr__(self) -> str:
        """Name and version of the model."""
        return repr(self._native)

    def __reduce__(self) -> tuple:
        """Pickle as the JSON document."""
        return (Model.from_json, (self.to_json(),))


def _attribute(raw: Mapping[str, Any]) -> Attribute:
    categories = raw["categories"]
    return Attribute(
        name=raw["name"],
        kind=raw["kind"],
        label=raw["label"],
        group=raw["group"],
        unit=raw["unit"],
        range=tuple(raw["range"]) if raw["range"] is not None else None,
        categories=tuple(categories) if categories is not None else None,
        default=raw["default"],
        integer=raw["integer"],
        positive=raw["positive"],
        description=raw["description"],
        labels=tuple(raw["labels"]) if raw["labels"] is not None else None,
        imputed=raw["imputed"],
    )


def metrics(y_true: Any, y_pred: Any) -> Metrics:
    """Compute R², MAE, RMSE and MAPE of predicted against actual prices.

    Prices are 1-D, of equal lengths, in dollars; model-core computes the metrics as the release
    gate does. Raises ``ValueError`` for no rows, different lengths, non-finite values, an actual
    price of 0 (MAPE undefined) or constant actual prices (R² undefined).
    """
    actual = np.asarray(y_true, dtype=np.float64).ravel().tolist()
    predicted = np.asarray(y_pred, dtype=np.float64).ravel().tolist()
    return Metrics(**_carprice.metrics(actual, predicted))


def _utc_now() -> str:
    now = _datetime.datetime.now(_datetime.timezone.utc).replace(microsecond=0)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv_bytes(data: Any) -> bytes:
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if isinstance(data, (str, _os.PathLike)):
        with open(data, "rb") as file:
            return file.read()
    module = type(data).__module__.split(".")[0]
    if module in ("pyarrow", "polars"):
        data = data.to_pandas()
    if type(data).__module__.split(".")[0] == "pandas":
        return data.to_csv(index=False, lineterminator="\n").encode("utf-8")
    raise TypeError(
        "data must be a CSV file path, CSV bytes, or a pandas/polars DataFrame or pyarrow Table; "
        f"got {type(data).__name__}"
    )


def train(
    data: Any,
    target: str = "price",
    test_rows: None | Sequence[int] | str | _os.PathLike[str] = None,
    *,
    name: str = "car-price",
    version: str = "1.0.0",
    created: str | None = None,
    schema: None | str | _os.PathLike[str] = None,
    ignore: Sequence[str] = (),
    missing: str = "refuse",
) -> Model:
    """Trains a carprice model exactly as ``carprice train`` does.

    ``data`` is a CSV file path, CSV bytes, or a DataFrame (written as CSV with
    ``to_csv(index=False)``; ``training.data_sha256`` is the sha256 of that text, so ``carprice
    train`` on a file holding it writes the same bytes). ``test_rows`` are 0-based rows held out
    (a list, or a file with one per line like ``seed-split-test-rows.txt``); their metrics are
    recorded in the model. ``created`` is an RFC 3339 time (default: now, to the second).
    ``schema`` is the path of an attribute schema (TOML) as ``carprice train --schema`` takes it:
    labels, units, form groups and order, descriptions, kinds and category display labels.
    ``ignore`` lists columns to leave out (IDs such as a VIN or a stock number), as ``carprice
    train --ignore``. ``missing`` says what to do with missing cells (empty, ``NA``, NaN, …), as
    ``carprice train --missing``: ``"refuse"`` (the default: name the column and the CSV lines),
    ``"drop-rows"`` (leave out the rows with one) or ``"impute"`` (replace a missing attribute
    value by the training median or most frequent value; the model imputes cars the same way).

    Raises ``OSError`` for a schema file that cannot be read, :class:`SchemaError` for an invalid
    one, :class:`DataError` for an unreadable table, :class:`TrainError` for bad options, too
    few rows, missing cells (with ``missing="refuse"``) or a non-positive target; ``ValueError``
    for a bad ``created`` or ``missing``, or a negative or repeated test row; ``TypeError`` for
    test rows that are not row numbers (e.g. a boolean mask: pass ``np.flatnonzero(mask)``) or an
    ``ignore`` that is a single string.
    """
    csv = _csv_bytes(data)
    if test_rows is None:
        rows: list = []
    elif isinstance(test_rows, (str, _os.PathLike)):
        with open(test_rows, encoding="utf-8") as file:
            rows = _carprice.parse_row_list(file.read())
    else:
        rows = _row_numbers(test_rows)
    if isinstance(ignore, str):
        raise TypeError(f"ignore is a list of column names, got the string {ignore!r}")
    native = _carprice.train(
        csv,
        rows,
        name=name,
        version=version,
        created=created if created is not None else _utc_now(),
        target=target,
        ignore=[str(c) for c in ignore],
        missing=missing,
        schema=schema,
    )
    return Model(native)


def _row_numbers(test_rows: Iterable[Any]) -> list[int]:
    """0-based row numbers, each once; a boolean mask or a non-integer is a ``TypeError``."""
    rows: list[int] = []
    seen: set[int] = set()
    for given in test_rows:
        if isinstance(given, (bool, np.bool_)):
            raise TypeError(
                "test_rows are 0-based row numbers, not a boolean mask: pass the numbers of the "
                "rows to hold out, e.g. np.flatnonzero(mask)"
            )
        try:
            row = _operator.index(given)
        except TypeError:
            raise TypeError(f"test_rows are 0-based row numbers, got {given!r}") from None
        if row < 0:
            raise ValueError(f"test row {row} is negative: test_rows are 0-based row numbers")
        if row in seen:
            raise ValueError(f"test row {row} is given twice in test_rows: give each row once")
        seen.add(row)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Publication:
    """What :func:`publish` did.

    The ``version`` published, the ``container`` (its URL with any SAS redacted), whether exactly
    these files were ``already_published`` (nothing uploaded), and the model's :class:`Metrics` on
    its test data as measured before uploading.
    """

    version: str
    container: str
    already_published: bool
    metrics: Metrics


def publish(
    model: Model,
    test_data: Any,
    container_url: str | None = None,
    *,
    sas: str | None = None,
    auth: str = "auto",
) -> Publication:
    """Publish a model and the test data the release gate judges it on.

    The same code as ``carprice publish``: uploads ``car-price/<version>/test-data.csv`` and
    ``model.json`` with their sha256, after checking the model prices every test row. Never
    overwrites a published version; publishing the very same files again is a no-op
    (``already_published``).

    ``test_data`` is a DataFrame (with the target column; written with ``to_csv(index=False)``),
    a CSV file path or CSV bytes. ``container_url`` defaults to ``CARPRICE_CONTAINER_URL`` and
    ``sas`` to ``CARPRICE_SAS``; ``auth`` is ``"auto"`` (a SAS if there is one), ``"sas"``,
    ``"anonymous"`` or ``"entra"`` (Microsoft Entra ID, e.g. after ``az login``; https only).

    Raises :class:`PublishError` (a ``ValueError``: invalid model, unusable test data, a version
    already published with other files) or :class:`StorageError` (an ``OSError``: bad URL, access
    denied, no such container, storage unreachable). Blocks while uploading, without the GIL.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a carprice.Model, got {type(model).__name__}")
    url = container_url if container_url is not None else _os.environ.get("CARPRICE_CONTAINER_URL")
    if not url:
        raise ValueError("no container: pass container_url= or set CARPRICE_CONTAINER_URL")
    if sas is None:
        sas = _os.environ.get("CARPRICE_SAS") or None
    done = _carprice.publish(
        model.to_json().encode("utf-8"), _csv_bytes(test_data), url, sas=sas, auth=auth
    )
    return Publication(
        version=done["version"],
        container=done["container"],
        already_published=done["already_published"],
        metrics=Metrics(**done["metrics"]),
    )


# Last, since it reads the names above; scikit-learn itself is imported only when converting.
from .sklearn import from_sklearn  # noqa: E402
