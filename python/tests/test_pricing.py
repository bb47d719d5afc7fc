"""Prices from Python are model-core's.

The parity fixture's bits, the CLI's quotes, every table kind.
"""

from __future__ import annotations

import csv
import json
import subprocess
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import carprice

ROOT = Path(__file__).resolve().parents[2]
MASK = (1 << 64) - 1


class SplitMix:
    """The generator of model-core/tests/parity.rs (SplitMix64), so the same cars come out."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def unit(self) -> float:
        return (self.next() >> 11) / float(1 << 53)


def parity_cars(model: carprice.Model) -> list:
    """The 200 cars model-core/tests/parity.rs prices, generated the same way."""
    random = SplitMix(2026)
    cars = []
    for _ in range(200):
        car = {}
        for attribute in model.attributes:
            if attribute.kind == "numeric":
                low, high = attribute.range
                width = high - low
                x = low - 0.1 * width + 1.2 * width * random.unit()
                car[attribute.name] = max(x, low * 0.5)
            else:
                car[attribute.name] = attribute.categories[
                    random.next() % len(attribute.categories)
                ]
        cars.append(car)
    return cars


def bits(x: float) -> str:
    return f"{np.float64(x).view(np.uint64):016x}"


@pytest.fixture(scope="module")
def fixture_lines() -> list:
    """The default model's 200 lines of the fixture (the lines of other models follow them)."""
    return (ROOT / "model-core" / "tests" / "parity-prices.txt").read_text().splitlines()[:200]


def test_quotes_equal_the_native_parity_fixture_bit_for_bit(model, fixture_lines):
    for i, car in enumerate(parity_cars(model)):
        quote = model.quote(car)
        numbers = [quote["price"], quote["interval"]["low"], quote["interval"]["high"]]
        numbers += [c.get("factor", c.get("dollars")) for c in quote["contributions"]]
        assert " ".join(bits(x) for x in numbers) == fixture_lines[i], f"car {i}"


def test_predict_equals_the_native_parity_fixture_bit_for_bit(model, fixture_lines):
    cars = parity_cars(model)
    expected = [int(line.split()[0], 16) for line in fixture_lines]
    for table in (pd.DataFrame(cars), cars, pa.Table.from_pylist(cars), pl.DataFrame(cars)):
        prices = model.predict(table)
        assert prices.dtype == np.float64 and prices.shape == (200,)
        assert prices.view(np.uint64).tolist() == expected, type(table).__name__


def test_predict_equals_carprice_predict_on_the_sample_data(model, cars, cli_prices):
    assert model.predict(cars).tolist() == cli_prices


def test_quote_equals_carprice_predict_json(model, model_path, cars, cli):
    car = cars.drop(columns="price").iloc[7].to_dict()
    car = {k: (v.item() if hasattr(v, "item") else v) for k, v in car.items()}
    out = subprocess.run(
        [cli, "predict", "--model", model_path, "--json"],
        input=json.dumps(car),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert model.quote(car) == json.loads(out)


def test_every_table_kind_gives_the_same_prices(model, cars):
    expected = model.predict(cars)
    records = cars.to_dict("records")
    columns = {name: cars[name].to_numpy() for name in cars.columns}
    lists = {name: cars[name].tolist() for name in cars.columns}
    for table in (
        records,
        columns,
        lists,
        pa.Table.from_pandas(cars),
        pl.from_pandas(cars),
        cars.astype({"make": "category"}),
    ):
        assert model.predict(table).tolist() == expected.tolist()


def test_a_large_table_is_priced_in_slices_on_threads_like_its_rows(model, cars):
    # 200,000 rows: two threads' parts, each priced 16,384 rows at a time from the arrays in
    # place (int64 and float64 as they are, other dtypes converted, objects coded per slice).
    rows = 200_000
    big = cars.iloc[np.arange(rows) % len(cars)].reset_index(drop=True)
    expected = np.tile(model.predict(cars), rows // len(cars) + 1)[:rows]
    assert model.predict(big).tolist() == expected.tolist()
    mixed = big.astype({"curb-weight": "int32", "width": "float32", "engine-size": "Int64"})
    strided = {name: np.repeat(cars[name].to_numpy(), 2)[::2] for name in cars.columns}
    assert model.predict(strided).tolist() == model.predict(cars).tolist()
    # float32 widths are read as the decimals they print as: the sample's own.
    assert model.predict(mixed).tolist() == expected.tolist()
    # The first bad row, in the second thread's part and its fourth slice, is named.
    bad = big.copy()
    bad.loc[[150_001, 190_000], "make"] = "trabant"
    with pytest.raises(carprice.CarError, match="trabant") as caught:
        model.predict(bad)
    assert caught.value.attribute == "make" and caught.value.row == 150_001


def test_object_column_changed_by_another_thread_while_priced_is_refused_without_a_panic(
    model, cars
):
    # Pricing reads object columns without the GIL; another thread putting new objects into the
    # array meanwhile must give prices or a RuntimeError, never a Rust panic.
    big = cars.iloc[np.arange(400_000) % len(cars)].reset_index(drop=True)
    makes = big["make"].to_numpy()
    stop = threading.Event()

    def change() -> None:
        row = 0
        while not stop.is_set():
            makes[row % len(makes)] = "".join(["au", "di"])
            row += 7919

    thread = threading.Thread(target=change)
    thread.start()
    try:
        for _ in range(5):
            try:
                model.predict(big)
            except RuntimeError as error:
                assert "changed by another thread" in str(error)
    finally:
        stop.set()
        thread.join()


def test_text_in_separate_objects_prices_like_shared_text(model, cars):
    # Object columns are coded by object identity: equal text in distinct objects must agree.
    copies = cars.assign(make=["".join(list(make)) for make in cars["make"]])
    assert len({id(make) for make in copies["make"]}) == len(copies)
    assert model.predict(copies).tolist() == model.predict(cars).tolist()


def test_a_missing_value_in_a_category_column_names_the_row(model, cars):
    bad = cars.astype({"make": "category"})
    bad.loc[4, "make"] = None
    with pytest.raises(carprice.CarError, match="missing") as caught:
        model.predict(bad)
    assert caught.value.attribute == "make" and caught.value.row == 4


def test_extra_columns_are_ignored_and_order_does_not_matter(model, cars):
    shuffled = cars[list(reversed(cars.columns))].assign(
        stock_number=range(len(cars)), colour="red"
    )
    assert model.predict(shuffled).tolist() == model.predict(cars).tolist()


def test_numeric_text_prices_like_numbers(model, cars):
    as_text = cars.astype(str)
    assert model.predict(as_text).tolist() == model.predict(cars).tolist()


def test_score_is_r_squared_and_metrics_match_the_cli(
    model, model_path, cars, data_csv, test_rows_file, cli
):
    from sklearn.metrics import r2_score

    assert model.score(cars, cars["price"]) == pytest.approx(
        r2_score(cars["price"], model.predict(cars)), rel=1e-12
    )
    rows = carprice._carprice.parse_row_list(test_rows_file.read_text())
    held_out = cars.iloc[rows]
    ours = carprice.metrics(held_out["price"], model.predict(held_out))
    native = json.loads(
        subprocess.run(
            [
                cli,
                "evaluate",
                "--model",
                model_path,
                "--data",
                data_csv,
                "--rows",
                test_rows_file,
                "--json",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert (ours.rows, ours.r2, ours.mae, ours.rmse, ours.mape) == (
        native["rows"],
        native["r2"],
        native["mae"],
        native["rmse"],
        native["mape"],
    )


def test_model_round_trips_through_json_and_pickle(model, model_path, tmp_path):
    import pickle

    assert model.to_json() == model_path.read_text()
    assert carprice.Model.from_json(model.to_json()) == model
    assert pickle.loads(pickle.dumps(model)) == model
    model.save(tmp_path / "m.json")
    assert (tmp_path / "m.json").read_text() == model.to_json()


def test_attributes_describe_the_form(model):
    make = model.attributes[0]
    assert (make.name, make.kind, make.default) == ("make", "categorical", "toyota")
    numeric = [a for a in model.attributes if a.kind == "numeric"]
    assert numeric and all(
        a.range[0] <= a.default <= a.range[1] and a.categories is None for a in numeric
    )
    assert model.version == "1.0.0" and model.target == "price"
    assert (make.label, make.group, make.description, make.imputed) == (
        "Make",
        "identity",
        "Manufacturer",
        False,
    )
    assert (
        len(make.labels) == len(make.categories)
        and make.labels[make.categories.index("alfa-romero")] == "Alfa Romeo"
    )
    assert all(a.labels is None for a in numeric)


def test_attributes_of_format_1_1_yes_no_and_imputed(cars):
    with_turbo = cars.assign(turbo=(cars["aspiration"] == "turbo").map({True: "yes", False: "no"}))
    model = carprice.train(with_turbo, created="2026-11-30T00:00:00Z")
    turbo = next(a for a in model.attributes if a.name == "turbo")
    assert (turbo.kind, turbo.default, turbo.categories, turbo.labels, turbo.unit) == (
        "yes_no",
        False,
        None,
        None,
        "",
    )
    document = model.document
    document["attributes"][model.attributes.index(turbo)]["imputed"] = True
    imputed = carprice.Model.from_json(json.dumps(document))
    assert imputed.attributes[model.attributes.index(turbo)].imputed
    assert [a.name for a in imputed.attributes if a.imputed] == ["turbo"]


def cli_prices(cli, model_path, table_csv, out_dir) -> list:
    """The prices `carprice predict --cars --out` writes, each read back exactly."""
    out = out_dir / "priced.csv"
    subprocess.run(
        [cli, "predict", "--model", model_path, "--cars", table_csv, "--out", out],
        check=True,
        capture_output=True,
    )
    with open(out, newline="", encoding="utf-8") as file:
        return [float(row["price"]) for row in csv.DictReader(file)]


def test_an_interaction_model_predicts_the_cli_prices_bit_for_bit(cars, data_csv, cli, tmp_path):
    path = ROOT / "model-core" / "tests" / "interaction-model.json"
    model = carprice.Model.load(path)
    assert {t["kind"] for t in model.document["terms"]} >= {"interaction", "numeric", "categorical"}
    prices = model.predict(cars)
    assert prices.tolist() == cli_prices(cli, path, data_csv, tmp_path)
    assert prices.tolist() == model.predict(cars.to_dict("records")).tolist()


def test_a_yes_no_model_predicts_the_cli_prices_bit_for_bit(cars, cli, tmp_path):
    # A 0/1 column in place of the sample's two-valued `aspiration`: training makes it yes/no.
    turbo = (cars["aspiration"] == "turbo").astype(int)
    table = cars.drop(columns="aspiration").assign(turbo=turbo)
    model = carprice.train(table, created="2026-11-30T00:00:00Z")
    assert next(a.kind for a in model.attributes if a.name == "turbo") == "yes_no"
    assert "yes_no" in {t["kind"] for t in model.document["terms"]}
    model_path, table_csv = tmp_path / "model.json", tmp_path / "cars.csv"
    model.save(model_path)
    table.to_csv(table_csv, index=False)
    prices = model.predict(table)
    assert prices.tolist() == cli_prices(cli, model_path, table_csv, tmp_path)
    # Every spelling of yes and no prices alike.
    for spelling in (
        turbo.astype(bool),
        turbo.map({1: "yes", 0: "no"}),
        turbo.map({1: "TRUE", 0: "false"}),
        turbo.astype("boolean"),
    ):
        assert model.predict(table.assign(turbo=spelling)).tolist() == prices.tolist()
    columns = table.to_dict("list")
    assert (
        model.predict({**columns, "turbo": turbo.to_numpy(dtype=bool)}).tolist() == prices.tolist()
    )
    car = json.loads(table.drop(columns="price").iloc[[0]].to_json(orient="records"))[0]
    assert model.quote({**car, "turbo": np.True_}) == model.quote({**car, "turbo": True})


def test_a_float32_column_was_priced_at_its_widened_value_not_as_the_cli(model, cars, cli_prices):
    floats = [c for c in cars.columns if cars[c].dtype == np.float64]
    narrow = cars.astype({c: np.float32 for c in floats})
    for table in (
        narrow,
        cars.astype({c: "Float32" for c in floats}),
        {c: narrow[c].to_numpy() for c in narrow.columns},
        pa.Table.from_pandas(narrow),
        pl.from_pandas(narrow),
        # Object columns of numpy float32 scalars (pandas' astype(object) widens them).
        narrow.assign(**{c: pd.Series(list(narrow[c].to_numpy()), dtype=object) for c in floats}),
    ):
        assert model.predict(table).tolist() == cli_prices
    car = json.loads(cars.drop(columns="price").iloc[[0]].to_json(orient="records"))[0]
    as_float32 = {k: np.float32(v) if k in floats else v for k, v in car.items()}
    assert model.quote(as_float32) == model.quote(car)
