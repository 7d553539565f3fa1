#!/usr/bin/python3
"""Checks the PyTorch side of `deno task bench` before it runs, and says which BLAS PyTorch uses.

Prints one JSON line: {"python", "missing": [modules], "torch"?, "torchThreads"?, "blasLibraries"?,
"openblasConfig"?, "openblasThreads"?, "openblasParallel"?}. The modules are the ones
tasks/bench/torch_model.py and tests/fixtures/make_fixtures.py import. Never fails: what is missing
is reported, the caller decides.
"""
import importlib.util
import json
import os
import sys

# Module -> Debian package (what tasks/bench.ts tells the operator to install).
MODULES = {"torch": "python3-torch", "numpy": "python3-numpy", "onnx": "python3-onnx", "jinja2": "python3-jinja2"}


def blas_info(out):
    import ctypes

    import torch

    torch.set_num_threads(1)
    a = torch.randn(128, 128)
    (a @ a).sum()  # loads the BLAS library if it is loaded lazily
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if "/" in line else ""
            if "blas" in os.path.basename(path).lower() or "lapack" in os.path.basename(path).lower():
                libs.add(os.path.realpath(path))
    out["torch"] = torch.__version__
    out["torchThreads"] = torch.get_num_threads()
    out["blasLibraries"] = sorted(libs)
    for lib in sorted(libs):
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        if not hasattr(handle, "openblas_get_config"):
            continue
        handle.openblas_get_config.restype = ctypes.c_char_p
        out["openblasConfig"] = handle.openblas_get_config().decode().strip()
        out["openblasThreads"] = handle.openblas_get_num_threads()
        out["openblasParallel"] = {0: "sequential", 1: "pthreads", 2: "openmp"}.get(
            handle.openblas_get_parallel(), "unknown")
        break


def main():
    out = {"python": sys.version.split()[0], "missing": [m for m in MODULES if importlib.util.find_spec(m) is None]}
    if "torch" not in out["missing"]:
        try:
            blas_info(out)
        except Exception as error:  # a broken torch install is reported, not raised
            out["missing"].append("torch")
            out["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
