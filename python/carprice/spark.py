"""Pricing Spark tables on Spark itself: Azure Databricks, Synapse, Fabric, or a local session.

:func:`price` ships the model to the executors as its JSON document (a few KB) and prices each
Arrow batch there with model-core, through ``DataFrame.mapInArrow``; nothing is collected to the
driver. The executors need this package installed (the same wheel as the driver).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import Model

_models: dict[str, Model] = {}


def _model(text: str) -> Model:
    """Return the model of a document, read once per executor process."""
    model = _models.get(text)
    if model is None:
        model = _models[text] = Model.from_json(text)
    return model


def price(df: Any, model: Model, *, column: str = "price") -> Any:
    """Return ``df`` with a float64 column ``column`` (dollars) holding each row's price.

    ``df`` is a ``pyspark.sql.DataFrame`` with one column per model attribute (by name; other
    columns are kept and ignored). Prices are computed on the executors with the same bits as
    ``carprice predict``, ``Model.predict`` and the web app. Lazy, like any Spark transformation.

    Raises ``ValueError`` at once if ``df`` already has ``column``; a row the model refuses fails
    the Spark job with the :class:`carprice.CarError` message (attribute, and row within its
    batch). Filter or fix such rows first, e.g. with ``model.attributes``' categories and ranges.
    """
    from pyspark.sql.types import DoubleType, StructField, StructType

    if column in df.columns:
        raise ValueError(
            f"the DataFrame already has a column {column!r}: pass column= another name"
        )
    text = model.to_json()
    schema = StructType(df.schema.fields + [StructField(column, DoubleType(), nullable=False)])

    def price_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        pricing = _model(text)
        for batch in batches:
            prices = pricing.predict(pa.Table.from_batches([batch]))
            yield batch.append_column(column, pa.array(prices, type=pa.float64()))

    return df.mapInArrow(price_batches, schema)
