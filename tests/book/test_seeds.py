"""Guards on the multi-seed sweep (``make seeds``, scripts/seeds.py) and its committed file.

* ``book/robustness.json`` describes the current code: every chapter's code-cell fingerprint
  and the ``lib/`` fingerprint match, every chapter is present with at least 10 seeds;
* the fingerprints ignore outputs (re-executing a chapter keeps the file fresh) and change
  with a code cell or a parameter;
* the aggregation keeps the printed strings and gives numeric intervals only for numbers;
* end to end: a real ``dask scheduler`` and ``dask worker`` on localhost run a two-seed sweep
  of one small chapter sent with ``--scheduler``, and the aggregated file is checked; a second
  run skips both tasks as up to date.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SCRIPT = ROOT / "scripts" / "seeds.py"
E2E_CHAPTER = "08_adversarial"

_spec = importlib.util.spec_from_file_location("book_seeds", SCRIPT)
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)


def test_committed_robustness_data_is_fresh():
    path = BOOK / "robustness.json"
    doc = json.loads(path.read_text()) if path.exists() else None
    messages = seeds.stale(doc, ROOT)
    assert not messages, "\n".join(messages)


def _copy_repo(tmp_path: Path) -> Path:
    """A minimal copy (book notebooks, lib sources, paper_scale.yml) to mutate."""
    root = tmp_path / "repo"
    (root / "book").mkdir(parents=True)
    shutil.copytree(ROOT / "lib", root / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "paper_scale.yml", root / "paper_scale.yml")
    for nb in BOOK.glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(nb, root / "book" / nb.name)
    return root


def _fresh_doc(root: Path) -> dict:
    chapters = seeds.chapters_in(root / "book")
    results = {c: {s: {"x": str(s)} for s in range(10)} for c in chapters}
    fps = {c: seeds.chapter_fingerprint(root / "book" / f"{c}.ipynb", {}) for c in chapters}
    lib_fps = {c: seeds.chapter_lib_fingerprint(root / "book" / f"{c}.ipynb", root) for c in chapters}
    return seeds.aggregate(results, {}, seeds=list(range(10)), scale="committed", lib_fp=seeds.lib_fingerprint(root),
                           chapter_fps=fps, params={c: {} for c in chapters}, chapter_lib_fps=lib_fps)


def test_figures_count_by_the_helpers_a_chapter_calls(tmp_path):
    root = _copy_repo(tmp_path)
    doc = _fresh_doc(root)
    figures = root / "lib" / "figures.py"
    # A new plotting helper (another chapter's) leaves every chapter fresh ...
    figures.write_text(figures.read_text() + "\n\ndef plot_new_chapter(ax):\n    return ax\n")
    assert seeds.stale(doc, root) == []
    # ... editing a helper that chapter 1 calls makes chapter 1 stale.
    chapter = seeds.chapters_in(root / "book")[0]
    code = "\n".join(seeds.code_cells(root / "book" / f"{chapter}.ipynb"))
    used = sorted(set(re.findall(r"figures\.(\w+)\(", code)) & set(re.findall(r"^def (\w+)\(", figures.read_text(), re.M)))
    assert used, "chapter 1 draws with lib.figures"
    source = figures.read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == used[0])
    lines = source.splitlines()
    lines.insert(node.end_lineno, "    _edited = True")      # one more statement at the end of the helper's body
    figures.write_text("\n".join(lines) + "\n")
    assert f"robustness data is stale for chapter {chapter}:" in " ".join(seeds.stale(doc, root))


def test_stale_detects_code_lib_and_missing_chapters_but_not_outputs(tmp_path):
    root = _copy_repo(tmp_path)
    doc = _fresh_doc(root)
    assert seeds.stale(doc, root) == []
    chapter = seeds.chapters_in(root / "book")[0]
    path = root / "book" / f"{chapter}.ipynb"
    nb = json.loads(path.read_text())
    # Re-execution changes outputs and execution counts only: still fresh.
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], 7
    path.write_text(json.dumps(nb))
    assert seeds.stale(doc, root) == []
    # A changed code cell makes exactly that chapter stale, with the plain message.
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = "".join(code["source"]) + "\n# edited"
    path.write_text(json.dumps(nb))
    assert seeds.stale(doc, root) == [f"robustness data is stale for chapter {chapter}: run make seeds"
                                      "   [its code cells or parameters changed]"]
    # A chapter missing from the file.
    doc = _fresh_doc(root)
    other = seeds.chapters_in(root / "book")[-1]
    del doc["provenance"]["chapters"][other], doc["values"][other]
    assert seeds.stale(doc, root) == [f"robustness data is stale for chapter {other}: run make seeds   [not in the file]"]
    # A change to a lib/ module every chapter uses (lib.params) makes every chapter stale ...
    doc = _fresh_doc(root)
    (root / "lib" / "params.py").write_text((root / "lib" / "params.py").read_text() + "\n# edited\n")
    messages = seeds.stale(doc, root)
    assert len(messages) == len(seeds.chapters_in(root / "book"))
    assert all(m.startswith("robustness data is stale for chapter ") and m.endswith("[the lib/ modules it uses changed]")
               for m in messages)
    # ... a change to a module only some chapters use makes exactly those stale.
    (root / "lib" / "params.py").write_text((ROOT / "lib" / "params.py").read_text())
    users = [c for c in seeds.chapters_in(root / "book")
             if "gradient_descent" in seeds.chapter_lib_modules(root / "book" / f"{c}.ipynb", root)]
    assert users and len(users) < len(seeds.chapters_in(root / "book"))
    (root / "lib" / "gradient_descent.py").write_text((root / "lib" / "gradient_descent.py").read_text() + "\n# edited\n")
    assert [m.split(":")[0].rsplit(" ", 1)[1] for m in seeds.stale(doc, root)] == users
    (root / "lib" / "gradient_descent.py").write_text((ROOT / "lib" / "gradient_descent.py").read_text())
    # A chapter's parameter rules (lib/specs/chNN.py, a sub-package module) count for that chapter alone.
    first = seeds.chapters_in(root / "book")[0]
    spec = root / "lib" / "specs" / f"ch{first[:2]}.py"
    spec.write_text(spec.read_text() + "\n# edited\n")
    assert [m.split(":")[0].rsplit(" ", 1)[1] for m in seeds.stale(doc, root)] == [first]
    spec.write_text((ROOT / "lib" / "specs" / spec.name).read_text())
    # Too few seeds, and a file made at a test scale, are refused too.
    (root / "lib" / "params.py").write_text((ROOT / "lib" / "params.py").read_text())
    doc = _fresh_doc(root)
    messages = seeds.stale(doc, root, min_seeds=11)
    assert len(messages) == len(seeds.chapters_in(root / "book"))
    assert all("has 10 seeds (at least 11 needed" in m for m in messages)
    doc["provenance"]["scale"] = "/tmp/tiny.yml"
    assert "not committed or paper" in seeds.stale(doc, root)[0]


def test_chapter_fingerprint_depends_on_parameters():
    nb = BOOK / f"{E2E_CHAPTER}.ipynb"
    assert seeds.chapter_fingerprint(nb, {}) == seeds.chapter_fingerprint(nb, {})
    assert seeds.chapter_fingerprint(nb, {}) != seeds.chapter_fingerprint(nb, {"models": 2})


def test_summarise_numbers_words_and_percentiles():
    entry = seeds.summarise({str(s): f"{v:.3f}" for s, v in enumerate(range(1, 11))})
    assert entry["n"] == 10 and entry["median"] == pytest.approx(5.5)
    assert entry["lo"] == pytest.approx(1.225) and entry["hi"] == pytest.approx(9.775)   # numpy linear percentiles
    assert entry["per_seed"]["0"] == "1.000" and "counts" not in entry
    words = seeds.summarise({"0": "12", "1": "never", "2": "never"})
    assert words["median"] is None and words["lo"] is None and words["hi"] is None
    assert words["counts"] == {"12": 1, "never": 2} and words["per_seed"]["1"] == "never"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"process exited early with {proc.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def _dask_cli() -> list[str]:
    exe = Path(sys.executable).parent / "dask"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "dask"]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_two_seed_sweep_on_a_real_scheduler_and_worker(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("BOOK_DASK_SCHEDULER", None)
    parameters = "".join(next(c["source"] for c in json.loads((BOOK / f"{E2E_CHAPTER}.ipynb").read_text())["cells"]
                              if "parameters" in c["metadata"].get("tags", [])))
    tiny = {"models": 2} if any(line.startswith("models =") for line in parameters.splitlines()) else {}
    scale = tmp_path / "tiny.yml"
    scale.write_text(json.dumps({E2E_CHAPTER: tiny}))        # JSON is YAML
    out, build = tmp_path / "robustness.json", tmp_path / "seeds"
    log = open(tmp_path / "dask.log", "w")
    scheduler = subprocess.Popen(_dask_cli() + ["scheduler", "--host", "127.0.0.1", "--port", str(port),
                                                "--no-dashboard"], env=env, stdout=log, stderr=log, cwd=tmp_path)
    worker = None
    try:
        _wait_port(port, scheduler, 30)
        worker = subprocess.Popen(_dask_cli() + ["worker", address, "--nthreads", "1", "--nworkers", "1",
                                                 "--host", "127.0.0.1", "--no-dashboard"],
                                  env=env, stdout=log, stderr=log, cwd=tmp_path)
        cmd = [sys.executable, str(SCRIPT), "-S", "2", "--chapters", E2E_CHAPTER, "--scale", str(scale),
               "--scheduler", address, "--out", str(out), "--build", str(build), "--timeout", "60"]
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=75, cwd=ROOT)
        assert run.returncode == 0, run.stdout + run.stderr + (tmp_path / "dask.log").read_text()[-3000:]
        assert f"running on scheduler {address}" in run.stdout
        assert "2 of 2 tasks ok (2 run, 0 up to date)" in run.stdout
        # Restart: both outputs exist with unchanged inputs, so nothing is sent to the cluster.
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, cwd=ROOT)
        assert again.returncode == 0 and "2 of 2 tasks ok (0 run, 2 up to date)" in again.stdout, again.stdout
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                _stop(proc)
        log.close()

    doc = json.loads(out.read_text())
    prov = doc["provenance"]
    assert prov["seeds"] == [0, 1] and prov["scale"] == str(scale)
    assert prov["lib_fingerprint"] == seeds.lib_fingerprint(ROOT)
    assert prov["chapters"][E2E_CHAPTER]["lib_fingerprint"] == seeds.chapter_lib_fingerprint(BOOK / f"{E2E_CHAPTER}.ipynb")
    entry = prov["chapters"][E2E_CHAPTER]
    assert entry["seeds"] == [0, 1] and entry["failed_seeds"] == [] and entry["parameters"] == tiny
    assert entry["fingerprint"] == seeds.chapter_fingerprint(BOOK / f"{E2E_CHAPTER}.ipynb", tiny)
    values = doc["values"][E2E_CHAPTER]
    committed = seeds.notebook_verdicts(json.loads((BOOK / f"{E2E_CHAPTER}.ipynb").read_text()))
    assert set(values) == set(committed) and values
    executed = {s: seeds.notebook_verdicts(json.loads((build / E2E_CHAPTER / f"seed-{s}.ipynb").read_text()))
                for s in (0, 1)}
    for name, v in values.items():
        assert v["n"] == 2 and set(v["per_seed"]) == {"0", "1"}
        assert [v["per_seed"][str(s)] for s in (0, 1)] == [executed[0][name], executed[1][name]]
        if v["median"] is not None:
            a, b = sorted(float(x) for x in v["per_seed"].values())
            assert a <= v["lo"] <= v["median"] <= v["hi"] <= b
    meta = json.loads((build / E2E_CHAPTER / "seed-1.ipynb").read_text())["metadata"]["book_sweep"]
    assert meta["seed"] == 1 and meta["parameters"] == tiny
