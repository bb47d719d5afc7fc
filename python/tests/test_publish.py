"""`carprice.publish` is `carprice publish`'s registry code: a round trip through Azurite."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from azurite import Azurite, container_sas

import carprice


@pytest.fixture
def azurite(tmp_path):
    with Azurite(tmp_path / "azurite") as service:
        service.create_container("models")
        yield service


def test_publish_round_trip_and_the_cli_sees_it(
    azurite, model, cars, test_rows_file, cli, monkeypatch
):
    rows = carprice._carprice.parse_row_list(test_rows_file.read_text())
    test = cars.iloc[rows]
    url, sas = azurite.container_url("models"), container_sas("models", "rcl")
    done = carprice.publish(model, test, url, sas=sas)
    assert (done.version, done.already_published, done.metrics.rows) == ("1.0.0", False, len(rows))
    assert done.metrics == carprice.metrics(test["price"], model.predict(test))
    assert "sig=" not in done.container or "REDACTED" in done.container.upper()
    stored = azurite.blob("models", "car-price/1.0.0/model.json")
    assert stored == model.to_json().encode()
    assert (
        hashlib.sha256(azurite.blob("models", "car-price/1.0.0/test-data.csv")).hexdigest()
        == hashlib.sha256(test.to_csv(index=False, lineterminator="\n").encode()).hexdigest()
    )
    again = carprice.publish(model, test, url, sas=sas)
    assert again.already_published
    status = subprocess.run(
        [cli, "status"],
        env={"CARPRICE_CONTAINER_URL": url, "CARPRICE_SAS": sas, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert "1.0.0" in status.stdout + status.stderr


def test_publishing_a_version_again_with_other_files_is_refused(azurite, model, cars):
    url, sas = azurite.container_url("models"), container_sas("models", "rcl")
    carprice.publish(model, cars.head(40), url, sas=sas)
    with pytest.raises(carprice.PublishError, match="already published"):
        carprice.publish(model, cars.head(50), url, sas=sas)


def test_storage_problems_are_os_errors(azurite, model, cars):
    with pytest.raises(carprice.StorageError, match="does not exist") as caught:
        carprice.publish(
            model,
            cars.head(40),
            azurite.container_url("nothing"),
            sas=container_sas("nothing", "rcl"),
        )
    assert isinstance(caught.value, OSError)
    with pytest.raises(carprice.StorageError, match="denied"):
        carprice.publish(
            model, cars.head(40), azurite.container_url("models"), sas=container_sas("models", "r")
        )


def test_test_data_the_model_cannot_price_is_refused(azurite, model, cars):
    bad = cars.head(40).copy()
    bad.loc[3, "make"] = "tesla"
    with pytest.raises(carprice.PublishError, match="cannot price"):
        carprice.publish(
            model, bad, azurite.container_url("models"), sas=container_sas("models", "rcl")
        )
