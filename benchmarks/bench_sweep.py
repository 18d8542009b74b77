"""Benchmark of the multi-seed sweep (``make seeds``, scripts/seeds.py) on a LocalCluster.

Measures, for the same (chapter, seed) tasks:

* the wall time of a sweep with 1 worker and with 2 workers (fresh output folders, so no task
  is skipped), and the speed-up;
* the ideal wall time (sum of the chapters' runtimes in book/runtimes.json x S) / workers, and
  how far the measured wall time is from it (issue 14 targets: speed-up >= 1.7x on 2 workers,
  wall within 15 % of the ideal);
* per-task overhead: starting a kernel and running a one-cell notebook through papermill, and
  the scheduling round trip of a no-op Dask task; plus the LocalCluster start-up.

It is a benchmark, not a test: numbers depend on the machine and its load.

Usage: python benchmarks/bench_sweep.py [-S 2] [--chapters 05 06 08]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("book_seeds", ROOT / "scripts" / "seeds.py")
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)


def _noop(x):
    return x


def kernel_start_seconds(repeats: int = 3) -> float:
    """Median time for papermill to run a one-cell notebook (kernel start + execute + shutdown)."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        papermill.execute_notebook(nb, None, kernel_name="python3", progress_bar=False)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def scheduling_seconds(n: int = 200) -> tuple[float, float]:
    """LocalCluster start-up, and the mean round trip of a no-op task (submitted one at a time)."""
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1")
    client = Client(cluster)
    startup = time.perf_counter() - t0
    try:
        client.submit(_noop, -1, pure=False).result()
        t0 = time.perf_counter()
        for i in range(n):
            client.submit(_noop, i, pure=False).result()
        per_task = (time.perf_counter() - t0) / n
    finally:
        client.close()
        cluster.close()
    return startup, per_task


def sweep_seconds(workers: int, n_seeds: int, chapters: list[str]) -> tuple[float, float, int]:
    """Wall time of a fresh sweep, the sum of task times reported by the tasks, and the exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = ["-S", str(n_seeds), "--workers", str(workers), "--out", f"{tmp}/r.json", "--build", f"{tmp}/b",
                "--chapters", *chapters]
        buf = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(buf):
            status = seeds.main(argv)
        wall = time.perf_counter() - t0
        task_sum = sum(json.loads(p.read_text())["metadata"]["book_sweep"]["seconds"]
                       for p in Path(f"{tmp}/b").glob("*/seed-*.ipynb"))
    return wall, task_sum, status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-S", "--seeds", type=int, default=2)
    ap.add_argument("--chapters", nargs="*", default=["05_spacetime", "06_gradient_descent", "08_adversarial"])
    args = ap.parse_args(argv)
    os.environ["PYTHONPATH"] = str(ROOT)
    for var in seeds.THREAD_VARS:
        os.environ[var] = "1"
    chapters = [c for c in seeds.chapters_in() if any(c.startswith(a) or a in c for a in args.chapters)]
    runtimes = json.loads((ROOT / "book" / "runtimes.json").read_text())["seconds"]
    committed = sum(runtimes[c] for c in chapters) * args.seeds
    n_tasks = len(chapters) * args.seeds
    print(f"bench_sweep: {len(chapters)} chapters ({', '.join(chapters)}) x {args.seeds} seeds = {n_tasks} tasks, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)

    kernel = kernel_start_seconds()
    startup, per_task = scheduling_seconds()
    print(f"kernel start + one-cell papermill run: {kernel:.2f} s per task", flush=True)
    print(f"LocalCluster start-up: {startup:.2f} s; scheduling round trip of a no-op task: {per_task * 1e3:.1f} ms",
          flush=True)
    rows, walls = [], {}
    for workers in (1, 2):
        wall, task_sum, status = sweep_seconds(workers, args.seeds, chapters)
        walls[workers] = wall
        ideal = committed / workers
        rows.append((workers, wall, task_sum, ideal, status))
        print(f"{workers} worker(s): wall {wall:.1f} s, sum of task times {task_sum:.1f} s, "
              f"ideal (runtimes.json x S / workers) {ideal:.1f} s, status {status}", flush=True)
    speedup = walls[1] / walls[2]
    print("\n| workers | wall s | sum of task s | ideal s | wall / ideal |\n| --- | --- | --- | --- | --- |")
    for workers, wall, task_sum, ideal, _ in rows:
        print(f"| {workers} | {wall:.1f} | {task_sum:.1f} | {ideal:.1f} | {wall / ideal:.2f} |")
    print(f"\nspeed-up 2 vs 1 worker: {speedup:.2f}x (target >= 1.7); 2-worker wall / ideal: "
          f"{rows[1][1] / rows[1][3]:.2f} (target <= 1.15)")
    return 0 if all(r[4] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
