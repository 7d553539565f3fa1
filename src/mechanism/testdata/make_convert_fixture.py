#!/usr/bin/env python3
"""Writes convert_fixture.json: weight vectors and the uids/u16 values the
Python SDK math gives for them (float32 cast as numpy does, max-upscale in
float64, Python round() = half to even, zeros dropped).

Run with Debian's python3 (numpy): /usr/bin/python3 make_convert_fixture.py
The output is committed; tests never run Python.
"""
import json
import pathlib

import numpy as np

U16_MAX = 65535


def emit(uids, weights):
    w = np.asarray(weights, dtype=np.float64).astype(np.float32).tolist()
    if sum(w) == 0:
        return [], []
    top = float(max(w))
    pairs = [(u, round(float(x) / top * U16_MAX)) for u, x in zip(uids, w)]
    return [u for u, v in pairs if v != 0], [v for u, v in pairs if v != 0]


def float64_path(uids, weights):
    """The same without the float32 cast, to count where the cast matters."""
    if sum(weights) == 0:
        return [], []
    top = max(weights)
    pairs = [(u, round(x / top * U16_MAX)) for u, x in zip(uids, weights)]
    return [u for u, v in pairs if v != 0], [v for u, v in pairs if v != 0]


rng = np.random.default_rng(37)
cases = []


def add(name, uids, weights):
    uids = [int(u) for u in uids]
    weights = [float(w) for w in weights]
    out_uids, out_values = emit(uids, weights)
    cases.append({
        "name": name,
        "uids": uids,
        "weights": weights,
        "expectUids": out_uids,
        "expectValues": out_values,
        "float32Matters": (out_uids, out_values) != float64_path(uids, weights),
    })


# Exact ties: (2k+1)/131070 of the max lands on k + 0.5 after the float64 steps.
add("ties at .5 round to even", range(7), [1, 3, 5, 7, 9, 11, 131070])
add("half of the max is a tie 32767.5", [0, 1], [1, 2])
add("all zero sends nothing", [0, 1, 2], [0, 0, 0])
add("one weight", [5], [0.25])
add("tiny weights round to zero and are dropped", [0, 1, 2], [1e-6, 1, 7.6e-6])
add("float32 underflow to zero", [0, 1], [1e-46, 1e-45])
add("values above float32 precision", [0, 1, 2], [16777217, 16777216, 33554431])
for i in range(250):
    n = int(rng.integers(1, 41))
    uids = rng.choice(256, size=n, replace=False)
    kind = i % 5
    if kind == 0:
        w = rng.random(n)
    elif kind == 1:
        w = rng.lognormal(0, 3, n)
    elif kind == 2:
        w = rng.random(n) * (rng.random(n) < 0.5)
    elif kind == 3:
        w = np.exp(rng.uniform(-40, 5, n))
    else:
        # Near-ties: k + 0.5 (+ a few ulps) of 65535ths of a random max.
        top = float(rng.uniform(0.5, 3))
        k = rng.integers(0, U16_MAX, n)
        w = (k + 0.5) / U16_MAX * top * (1 + rng.integers(-3, 4, n) * 2.0**-52)
        w[0] = top
    add(f"random {i} kind {kind}", uids, w)

out = pathlib.Path(__file__).with_name("convert_fixture.json")
out.write_text(json.dumps({"generator": "make_convert_fixture.py", "numpy": np.__version__, "cases": cases}) + "\n")
print(f"{len(cases)} cases, float32 cast changes the result in {sum(c['float32Matters'] for c in cases)}")
