"""`carprice.spark.price` in Spark local mode (PySpark from PyPI, the machine's Java) gives the
CLI's bits."""

from __future__ import annotations

import os
import sys

import pytest

import carprice
import carprice.spark


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("carprice-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_prices_equal_the_cli(spark, model, cars, cli_prices):
    frame = spark.createDataFrame(cars.assign(row=range(len(cars)))).repartition(3)
    priced = carprice.spark.price(frame, model, column="quote").orderBy("row").toPandas()
    assert priced["quote"].tolist() == cli_prices
    assert list(priced.columns) == list(cars.columns) + ["row", "quote"]


def test_spark_refuses_a_bad_row_with_the_car_error(spark, model, cars):
    bad = cars.head(20).copy()
    bad.loc[4, "make"] = "tesla"
    with pytest.raises(Exception, match="tesla"):
        carprice.spark.price(spark.createDataFrame(bad), model, column="quote").collect()


def test_an_existing_column_is_not_overwritten(spark, model, cars):
    with pytest.raises(ValueError, match="already has"):
        carprice.spark.price(spark.createDataFrame(cars.head(3)), model)
