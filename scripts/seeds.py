"""Run every chapter at S seeds on dask.distributed and aggregate the spread (``make seeds``).

Each (chapter, seed) pair is one papermill execution and one Dask task. By default the tasks run
on a ``LocalCluster`` sized to the machine (one process per core, one thread per worker, and
OMP/OPENBLAS/MKL_NUM_THREADS=1 in the kernels). With ``--scheduler ADDRESS`` (or the environment
variable ``BOOK_DASK_SCHEDULER``) the same tasks go to an existing cluster started with::

    dask scheduler                            # on one machine; prints tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 1  # on every machine, once per core, from the repository root
                                              # (PYTHONPATH set to it, same venv)
    python scripts/seeds.py --scheduler tcp://HOST:8786

Workers must see this checkout at the same path (shared file system): the kernels import
``lib/`` and read ``data/`` from it. The notebook itself is sent with the task and the executed
notebook comes back to this process, which alone writes ``_build/seeds/``.

Seeds
-----
Seed values are ``0 .. S-1`` for every chapter (papermill parameter ``seed``; the committed
run uses the chapter's own seed, which is usually not among them). The same seed value is used
in every chapter, so a scorecard condition that reads values from two chapters is evaluated
per seed on the pair with the same ``per_seed`` key.

Outputs and restarts
--------------------
``_build/seeds/<chapter>/seed-<s>.ipynb``, written only after a successful run. Its metadata
``book_sweep.fingerprint`` is the task fingerprint (chapter code cells, ``lib/*.py`` sources,
parameters, seed); a restarted sweep skips a task whose output exists with the same
fingerprint. Each task has a per-cell papermill timeout (``--timeout``; default 10 x the
chapter's runtime in ``book/runtimes.json`` + 120 s, x 40 at paper scale) and one retry after
an exception (timeout, kernel death) or a dead worker (``allowed-failures = 1`` on the local
scheduler). Failures are listed at the end and the exit status is 1.

The robustness file (``book/robustness.json``; ``--out`` elsewhere)
-------------------------------------------------------------------
::

    {"provenance": {
        "seeds": [0, 1, ...],                     # seeds requested
        "scale": "committed" | "paper" | "<yaml path>",
        "date": "YYYY-MM-DD",
        "lib_fingerprint": "<sha256>",            # all of lib/ at sweep time (information)
        "chapters": {"04_convergence": {
            "fingerprint": "<sha256>",            # see chapter_fingerprint(): code cells + parameters
            "lib_fingerprint": "<sha256>",        # the lib/ modules the chapter uses (chapter_lib_fingerprint)
            "parameters": {...},                  # overrides used besides seed ({} at committed scale)
            "seeds": [0, 1, ...],                 # seeds that ran successfully
            "failed_seeds": []}}},
     "values": {"04_convergence": {"collapse_L99_k2_n2": {
            "n": 10,                              # seeds that printed this value
            "median": 12.5, "lo": 11.0, "hi": 14.0,   # numbers, or null unless every value is numeric
            "per_seed": {"0": "12", "1": "13", ...},  # the printed strings exactly, keyed by seed
            "counts": {"never": 3, "12": 7}}}}}   # only when some value is not numeric

``lo``/``hi`` are the 2.5 and 97.5 percentiles across seeds (numpy, linear interpolation).
"true"/"false"/"never" and other words are kept as strings. Running a chapter subset updates
those chapters in an existing file with the same scale and seeds, and starts a new file otherwise.
A chapter's data is stale when its code cells, its parameters or the ``lib`` modules it uses
(imported by its code cells, transitively) change.

Usage: python scripts/seeds.py [-S 10] [--chapters 04 07] [--scale committed|paper|FILE.yml]
                              [--scheduler ADDRESS] [--workers N] [--timeout SECONDS] [--out PATH]
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import json
import math
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
OUT_DIR = ROOT / "_build" / "seeds"
DEFAULT_OUT = BOOK / "robustness.json"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
META_KEY = "book_sweep"


# ---------------------------------------------------------------- fingerprints

def lib_fingerprint(root: Path = ROOT, modules: list[str] | None = None) -> str:
    """sha256 over ``lib/*.py`` (relative path + source), sorted by path; only ``modules`` if given."""
    h = hashlib.sha256()
    for path in sorted((root / "lib").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        if modules is None or _module_name(path, root) in modules:
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _module_name(path: Path, root: Path = ROOT) -> str:
    """``lib/figures.py`` -> ``figures``; ``lib/specs/ch04.py`` -> ``specs.ch04``; a package's ``__init__`` -> its name."""
    parts = list(path.relative_to(root / "lib").with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _module_path(name: str, root: Path = ROOT) -> Path | None:
    """The source file of ``lib`` module ``name`` (dotted below ``lib``), or None if there is none."""
    base = root / "lib" / Path(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _lib_imports(source: str) -> set[str]:
    """Names of the ``lib`` modules a piece of code imports (``from lib import a``, ``import lib.b``, ...)."""
    return set(_lib_imports_cached(source))


@functools.lru_cache(maxsize=512)
def _lib_imports_cached(source: str) -> frozenset[str]:
    # Keyed by the source text itself, so an edited file is parsed again; the freshness check and
    # the sweep ask for the same modules' imports once per chapter.
    try:
        tree = ast.parse(source)
    except SyntaxError:                     # IPython magics: fall back to a line-wise scan
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lib":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("lib."):
                # `from lib.specs import ch04` names the module specs.ch04 (or, for `from lib.cnn
                # import f`, module cnn); both readings are returned and unknown names are dropped later.
                rest = node.module[len("lib."):]
                found.add(rest)
                found.update(f"{rest}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 1:     # from ._validate import ... inside lib
            found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name[len("lib."):] for a in node.names if a.name.startswith("lib."))
    return frozenset(found)


def chapter_lib_modules(notebook: Path, root: Path = ROOT) -> list[str]:
    """The ``lib`` modules a chapter uses: those its code cells import, and theirs, transitively.

    ``lib/__init__.py`` only re-exports the modules, so it is left out: adding a module for one
    chapter does not make every other chapter's robustness data stale. Modules in sub-packages
    count by their dotted name (``specs.ch04``): a chapter's parameter rules touch only that chapter.
    """
    todo = set().union(*(_lib_imports(src) for src in code_cells(notebook)))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        path = _module_path(name, root)
        if name in seen or path is None or name == "":
            continue
        seen.add(name)
        todo |= _lib_imports(path.read_text()) - seen
    return sorted(seen)


def chapter_lib_fingerprint(notebook: Path, root: Path = ROOT) -> str:
    """sha256 over the sources of the ``lib`` modules the chapter uses (:func:`chapter_lib_modules`).

    ``lib/figures.py`` holds every chapter's plotting helpers; it counts by the helpers the
    chapter calls (:func:`_figures_part`), so a new chapter's figures leave the others fresh.
    """
    modules = chapter_lib_modules(notebook, root)
    h = hashlib.sha256(lib_fingerprint(root, [m for m in modules if m != "figures"]).encode())
    if "figures" in modules:
        h.update(_figures_part(root / "lib" / "figures.py", "\n".join(code_cells(notebook))).encode())
    return h.hexdigest()


def _figures_part(path: Path, chapter_code: str) -> str:
    """The module's top level except its functions, plus the functions ``chapter_code`` calls as
    ``figures.NAME`` and, transitively, the module's functions those call."""
    header, segments, calls = _module_index(path.read_text())
    todo = set(re.findall(r"\bfigures\.(\w+)", chapter_code)) & set(segments)
    used: set[str] = set()
    while todo:
        name = todo.pop()
        used.add(name)
        todo |= (calls[name] & set(segments)) - used
    return "\n".join(header + [segments[n] for n in sorted(used)])


@functools.lru_cache(maxsize=32)
def _module_index(source: str) -> tuple[list[str], dict[str, str], dict[str, set[str]]]:
    """A module's top-level statements other than functions (source text), and per top-level
    function its source text and the names it uses; parsed once per distinct source text
    (``ast.get_source_segment`` re-splits the whole file on every call)."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    header = [ast.get_source_segment(source, node) or "" for node in tree.body if not isinstance(node, ast.FunctionDef)]
    segments = {name: ast.get_source_segment(source, node) or "" for name, node in functions.items()}
    calls = {name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} for name, node in functions.items()}
    return header, segments, calls


def code_cells(notebook: Path) -> list[str]:
    nb = json.loads(Path(notebook).read_text())
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def chapter_fingerprint(notebook: Path, parameters: dict) -> str:
    """sha256 over the chapter's code-cell sources (outputs ignored) and the parameter overrides."""
    h = hashlib.sha256()
    for source in code_cells(notebook):
        h.update(source.encode() + b"\0")
    h.update(json.dumps(parameters, sort_keys=True).encode())
    return h.hexdigest()


def task_fingerprint(chapter_fp: str, lib_fp: str, seed: int) -> str:
    return hashlib.sha256(f"{chapter_fp} {lib_fp} {seed}".encode()).hexdigest()


def scale_parameters(scale: str, root: Path = ROOT) -> dict[str, dict]:
    """Per-chapter parameter overrides of a scale: committed -> {}, paper -> paper_scale.yml, else a YAML file."""
    if scale == "committed":
        return {}
    path = root / "paper_scale.yml" if scale == "paper" else Path(scale)
    return yaml.safe_load(path.read_text()) or {}


def chapters_in(book: Path = BOOK) -> list[str]:
    return sorted(p.stem for p in book.glob("[0-9][0-9]_*.ipynb"))


def stale(doc: dict | None, root: Path = ROOT, min_seeds: int = 10) -> list[str]:
    """Plain messages for every way ``doc`` (a robustness file) no longer describes ``root``'s code.

    Fingerprints come from code cells only, so re-executing a notebook keeps the file fresh.
    """
    book = root / "book"
    if doc is None:
        return ["robustness data is missing (book/robustness.json): run make seeds"]
    prov = doc.get("provenance", {})
    scale = prov.get("scale")
    if scale not in ("committed", "paper"):
        return [f"robustness data was made at scale {scale!r}, not committed or paper: run make seeds"]
    messages = []
    overrides = scale_parameters(scale, root)
    for chapter in chapters_in(book):
        entry = prov.get("chapters", {}).get(chapter)
        lib_changed = entry is not None and entry.get("lib_fingerprint") != chapter_lib_fingerprint(
            book / f"{chapter}.ipynb", root)
        if (lib_changed or entry is None or chapter not in doc.get("values", {})
                or entry.get("fingerprint") != chapter_fingerprint(book / f"{chapter}.ipynb",
                                                                   dict(overrides.get(chapter, {})))):
            why = ("the lib/ modules it uses changed" if lib_changed else "not in the file" if entry is None or chapter not in
                   doc.get("values", {}) else "its code cells or parameters changed")
            messages.append(f"robustness data is stale for chapter {chapter}: run make seeds   [{why}]")
        elif len(entry.get("seeds", [])) < min_seeds or entry.get("failed_seeds"):
            messages.append(f"robustness data for chapter {chapter} has {len(entry.get('seeds', []))} seeds "
                            f"(at least {min_seeds} needed; failed seeds {entry.get('failed_seeds')}): run make seeds")
    return messages


# ---------------------------------------------------------------- the task (runs on a worker)

def run_task(nb_json: str, parameters: dict, cwd: str, root: str, timeout: float) -> tuple[str, float]:
    """Execute one chapter at one seed with papermill; return the executed notebook (JSON) and seconds."""
    import os as _os
    import time as _time

    import nbformat as _nbformat
    import papermill as _pm

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        _os.environ[var] = "1"
    path = _os.environ.get("PYTHONPATH", "")
    if root not in path.split(_os.pathsep):
        _os.environ["PYTHONPATH"] = root + (_os.pathsep + path if path else "")
    import zmq as _zmq
    from jupyter_client.manager import KernelManager as _KM

    if _zmq.has("curve"):  # encrypted kernel transport, as notebook_runner.quiet_kernel_transport
        _KM.class_traits()["transport_encryption"].default_value = "auto"
    nb = _nbformat.reads(nb_json, as_version=4)
    start = _time.perf_counter()
    out = _pm.execute_notebook(nb, None, parameters=parameters, kernel_name="python3", cwd=cwd,
                               progress_bar=False, execution_timeout=int(timeout), start_timeout=120)
    return _nbformat.writes(out), _time.perf_counter() - start


# ---------------------------------------------------------------- verdicts and aggregation

def notebook_verdicts(nb: dict) -> dict[str, str]:
    """``name -> printed string`` from the cell tagged ``verdict``."""
    import re
    line_re = re.compile(r"^([A-Za-z_]\w*) = (\S.*)$")
    cells = [c for c in nb["cells"] if "verdict" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        return {}
    text = "".join("".join(o.get("text", "")) for o in cells[0].get("outputs", []) if o.get("output_type") == "stream")
    return dict(m.groups() for line in text.splitlines() if (m := line_re.match(line.rstrip())))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def summarise(per_seed: dict[str, str]) -> dict:
    """n, median and 2.5/97.5 percentiles (numbers only when every value is numeric), per_seed strings."""
    numbers = [_number(v) for v in per_seed.values()]
    entry: dict = {"n": len(per_seed), "median": None, "lo": None, "hi": None, "per_seed": per_seed}
    if numbers and all(x is not None for x in numbers):
        arr = np.array(numbers, dtype=float)
        entry["median"], entry["lo"], entry["hi"] = (float(np.median(arr)), float(np.percentile(arr, 2.5)),
                                                      float(np.percentile(arr, 97.5)))
    else:
        counts: dict[str, int] = {}
        for v in per_seed.values():
            counts[v] = counts.get(v, 0) + 1
        entry["counts"] = dict(sorted(counts.items()))
    return entry


def aggregate(results: dict[str, dict[int, dict[str, str]]], failed: dict[str, list[int]], *, seeds: list[int],
              scale: str, lib_fp: str, chapter_fps: dict[str, str], params: dict[str, dict],
              chapter_lib_fps: dict[str, str] | None = None,
              previous: dict | None = None, book_chapters: list[str] | None = None) -> dict:
    """The robustness document (format in the module docstring)."""
    prov = {"seeds": list(seeds), "scale": scale, "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "lib_fingerprint": lib_fp, "chapters": {}}
    values: dict[str, dict] = {}
    if previous and all(previous.get("provenance", {}).get(k) == prov[k] for k in ("seeds", "scale")):
        prov["chapters"].update(previous["provenance"].get("chapters", {}))
        values.update(previous.get("values", {}))
    for chapter in sorted(results):
        ok = sorted(results[chapter])
        prov["chapters"][chapter] = {"fingerprint": chapter_fps[chapter],
                                     "lib_fingerprint": (chapter_lib_fps or {}).get(chapter, lib_fp),
                                     "parameters": params.get(chapter, {}),
                                     "seeds": ok, "failed_seeds": sorted(failed.get(chapter, []))}
        names = list(dict.fromkeys(n for s in ok for n in results[chapter][s]))
        values[chapter] = {name: summarise({str(s): results[chapter][s][name] for s in ok if name in results[chapter][s]})
                           for name in names}
    if book_chapters is not None:      # chapters deleted or renamed since the previous file
        prov["chapters"] = {c: e for c, e in prov["chapters"].items() if c in book_chapters}
        values = {c: v for c, v in values.items() if c in book_chapters}
    prov["chapters"] = dict(sorted(prov["chapters"].items()))
    return {"provenance": prov, "values": dict(sorted(values.items()))}


# ---------------------------------------------------------------- driver

def _fmt(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _client(args):
    import dask
    from distributed import Client, LocalCluster

    address = args.scheduler or os.environ.get("BOOK_DASK_SCHEDULER")
    if address:
        return Client(address, timeout=30), None, f"scheduler {address}"
    dask.config.set({"distributed.scheduler.allowed-failures": 1})
    workers = args.workers or os.cpu_count() or 1
    env = {var: "1" for var in THREAD_VARS}
    env["PYTHONPATH"] = str(ROOT)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           env=env, host="127.0.0.1")
    return Client(cluster), cluster, f"LocalCluster with {workers} workers x 1 thread"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-S", "--seeds", type=int, default=10, help="number of seeds (values 0..S-1; default 10)")
    ap.add_argument("--chapters", nargs="*", default=[], help="chapter names or prefixes (default: all)")
    ap.add_argument("--scale", default="committed", help="committed (default), paper (paper_scale.yml) or a YAML file")
    ap.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (or BOOK_DASK_SCHEDULER)")
    ap.add_argument("--workers", type=int, default=None, help="LocalCluster workers (default: CPU count)")
    ap.add_argument("--timeout", type=float, default=None, help="per-cell execution timeout in seconds")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="robustness file (default book/robustness.json)")
    ap.add_argument("--build", default=str(OUT_DIR), help="folder of executed notebooks (default _build/seeds)")
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error(f"--seeds must be >= 1, got {args.seeds}")

    all_chapters = chapters_in()
    chosen = [c for c in all_chapters if not args.chapters or any(c.startswith(a) or a in c for a in args.chapters)]
    if not chosen:
        ap.error(f"no chapter matches {args.chapters}; chapters are {all_chapters}")
    seeds = list(range(args.seeds))
    scale_params = scale_parameters(args.scale)
    runtimes = json.loads((BOOK / "runtimes.json").read_text()).get("seconds", {}) if (BOOK / "runtimes.json").exists() else {}
    factor = 10 if args.scale == "committed" else 40
    lib_fp = lib_fingerprint()
    build = Path(args.build)

    chapter_fps, chapter_lib_fps, params, tasks, results, failed = {}, {}, {}, [], {c: {} for c in chosen}, {}
    for chapter in chosen:
        params[chapter] = dict(scale_params.get(chapter, {}))
        chapter_fps[chapter] = chapter_fingerprint(BOOK / f"{chapter}.ipynb", params[chapter])
        chapter_lib_fps[chapter] = chapter_lib_fingerprint(BOOK / f"{chapter}.ipynb")
        for seed in seeds:
            tasks.append((chapter, seed, task_fingerprint(chapter_fps[chapter], chapter_lib_fps[chapter], seed)))

    def output(chapter: str, seed: int) -> Path:
        return build / chapter / f"seed-{seed}.ipynb"

    todo, skipped = [], 0
    for chapter, seed, fp in tasks:
        path = output(chapter, seed)
        if path.exists():
            nb = json.loads(path.read_text())
            if nb.get("metadata", {}).get(META_KEY, {}).get("fingerprint") == fp:
                results[chapter][seed] = notebook_verdicts(nb)
                skipped += 1
                continue
        todo.append((chapter, seed, fp))

    start = time.perf_counter()
    timings: dict[str, list[float]] = {c: [] for c in chosen}
    weight = {c: float(runtimes.get(c, 10.0)) for c in chosen}
    print(f"seeds: {len(chosen)} chapters x {len(seeds)} seeds = {len(tasks)} tasks at {args.scale} scale; "
          f"{skipped} up to date, {len(todo)} to run", flush=True)
    if todo:
        from distributed import as_completed

        client, cluster, where = _client(args)
        print(f"seeds: running on {where}", flush=True)
        futures = {}
        try:
            for chapter, seed, fp in todo:
                nb_text = (BOOK / f"{chapter}.ipynb").read_text()
                timeout = args.timeout or factor * weight[chapter] + 120
                fut = client.submit(run_task, nb_text, {**params[chapter], "seed": seed}, str(BOOK), str(ROOT), timeout,
                                    key=f"seeds-{chapter}-seed-{seed}-{fp[:12]}", pure=False, retries=1)
                futures[fut] = (chapter, seed, fp)
            total_w = sum(weight[c] for c, _, _ in todo)
            done_w, done, tty = 0.0, 0, sys.stdout.isatty()
            for fut in as_completed(futures):
                chapter, seed, fp = futures[fut]
                try:
                    nb_text, seconds = fut.result()
                    nb = nbformat.reads(nb_text, as_version=4)
                    nb.metadata[META_KEY] = {"fingerprint": fp, "seed": seed, "scale": args.scale,
                                             "parameters": params[chapter], "seconds": round(seconds, 1)}
                    path = output(chapter, seed)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".ipynb.part")
                    nbformat.write(nb, tmp)
                    tmp.replace(path)
                    results[chapter][seed] = notebook_verdicts(json.loads(nbformat.writes(nb)))
                    timings[chapter].append(seconds)
                    status = f"{chapter} seed {seed} {seconds:.0f} s"
                except Exception as exc:  # listed at the end; the sweep goes on
                    failed.setdefault(chapter, []).append(seed)
                    status = f"{chapter} seed {seed} FAILED: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                done += 1
                done_w += weight[chapter]
                elapsed = time.perf_counter() - start
                left = elapsed * (total_w - done_w) / done_w if done_w else float("nan")
                line = f"[{done}/{len(todo)}] elapsed {_fmt(elapsed)}, about {_fmt(left)} left -- {status}"
                print(("\r" + line.ljust(110)) if tty else line, end="" if tty else "\n", flush=True)
            if tty:
                print()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    wall = time.perf_counter() - start
    out = Path(args.out)
    previous = json.loads(out.read_text()) if out.exists() else None
    doc = aggregate({c: r for c, r in results.items() if r or c in failed}, failed, seeds=seeds, scale=args.scale,
                    lib_fp=lib_fp, chapter_fps=chapter_fps, params=params, previous=previous,
                    chapter_lib_fps=chapter_lib_fps,
                    book_chapters=all_chapters)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")

    print("\n| chapter | seeds ok | failed | run now | median s/task | values |\n| --- | --- | --- | --- | --- | --- |")
    for c in chosen:
        t = timings[c]
        print(f"| {c} | {len(results[c])}/{len(seeds)} | {', '.join(map(str, sorted(failed.get(c, [])))) or '-'} | "
              f"{len(t)} | {f'{np.median(t):.1f}' if t else '-'} | {len(doc['values'].get(c, {}))} |")
    n_failed = sum(len(v) for v in failed.values())
    print(f"\nseeds: {len(tasks) - n_failed} of {len(tasks)} tasks ok ({len(todo)} run, {skipped} up to date) "
          f"in {_fmt(wall)} wall; wrote {out}", flush=True)
    if n_failed:
        print("seeds: FAILED tasks: " + "; ".join(f"{c} seeds {sorted(s)}" for c, s in sorted(failed.items())))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
