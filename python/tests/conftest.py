"""Shared fixtures: the repository's default model, the sample data set (``CARPRICE_DATA``) and the
real ``carprice`` command (``CARPRICE_BIN``, else built with cargo)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import carprice

ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    place = Path(os.environ.get("CARPRICE_DATA", ROOT.parent / "shared" / "data"))
    return place.parent if place.is_file() else place


@pytest.fixture(scope="session")
def data_csv() -> Path:
    path = data_dir() / "car-prices.csv"
    if not path.is_file():
        pytest.fail(
            f"the sample data set is missing at {path}: set CARPRICE_DATA (see README, Data)"
        )
    return path


@pytest.fixture(scope="session")
def test_rows_file() -> Path:
    return data_dir() / "seed-split-test-rows.txt"


@pytest.fixture(scope="session")
def cars(data_csv: Path) -> pd.DataFrame:
    return pd.read_csv(data_csv)


@pytest.fixture(scope="session")
def model_path() -> Path:
    return ROOT / "assets" / "model.json"


@pytest.fixture(scope="session")
def model(model_path: Path) -> carprice.Model:
    return carprice.Model.load(model_path)


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `carprice` binary of this checkout (``CARPRICE_BIN``, e.g. ``target/debug/carprice``)."""
    given = os.environ.get("CARPRICE_BIN")
    if given:
        return ROOT / given  # relative paths are relative to the repository
    subprocess.run(["cargo", "build", "--locked", "-q", "-p", "carprice"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "carprice"


@pytest.fixture(scope="session")
def cli_prices(cli: Path, model_path: Path, data_csv: Path) -> list[float]:
    """The sample data's prices (dollars, one per row) from ``carprice predict --json``."""
    out = subprocess.run(
        [cli, "predict", "--model", model_path, "--cars", data_csv, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line)["price"] for line in out.splitlines()]
