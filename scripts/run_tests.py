"""Every test of the book (``make test``), in one command and with one summary.

Steps, in order (each is timed; the run goes on after a failing step and ends non-zero):

1. decide once whether the browser check runs (``ensure_chromium.py``: install Chromium as
   root, otherwise say at the start that it is skipped -- or stop now if
   ``REQUIRE_BROWSER_CHECK=1``);
2. build the HTML from the committed outputs (``build_html.py --execute off``);
3. one pytest session: tests of ``lib/`` and doctests, ruff, notebook guards (conventions,
   verdict names, nbval seed and 1-vs-2-thread checks, parameters, runners), the scorecard,
   nbval over every chapter, the browser check;
4. nbval over every chapter again under an emulated older CPU (``OLD_CPU`` below: numpy
   without its AVX2/AVX-512 kernels, OpenBLAS's Prescott (SSE3) kernels, PyTorch's default
   kernels and MKL's generic code path for PyTorch's matrix products): any printed difference
   fails. It runs at the same time as step 3 (much of each
   session is single-threaded, so the two share the cores well); its output goes to
   ``_build/test-old-cpu.log`` and is printed when it ends. ``--serial`` runs it after step 3.

Usage: python scripts/run_tests.py [--only html,pytest,old-cpu] [--serial] [pytest args for step 3 ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ensure_chromium  # noqa: E402
from notebook_runner import BOOK, ROOT, require_writable  # noqa: E402

NBVAL = ["--nbval", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg")]
#: An older x86-64 CPU, as far as numpy, OpenBLAS and PyTorch can be told to behave like one.
OLD_CPU = {"NPY_DISABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Prescott", "ATEN_CPU_CAPABILITY": "default",
           "MKL_CBWR": "COMPATIBLE"}
STEPS = ("html", "pytest", "old-cpu")
#: Where the old-CPU pass writes while it runs alongside the pytest session.
OLD_CPU_LOG = ROOT / "_build" / "test-old-cpu.log"


def chapters() -> list[str]:
    return [str(p) for p in sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {', '.join(STEPS)}")
    parser.add_argument("--serial", action="store_true", help="run the old-CPU pass after the pytest session")
    args, pytest_args = parser.parse_known_args(argv)
    steps = [s for s in args.only.split(",") if s]
    if set(steps) - set(STEPS):
        parser.error(f"unknown step(s) {sorted(set(steps) - set(STEPS))}; choose from {', '.join(STEPS)}")
    python = sys.executable
    problem = require_writable(BOOK, ROOT / "_build")
    if problem:
        print(f"run_tests: {problem}", file=sys.stderr)
        return 2
    try:
        browser, message = ensure_chromium.ensure()
    except SystemExit as exc:
        print(f"run_tests: {exc}", file=sys.stderr)
        return 1
    print(f"run_tests: {message}", flush=True)
    env = dict(os.environ, REQUIRE_BROWSER_CHECK="1" if browser else "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    plan = {
        "html": [python, str(ROOT / "scripts" / "build_html.py"), "--execute", "off"],
        "pytest": [python, "-m", "pytest", *NBVAL, *pytest_args],
        "old-cpu": [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL, *chapters()],
    }
    results = []
    background = None
    for step in (s for s in STEPS if s in steps):
        if step == "old-cpu":
            print("run_tests: nbval under an emulated older CPU: "
                  + " ".join(f"{k}={v}" for k, v in OLD_CPU.items()), flush=True)
            if args.serial or "pytest" not in steps:
                start = time.perf_counter()
                code = subprocess.run(plan[step], cwd=ROOT, env=dict(env, **OLD_CPU)).returncode
                results.append((step, code, time.perf_counter() - start))
            continue
        if step == "pytest" and "old-cpu" in steps and not args.serial:
            log_path = OLD_CPU_LOG
            log_path.parent.mkdir(exist_ok=True)
            print(f"run_tests: the old-CPU pass runs alongside the pytest session; output in {log_path}", flush=True)
            log = log_path.open("w")
            background = (subprocess.Popen(plan["old-cpu"], cwd=ROOT, env=dict(env, **OLD_CPU), stdout=log,
                                           stderr=subprocess.STDOUT), log, log_path, time.perf_counter())
        start = time.perf_counter()
        code = subprocess.run(plan[step], cwd=ROOT, env=env).returncode
        results.append((step, code, time.perf_counter() - start))
    if background is not None:
        proc, log, log_path, start = background
        code = proc.wait()
        log.close()
        results.append(("old-cpu", code, time.perf_counter() - start))
        print(f"\nrun_tests: old-CPU pass ({log_path}):")
        print(log_path.read_text(errors="replace")[-20000:], flush=True)
    print("\nrun_tests summary:")
    for step, code, seconds in results:
        print(f"  {step:8s} {'passed' if code == 0 else f'FAILED (exit {code})':18s} {seconds:6.0f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
