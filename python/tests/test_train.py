"""`carprice.train` writes the very bytes `carprice train` writes for the same data and options."""

from __future__ import annotations

import subprocess

import pytest

import carprice

CREATED = "2026-11-30T00:00:00Z"


def cli_train(cli, data, out, *extra):
    subprocess.run(
        [cli, "train", "--data", data, "--out", out, "--version", "2.1.0", "--created", CREATED, *extra],
        check=True,
        capture_output=True,
    )
    return out.read_text()


def test_train_on_a_file_equals_the_cli(cli, data_csv, test_rows_file, tmp_path):
    native = cli_train(cli, data_csv, tmp_path / "cli.json", "--test-rows", test_rows_file)
    model = carprice.train(data_csv, test_rows=test_rows_file, version="2.1.0", created=CREATED)
    assert model.to_json() == native


def test_train_on_a_dataframe_equals_the_cli_on_its_csv(cli, cars, test_rows_file, tmp_path):
    rows = carprice._carprice.parse_row_list(test_rows_file.read_text())
    csv = tmp_path / "cars.csv"
    csv.write_text(cars.to_csv(index=False, lineterminator="\n"))
    (tmp_path / "rows.txt").write_text("\n".join(map(str, rows)))
    native = cli_train(cli, csv, tmp_path / "cli.json", "--test-rows", tmp_path / "rows.txt")
    model = carprice.train(cars, target="price", test_rows=rows, version="2.1.0", created=CREATED)
    assert model.to_json() == native
    assert model.document["test_metrics"]["rows"] == len(rows)


def test_train_errors_are_typed(cars):
    with pytest.raises(carprice.TrainError, match="too few"):
        carprice.train(cars.head(5), created=CREATED)
    with pytest.raises(carprice.DataError):
        carprice.train(b"make,price\n", created=CREATED)
    with pytest.raises(ValueError, match="RFC 3339"):
        carprice.train(cars, created="yesterday")
