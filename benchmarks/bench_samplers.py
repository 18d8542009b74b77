"""Benchmark the MaxLikelihood samplers (time and peak memory), not part of the test suite.

Usage: .venv/bin/python benchmarks/bench_samplers.py [--quick]

1. k = 2500, n = 3500, L = 20, 8 test vectors: the Gaussian draws alone (streamed in the
   same row blocks as the faithful sampler), the faithful sampler in one pass
   (``sample``) and in two (``fit`` then ``forward``), the fast sampler and the
   joint sampler. Target: faithful one-pass within 2x the draws alone, peak < 300 MB.
2. Cost per layer against n at k = 2500: the fast and joint samplers should be flat in n.

Peak memory is what tracemalloc sees (NumPy reports its allocations to it).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from lib import maxlikelihood as ml

K, N_ROWS, LAYERS, TESTS = 2500, 3500, 20, 8


def measure(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall time over ``repeat`` runs (s) and the peak traced memory (MB) of one run."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return min(times), peak


def draws_only(n: int, k: int, L: int, seed: int = 0) -> None:
    block = max(1, (1 << 20) // k)
    for layer in range(L):
        gen = np.random.default_rng(seed + layer)
        for start in range(0, n, block):
            gen.standard_normal((min(n, start + block) - start, k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer n values")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    rng = np.random.default_rng(0)
    w0, X = rng.standard_normal(K), rng.standard_normal((TESTS, K))

    cases = {
        "Gaussian draws alone": lambda: draws_only(N_ROWS, K, LAYERS),
        "faithful, sample (one pass)": lambda: ml.sample(w0, X, N_ROWS, LAYERS, np.random.default_rng(1)),
        "faithful, fit + forward (two passes)": lambda: ml.fit(w0, N_ROWS, LAYERS, np.random.default_rng(1)).forward_log(X),
        "fast, sample": lambda: ml.sample(w0, X, N_ROWS, LAYERS, np.random.default_rng(1), sampler="fast"),
        "joint, sample": lambda: ml.sample(w0, X, N_ROWS, LAYERS, np.random.default_rng(1), sampler="joint"),
    }
    print(f"## k = {K}, n = {N_ROWS}, L = {LAYERS}, {TESTS} test vectors\n")
    print("| sampler | time (s) | x draws alone | peak memory (MB) |\n| --- | --- | --- | --- |")
    base = None
    for name, fn in cases.items():
        seconds, peak = measure(fn, repeat)
        base = base or seconds
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f} | {peak:.1f} |", flush=True)

    print(f"\n## time per layer (ms) against n at k = {K}, {TESTS} test vectors\n")
    print("| n | faithful | fast | joint |\n| --- | --- | --- | --- |")
    L = 3
    for n in ([2500, 5000, 10000] if args.quick else [2500, 3500, 5000, 10000, 20000]):
        row = []
        for fn in (lambda: ml.sample(w0, X, n, L, np.random.default_rng(2)),
                   lambda: ml.sample(w0, X, n, L, np.random.default_rng(2), sampler="fast"),
                   lambda: ml.sample(w0, X, n, L, np.random.default_rng(2), sampler="joint")):
            row.append(measure(fn, repeat)[0] / L * 1000)
        print(f"| {n} | {row[0]:.1f} | {row[1]:.1f} | {row[2]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
