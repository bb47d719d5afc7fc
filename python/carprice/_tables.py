"""Tables of cars as the flat columns the native pricer reads.

Tables are pandas, pyarrow or polars DataFrames, dicts of columns or lists of dicts. Columns go
as numpy arrays, which the native module reads in place: float64 or int64 for numbers, codes into
a few distinct values for everything else (pandas object columns go as they are, coded by the
objects' identity in the native module).

Only values are moved here; checking and pricing are model-core's, in the native module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ._carprice import CarError

Column = tuple[Any, ...]


def missing_column(name: str, columns: Iterable[str]) -> CarError:
    """Return the error for a table without one of the model's attributes."""
    known = ", ".join(str(c) for c in columns)
    error = CarError(f"`{name}` is missing: the table has no such column (columns: {known})")
    error.attribute = name
    error.row = None
    return error


def columns_for(table: Any, attributes: Sequence[Mapping[str, Any]]) -> tuple[list, int]:
    """One column per attribute (in the model's order) and the number of rows of `table`."""
    module = type(table).__module__.split(".")[0]
    kind = type(table).__name__
    if module == "pandas" and kind == "Series":
        raise TypeError(
            "X is a pandas Series (one car?): pass a DataFrame (e.g. cars.iloc[[3]] rather than "
            "cars.iloc[3]), or price one car with model.quote(series.to_dict())"
        )
    if module == "polars" and kind == "LazyFrame":
        raise TypeError("X is a polars LazyFrame: call .collect() first and price the DataFrame")
    if module == "pandas":
        return _from_pandas(table, attributes)
    if module == "pyarrow" and kind == "RecordBatch":
        import pyarrow as pa

        return _from_arrow(pa.Table.from_batches([table]), attributes)
    if module == "pyarrow":
        return _from_arrow(table, attributes)
    if module == "polars":
        return _from_arrow(table.to_arrow(), attributes)
    if isinstance(table, Mapping):
        return _from_mapping(table, attributes)
    if isinstance(table, Sequence) and not isinstance(table, (str, bytes)):
        return _from_records(table, attributes)
    raise TypeError(
        "X must be a pandas DataFrame, a dict of columns, a list of dicts, a pyarrow Table or "
        f"RecordBatch or a polars DataFrame with one column per attribute; got {kind}"
    )


def _numbers(values: np.ndarray) -> Column:
    """Numbers as float64, or int64 as they are (the native module reads both in place).

    A float32 or float16 value is read as the decimal it prints as (``np.float32(66.2)`` is 66.2,
    not 66.19999694824219), which is the text a CSV of the table holds and the CLI prices.
    """
    array = np.asarray(values)
    if narrow_float(array.dtype):
        array = array.astype(str).astype(np.float64)
    elif array.dtype not in (np.float64, np.int64):
        array = array.astype(np.float64)
    return ("numbers", np.ascontiguousarray(array))


def narrow_float(dtype: Any) -> bool:
    """Whether ``dtype`` is a float of fewer than 64 bits (numpy's or pandas' nullable one)."""
    return getattr(dtype, "kind", "") == "f" and dtype.itemsize < 8


def _codes(codes: np.ndarray, distinct: list) -> Column:
    """Codes into `distinct`, -1 for a missing value (sent as 2**32 - 1, past the end)."""
    return ("codes", np.ascontiguousarray(np.asarray(codes).astype(np.uint32)), distinct)


def _objects(values: np.ndarray) -> Column:
    """Pass a column of Python objects, coded by the native module by identity.

    pandas shares one string object per distinct text, so this skips hashing every row's text.
    """
    return ("objects", np.ascontiguousarray(values, dtype=object))


def _named(
    attributes: Sequence[Mapping[str, Any]], available: Any, column: Any
) -> Iterable[tuple[bool, Any]]:
    """Per attribute: whether it is numeric, and its column (``column(name)``) of the table."""
    names = list(available)
    for attribute in attributes:
        name = attribute["name"]
        if name not in names:
            raise missing_column(name, names)
        if names.count(name) > 1:
            raise ValueError(
                f"X has {names.count(name)} columns named {name!r}: keep one, so that it is clear "
                "which to price"
            )
        yield attribute["kind"] == "numeric", column(name)


def _from_pandas(frame: Any, attributes: Sequence[Mapping[str, Any]]) -> tuple[list, int]:
    import pandas as pd

    columns = []
    for numeric, series in _named(attributes, frame.columns, frame.__getitem__):
        if numeric and series.dtype in (np.float64, np.int64):
            # Plain numpy columns, read in place.
            columns.append(_numbers(series.to_numpy()))
        elif numeric and series.dtype.kind in "iuf":
            # float32 columns stay float32 until _numbers reads them as their decimals.
            wide = np.float32 if narrow_float(series.dtype) else np.float64
            columns.append(_numbers(series.to_numpy(dtype=wide, na_value=np.nan)))
        elif isinstance(series.dtype, pd.CategoricalDtype):
            columns.append(_codes(series.cat.codes.to_numpy(), list(series.cat.categories)))
        elif series.dtype == object:
            columns.append(_objects(series.to_numpy()))
        else:
            codes, distinct = pd.factorize(series, use_na_sentinel=True)
            columns.append(_codes(codes, list(distinct)))
    return columns, len(frame)


def _from_arrow(table: Any, attributes: Sequence[Mapping[str, Any]]) -> tuple[list, int]:
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for numeric, column in _named(attributes, table.column_names, table.column):
        if numeric and (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            wide = pa.float32() if column.type in (pa.float16(), pa.float32()) else pa.float64()
            columns.append(_numbers(pc.fill_null(column.cast(wide), math.nan).to_numpy()))
        else:
            encoded = pc.dictionary_encode(column).combine_chunks()
            indices = pc.fill_null(encoded.indices.cast(pa.int64()), -1).to_numpy()
            columns.append(_codes(indices, encoded.dictionary.to_pylist()))
    return columns, table.num_rows


def _factorize(values: Iterable[Any]) -> Column:
    """Codes for values of any hashable kinds (None and NaN are missing: code -1)."""
    seen: dict = {}
    distinct: list = []
    codes = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            codes.append(-1)
            continue
        key = (type(value), value)
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(distinct)
            distinct.append(value)
        codes.append(code)
    return _codes(np.asarray(codes, dtype=np.int64), distinct)


def _single(values: Any) -> bool:
    """Whether a dict's value is one value (text, a number, a 0-d array) rather than a column."""
    if isinstance(values, np.ndarray):
        return values.ndim == 0
    return isinstance(values, (str, bytes)) or not hasattr(values, "__len__")


def _from_mapping(
    table: Mapping[str, Any], attributes: Sequence[Mapping[str, Any]]
) -> tuple[list, int]:
    for name, values in table.items():
        if _single(values):
            raise TypeError(
                f"X is a dict whose {name!r} is a single value, not a column: price one car with "
                "model.quote(car), or give each attribute a list of values (one per car)"
            )
    lengths = {len(values) for values in table.values()}
    if len(lengths) > 1:
        raise ValueError(f"the columns of X have different lengths: {sorted(lengths)}")
    columns = []
    for numeric, values in _named(attributes, table.keys(), table.__getitem__):
        if numeric and isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
            columns.append(_numbers(values))
        else:
            columns.append(_factorize(values))
    return columns, lengths.pop() if lengths else 0


def _from_records(
    records: Sequence[Any], attributes: Sequence[Mapping[str, Any]]
) -> tuple[list, int]:
    for row, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(
                "X is a list, so each row must be a dict of attribute values; "
                f"row {row} is a {type(record).__name__}"
            )
    columns = []
    for attribute in attributes:
        name = attribute["name"]
        if records and not any(name in record for record in records):
            raise missing_column(name, records[0].keys())
        columns.append(_factorize(record.get(name) for record in records))
    return columns, len(records)
