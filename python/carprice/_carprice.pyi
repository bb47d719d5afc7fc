"""Type stubs of the native module (model-core behind PyO3). Use the `carprice` package instead."""

import os
from typing import Any, Union

import numpy as np

_Path = Union[str, "os.PathLike[str]"]

FORMAT_VERSION: str
TRAINER_VERSION: str

class CarError(ValueError):
    attribute: str
    row: int | None

class ModelError(ValueError): ...
class DataError(ValueError): ...
class TrainError(ValueError): ...
class PublishError(ValueError): ...
class SchemaError(ValueError): ...
class StorageError(OSError): ...

class NativeModel:
    @staticmethod
    def from_json(text: str) -> NativeModel: ...
    def to_json(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def ignored_attributes(self) -> list[str]: ...
    def attributes(self) -> list[dict[str, Any]]:
        """Describe each attribute as a dict.

        Keys: name, label, group, description, imputed, kind ("numeric", "categorical" or
        "yes_no"), unit, range, categories, labels, default, integer, positive.
        """
    def quote_json(self, car: dict[str, Any]) -> str: ...
    def price_columns(self, columns: list[tuple[Any, ...]], rows: int) -> np.ndarray: ...

def metrics(actual: list[float], predicted: list[float]) -> dict[str, Any]: ...
def train(
    csv: bytes,
    test_rows: list[int],
    *,
    name: str,
    version: str,
    created: str,
    target: str,
    ignore: list[str],
    missing: str,
    schema: _Path | None = None,
) -> NativeModel: ...
def check_created(created: str) -> None: ...
def parse_row_list(text: str) -> list[int]: ...
def schema_attributes(path: _Path | None, columns: list[str]) -> list[dict[str, Any]]:
    """Describe each column as the attribute schema at ``path`` gives it.

    Keys: label, group, unit, description, labels ({category: label}), position (place in the
    schema; unlisted columns share the last).
    """

def publish(
    model_json: bytes, test_data: bytes, container_url: str, *, sas: str | None, auth: str
) -> dict[str, Any]: ...
