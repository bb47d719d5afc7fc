#!/usr/bin/env bash
# Runs carprice: checks the default model and prices an example car with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p carprice
./target/release/carprice validate --model assets/model.json
./target/release/carprice predict --model assets/model.json <<'JSON'
{"make": "audi", "fuel-type": "gas", "aspiration": "std", "num-of-doors": "four",
 "body-style": "sedan", "drive-wheels": "fwd", "engine-location": "front", "wheel-base": 99.8,
 "length": 176.6, "width": 66.2, "height": 54.3, "curb-weight": 2337, "engine-type": "ohc",
 "num-of-cylinders": "four", "engine-size": 109, "fuel-system": "mpfi", "bore": 3.19,
 "stroke": 3.4, "compression-ratio": 10, "horsepower": 102, "peak-rpm": 5500, "city-mpg": 24,
 "highway-mpg": 30, "symboling": 2}
JSON
