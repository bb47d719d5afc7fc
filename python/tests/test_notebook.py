"""The example notebook runs from top to bottom (nbclient, a real IPython kernel)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def test_example_notebook_runs(tmp_path, data_csv, monkeypatch):
    monkeypatch.setenv("CARPRICE_DATA", str(data_csv.parent))
    monkeypatch.setenv("CARPRICE_NOTEBOOK_OUT", str(tmp_path))
    notebook = nbformat.read(ROOT / "examples" / "sklearn-to-carprice.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    assert (tmp_path / "model.json").is_file() and (tmp_path / "test-data.csv").is_file()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert "largest relative difference from scikit-learn" in outputs
