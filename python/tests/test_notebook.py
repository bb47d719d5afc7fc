"""The example notebook runs from top to bottom (nbclient, a real IPython kernel), publishing to
Azurite."""

from __future__ import annotations

from pathlib import Path

import nbformat
from azurite import Azurite, container_sas
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def test_example_notebook_runs(tmp_path, data_csv, monkeypatch):
    monkeypatch.setenv("CARPRICE_DATA", str(data_csv.parent))
    monkeypatch.setenv("CARPRICE_NOTEBOOK_OUT", str(tmp_path))
    notebook = nbformat.read(ROOT / "examples" / "sklearn-to-carprice.ipynb", as_version=4)
    with Azurite(tmp_path / "azurite") as azurite:
        azurite.create_container("models")
        monkeypatch.setenv("CARPRICE_CONTAINER_URL", azurite.container_url("models"))
        monkeypatch.setenv("CARPRICE_SAS", container_sas("models", "rcl"))
        NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT / "examples")}},
        ).execute()
        assert (
            azurite.blob("models", "car-price/1.1.0/model.json")
            == (tmp_path / "model.json").read_bytes()
        )
    assert (tmp_path / "model.json").is_file() and (tmp_path / "test-data.csv").is_file()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert (
        "largest relative difference from scikit-learn" in outputs and "published 1.1.0" in outputs
    )
