"""The old scoring endpoint: Flask, a pickled LinearRegression, `{"data": [[24 values], ...]}` in,
a list of prices out. Served by gunicorn for the benchmark; the pickle path is FLASK_MODEL."""

import os
import pickle

import numpy as np
from flask import Flask, jsonify, request

with open(os.environ["FLASK_MODEL"], "rb") as f:
    _saved = pickle.load(f)
COLUMNS = _saved["columns"]
ENCODERS = _saved["encoders"]
MODEL = _saved["model"]

app = Flask(__name__)


@app.post("/api/score")
def score():
    rows = request.get_json()["data"]
    x = np.array(
        [
            [
                ENCODERS[c].transform([v])[0] if c in ENCODERS else float(v)
                for c, v in zip(COLUMNS, row)
            ]
            for row in rows
        ],
        dtype=float,
    )
    return jsonify(MODEL.predict(x).tolist())
