"""`carprice.train` writes the very bytes `carprice train` writes for the same data and options."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import carprice

CREATED = "2026-11-30T00:00:00Z"
SCHEMA = Path(__file__).resolve().parents[2] / "assets" / "car-prices.schema.toml"


def cli_train(cli, data, out, *extra):
    subprocess.run(
        [
            cli,
            "train",
            "--data",
            data,
            "--out",
            out,
            "--version",
            "2.1.0",
            "--created",
            CREATED,
            *extra,
        ],
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


def test_train_with_a_schema_equals_the_cli(cli, data_csv, test_rows_file, tmp_path):
    native = cli_train(
        cli, data_csv, tmp_path / "cli.json", "--test-rows", test_rows_file, "--schema", SCHEMA
    )
    model = carprice.train(
        data_csv, test_rows=test_rows_file, version="2.1.0", created=CREATED, schema=SCHEMA
    )
    assert model.to_json() == native
    drive = next(a for a in model.attributes if a.name == "drive-wheels")
    assert (drive.label, drive.group) == ("Drive wheels", "body")
    assert drive.labels[drive.categories.index("fwd")] == "Front-wheel drive"
    assert model.attributes[0].name == "make"  # the schema's order


def test_schema_errors_are_typed(cars, tmp_path):
    with pytest.raises(FileNotFoundError):
        carprice.train(cars, created=CREATED, schema=tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[attribute]]\nname = "make"\ncolour = "red"\n')
    with pytest.raises(carprice.SchemaError, match=r"(?s)bad\.toml.*colour"):
        carprice.train(cars, created=CREATED, schema=bad)
    with pytest.raises(carprice.SchemaError, match="bad.toml"):
        carprice.from_sklearn(None, cars, schema=bad)


def test_train_errors_are_typed(cars):
    with pytest.raises(carprice.TrainError, match="too few"):
        carprice.train(cars.head(5), created=CREATED)
    with pytest.raises(carprice.DataError):
        carprice.train(b"make,price\n", created=CREATED)
    with pytest.raises(ValueError, match="RFC 3339"):
        carprice.train(cars, created="yesterday")


def test_train_with_ignore_and_missing_equals_the_cli(cli, cars, tmp_path):
    # A stock number to leave out and a missing cell to impute or drop.
    table = cars.assign(stock=range(len(cars)))
    table.loc[4, "curb-weight"] = None
    csv = tmp_path / "cars.csv"
    csv.write_text(table.to_csv(index=False, lineterminator="\n"))
    for missing in ("drop-rows", "impute"):
        native = cli_train(
            cli, csv, tmp_path / "cli.json", "--ignore", "stock", "--missing", missing
        )
        model = carprice.train(
            table, version="2.1.0", created=CREATED, ignore=["stock"], missing=missing
        )
        assert model.to_json() == native
        assert "stock" not in {a.name for a in model.attributes}


def test_the_missing_cell_error_advised_a_cli_option_python_lacked(cars):
    table = cars.copy()
    table.loc[4, "curb-weight"] = None
    with pytest.raises(
        carprice.TrainError, match=r'train\(\.\.\., missing="drop-rows"\)'
    ) as caught:
        carprice.train(table, created=CREATED)
    assert "--missing" not in str(caught.value) and 'missing="impute"' in str(caught.value)
    with pytest.raises(ValueError, match='missing="sometimes" is not one of'):
        carprice.train(cars, created=CREATED, missing="sometimes")
    with pytest.raises(TypeError, match="ignore is a list of column names"):
        carprice.train(cars, created=CREATED, ignore="stock")


@pytest.mark.parametrize(
    "rows, error, words",
    [
        ([True, False, True], TypeError, "not a boolean mask.*np.flatnonzero"),
        ([3, -1], ValueError, "test row -1 is negative"),
        ([3, 7, 3], ValueError, "test row 3 is given twice"),
        ([1.5], TypeError, "0-based row numbers, got 1.5"),
    ],
    ids=["mask", "negative", "duplicate", "fraction"],
)
def test_a_boolean_mask_as_test_rows_was_read_as_rows_0_and_1(cars, rows, error, words):
    with pytest.raises(error, match=words):
        carprice.train(cars, test_rows=rows, created=CREATED)


def test_a_train_error_dropped_the_reason_the_cli_gives(cars):
    # One held-out row: R² is undefined, and the error says why, as `carprice train` does.
    with pytest.raises(carprice.TrainError, match="held-out rows: all actual values are equal"):
        carprice.train(cars, test_rows=[4], created=CREATED)
