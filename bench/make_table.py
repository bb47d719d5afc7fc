"""Writes a synthetic car price table of any size to stdout, for the training benchmark.

`python3 bench/make_table.py ROWS [ATTRIBUTES]`: ROWS rows of up to 17 attributes (5 categorical,
12 numeric, in the sample data's style; the first ATTRIBUTES of them, default all) and a `price`
that depends on several of them, with two interactions and 10% noise. Seeded: the same arguments
give the same bytes.
"""

import math
import random
import sys

MAKES = [f"make-{i:02}" for i in range(20)]
BODIES = ["sedan", "hatchback", "wagon", "convertible", "hardtop"]
DRIVES = ["fwd", "rwd", "4wd"]
ENGINES = ["ohc", "ohcf", "ohcv", "dohc", "l"]


def main() -> None:
    rows = int(sys.argv[1])
    attributes = int(sys.argv[2]) if len(sys.argv) > 2 else 17
    rng = random.Random(20261130)
    make_effect = [rng.gauss(0, 0.3) for _ in MAKES]
    names = [
        "make",
        "fuel-type",
        "body-style",
        "drive-wheels",
        "engine-type",
        "wheel-base",
        "length",
        "width",
        "height",
        "curb-weight",
        "engine-size",
        "bore",
        "stroke",
        "horsepower",
        "peak-rpm",
        "city-mpg",
        "highway-mpg",
    ][:attributes]
    out = sys.stdout
    out.write(",".join(names + ["price"]) + "\n")
    for _ in range(rows):
        make = rng.randrange(len(MAKES))
        body = rng.randrange(len(BODIES))
        drive = rng.randrange(len(DRIVES))
        size = rng.gauss(0, 1)
        weight = round(2500 * math.exp(0.2 * size + rng.gauss(0, 0.05)))
        horsepower = round(100 * math.exp(0.3 * size + rng.gauss(0, 0.15)))
        diesel = rng.random() < 0.1
        values = [
            MAKES[make],
            "diesel" if diesel else "gas",
            BODIES[body],
            DRIVES[drive],
            ENGINES[rng.randrange(len(ENGINES))],
            f"{98 + 6 * size + rng.gauss(0, 1):.1f}",
            f"{174 + 12 * size + rng.gauss(0, 2):.1f}",
            f"{65.9 + 2 * size + rng.gauss(0, 0.5):.1f}",
            f"{53.7 + rng.gauss(0, 2.4):.1f}",
            str(weight),
            str(round(120 * math.exp(0.3 * size + rng.gauss(0, 0.1)))),
            f"{3.3 + rng.gauss(0, 0.27):.2f}",
            f"{3.25 + rng.gauss(0, 0.3):.2f}",
            str(horsepower),
            str(round(5100 + rng.gauss(0, 480))),
            str(round(25 * math.exp(-0.25 * size + rng.gauss(0, 0.05)))),
            str(round(30 * math.exp(-0.22 * size + rng.gauss(0, 0.05)))),
        ]
        log_price = (
            9.4
            + make_effect[make]
            + 0.8 * math.log(weight / 2500)
            + 0.5 * math.log(horsepower / 100)
            + (0.15 if drive == 1 else 0.0)
            + (0.3 * math.log(weight / 2500) if body == 3 else 0.0)
            + (0.1 * size if diesel else 0.0)
            + rng.gauss(0, 0.1)
        )
        out.write(",".join(values[:attributes] + [str(round(math.exp(log_price)))]) + "\n")


if __name__ == "__main__":
    main()
