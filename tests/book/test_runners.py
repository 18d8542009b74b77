"""Every path that executes notebooks ends a hang with one clear message; ``make paper`` retries,
restarts and renders its scorecard from this invocation only; the scripts work from anywhere.

Issue 10 item 3 and issue 16 items 3-4. Tiny notebooks with ``time.sleep`` stand in for a hung
chapter; a fake executor stands in for papermill where only the control flow is under test.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

import build_html  # noqa: E402
import ensure_chromium  # noqa: E402
import execute_notebooks  # noqa: E402
import notebook_runner  # noqa: E402
import run_paper_scale  # noqa: E402
import run_tests  # noqa: E402

PY = sys.executable


def sleepy_notebook(path: Path, nap: float = 30, verdict: bool = False) -> Path:
    """A notebook whose third code cell sleeps ``nap`` seconds (a stand-in for a hung cell)."""
    params = nbformat.v4.new_code_cell("seed = 0\nnap = 1")
    params.metadata["tags"] = ["parameters"]
    cells = [nbformat.v4.new_markdown_cell("# A sleepy chapter"), params,
             nbformat.v4.new_code_cell("import time\nprint('start', seed)"),
             nbformat.v4.new_code_cell(f"time.sleep({nap})\nprint('woke up')")]
    if verdict:
        cell = nbformat.v4.new_code_cell("print('x = 1')")
        cell.metadata["tags"] = ["verdict"]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run(cmd, cwd, timeout=120, **env):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **env))


# --- limits ----------------------------------------------------------------------------------

def test_cell_limit_is_sized_from_the_measured_runtime(monkeypatch):
    monkeypatch.delenv("BOOK_CELL_TIMEOUT", raising=False)
    record = json.loads(notebook_runner.RUNTIMES.read_text())["seconds"]
    slowest = max(record, key=record.get)
    assert notebook_runner.cell_timeout(slowest) == max(notebook_runner.FLOOR, notebook_runner.FACTOR * record[slowest])
    assert notebook_runner.cell_timeout(slowest, scale=5) >= notebook_runner.cell_timeout(slowest)
    assert notebook_runner.cell_timeout("99_not_a_chapter") == notebook_runner.FACTOR * notebook_runner.UNKNOWN_SECONDS
    monkeypatch.setenv("BOOK_CELL_TIMEOUT", "7")
    assert notebook_runner.cell_timeout(slowest) == 7


# --- a hung cell ends with one message, on every path -------------------------------------------

def test_make_execute_ends_a_hung_cell_with_the_timeout_message(tmp_path):
    notebook = sleepy_notebook(tmp_path / "sleepy.ipynb")
    before = notebook.read_bytes()
    result = run([PY, str(SCRIPTS / "execute_notebooks.py"), str(notebook)], cwd=tmp_path, BOOK_CELL_TIMEOUT="3")
    assert result.returncode == 1
    failures = [line for line in result.stdout.splitlines() if "FAILED" in line]
    assert failures == ["execute_notebooks: FAILED sleepy: code cell 2 (`time.sleep(30)`) exceeded the "
                        "per-cell limit of 3 s and was stopped"], result.stdout + result.stderr
    assert notebook.read_bytes() == before, "a failed run must leave the notebook unchanged"


def test_papermill_rerun_ends_a_hung_cell_with_the_timeout_message(tmp_path):
    notebook = sleepy_notebook(tmp_path / "sleepy.ipynb")
    output = tmp_path / "out" / "sleepy.ipynb"
    result = run([PY, str(SCRIPTS / "rerun.py"), str(notebook), "-o", str(output), "--cell-timeout", "3",
                  "-p", "nap", "2"], cwd=tmp_path)
    assert result.returncode == 1
    assert ("rerun: FAILED sleepy: code cell 2 (`time.sleep(30)`) exceeded the per-cell limit of 3 s "
            "and was stopped") in result.stderr.splitlines(), result.stderr[-2000:]
    assert not output.exists(), "a partial run must not sit where a finished one would"
    assert (tmp_path / "out" / "failed" / "sleepy.ipynb").exists()


def test_a_dead_kernel_ends_with_one_message_naming_the_cell(tmp_path):
    notebook = sleepy_notebook(tmp_path / "dies.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[3].source = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    nbformat.write(nb, notebook)
    with pytest.raises(notebook_runner.RunFailure) as info:
        notebook_runner.papermill_run(notebook, tmp_path / "out" / "dies.ipynb", {}, 60, progress_bar=False)
    assert info.value.retryable
    assert str(info.value) == ("dies: the kernel died while running code cell 2 (`import os, signal`) "
                               "(per-cell limit 60 s)")


def test_nbval_ends_a_hung_cell_with_the_timeout_message():
    # Under the repository so that its conftest.py (the per-chapter limit) applies.
    (ROOT / "_build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="test-runners-", dir=ROOT / "_build"))
    try:
        notebook = sleepy_notebook(folder / "sleepy.ipynb")
        result = run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(notebook)], cwd=ROOT,
                     BOOK_CELL_TIMEOUT="3")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.returncode == 1
    assert "sleepy: code cell 2 exceeded the per-cell limit of 3 s and was stopped" in result.stdout, \
        result.stdout[-3000:]


def test_make_book_summarises_a_timeout_from_the_reports(tmp_path):
    from nbclient.exceptions import CellTimeoutError

    cell = nbformat.v4.new_code_cell("time.sleep(100)\nprint(1)")
    error = CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", 150, cell)
    (tmp_path / "book").mkdir()
    log = tmp_path / "book" / "03_maxlikelihood.err.log"
    log.write_text(f"Traceback (most recent call last):\n  ...\nnbclient.exceptions.CellTimeoutError: {error}")
    assert build_html.summarise_reports(tmp_path) == [
        f"03_maxlikelihood: the cell starting `time.sleep(100)` exceeded the per-cell limit of 150 s and was "
        f"stopped (details: {log})"]


# --- make paper: retry, restart, scorecard from this invocation only ------------------------------

def copy_committed(source, output, params, limit):
    """A stand-in for papermill: the committed notebook is the 'paper-scale' result."""
    shutil.copy(source, output)
    return 0.1


def test_make_paper_retries_a_hung_chapter_once_then_succeeds(tmp_path, capsys):
    calls = []

    def hangs_once(source, output, params, limit):
        calls.append(limit)
        if len(calls) == 1:
            raise notebook_runner.RunFailure(source.stem, "timeout", "code cell 4 (`x`)", limit)
        return copy_committed(source, output, params, limit)

    assert run_paper_scale.main(["02"], out=tmp_path, execute=hangs_once) == 0
    text = capsys.readouterr().out
    assert len(calls) == 2
    assert "02_lsh: code cell 4 (`x`) exceeded the per-cell limit" in text and "retrying 02_lsh once" in text
    page = (tmp_path / "scorecard.md").read_text()
    assert "Not re-run in this invocation" in page
    assert "02_lsh" not in page.split("Not re-run in this invocation")[1], "chapter 2 ran: its rows are rendered"

    # Restart: the finished chapter is not re-run while its code, lib/ and parameters are unchanged.
    def must_not_run(*args):
        raise AssertionError("an up-to-date chapter was re-run")

    assert run_paper_scale.main(["02"], out=tmp_path, execute=must_not_run) == 0
    assert "up to date" in capsys.readouterr().out


def test_make_paper_gives_up_after_the_retry_and_drops_stale_output(tmp_path, capsys):
    shutil.copy(ROOT / "book" / "02_lsh.ipynb", tmp_path / "02_lsh.ipynb")  # a leftover of an older run
    calls = []

    def always_dies(source, output, params, limit):
        calls.append(1)
        raise notebook_runner.RunFailure(source.stem, "dead kernel", "code cell 3 (`y`)", limit)

    assert run_paper_scale.main(["02"], out=tmp_path, execute=always_dies) == 1
    text = capsys.readouterr().out
    assert len(calls) == 2 and "retrying 02_lsh once" in text
    assert "[1/1] 02_lsh FAILED: 02_lsh: the kernel died while running code cell 3" in text
    assert "FAILED: 02_lsh" in text.splitlines()[-1]
    assert not (tmp_path / "02_lsh.ipynb").exists(), "the stale leftover must not reach the scorecard"
    page = (tmp_path / "scorecard.md").read_text()
    assert "| 02_lsh |" in page.split("Not re-run in this invocation")[1]


def test_make_paper_does_not_retry_a_cell_error(tmp_path, capsys):
    calls = []

    def raises(source, output, params, limit):
        calls.append(1)
        raise notebook_runner.RunFailure(source.stem, "error", "code cell 1 (`z`)", limit, "ParameterError: no")

    assert run_paper_scale.main(["02"], out=tmp_path, execute=raises) == 1
    assert len(calls) == 1 and "retrying" not in capsys.readouterr().out


def test_make_paper_scorecard_ignores_chapters_not_run_now(tmp_path):
    for name in ("01_derivation", "04_convergence"):  # leftovers of an earlier invocation
        shutil.copy(ROOT / "book" / f"{name}.ipynb", tmp_path / f"{name}.ipynb")
    assert run_paper_scale.main(["02"], out=tmp_path, execute=copy_committed) == 0
    rendered, waiting = (tmp_path / "scorecard.md").read_text().split("Not re-run in this invocation")
    assert "01_derivation" not in rendered.replace("01_derivation.ipynb", "")
    assert "| 01_derivation |" in waiting and "04_convergence" in waiting
    table = (tmp_path / "verdicts.md").read_text()
    assert "| 02_lsh |" in table and "01_derivation" not in table


def test_make_paper_reruns_when_lib_or_parameters_change(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "lib", lib, ignore=shutil.ignore_patterns("__pycache__"))
    chapter = ROOT / "book" / "02_lsh.ipynb"
    first = run_paper_scale.fingerprint(chapter, {"trials": 10}, lib)
    assert run_paper_scale.fingerprint(chapter, {"trials": 10}, lib) == first
    assert run_paper_scale.fingerprint(chapter, {"trials": 11}, lib) != first
    (lib / "lsh.py").write_text((lib / "lsh.py").read_text() + "\n# changed\n")
    assert run_paper_scale.fingerprint(chapter, {"trials": 10}, lib) != first


def test_make_paper_retries_a_real_hang_and_ends_non_zero(tmp_path, capsys, monkeypatch):
    """The real papermill path: a sleeping cell hits a 3 s limit twice."""
    book = tmp_path / "book"
    sleepy_notebook(book / "01_sleepy.ipynb", verdict=True)
    (book / "scorecard.yml").write_text("claims: []\n")
    monkeypatch.setenv("BOOK_CELL_TIMEOUT", "3")
    assert run_paper_scale.main([], out=tmp_path / "paper", book=book) == 1
    text = capsys.readouterr().out
    assert "01_sleepy: code cell 2 (`time.sleep(30)`) exceeded the per-cell limit of 3 s and was stopped; " \
           "retrying 01_sleepy once" in text
    assert "[1/1] 01_sleepy FAILED: 01_sleepy: code cell 2" in text
    assert not (tmp_path / "paper" / "01_sleepy.ipynb").exists()


# --- README commands, refusals, any working directory, read-only checkout -------------------------

def readme_commands(marker: str) -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.startswith(marker)]


def test_readme_rerun_example_works_on_a_fresh_clone():
    commands = readme_commands(".venv/bin/python scripts/rerun.py")
    assert commands, "the README shows no rerun example"
    shutil.rmtree(ROOT / "_build" / "runs", ignore_errors=True)  # as on a fresh clone
    for command in commands:
        result = run(command.split(), cwd=ROOT, timeout=600)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert (ROOT / "_build" / "runs" / "02_lsh.ipynb").exists()
        assert "without encryption" not in result.stderr, "the kernel transport warning is back"


@pytest.mark.parametrize("output", ["book/02_lsh.ipynb", "book/copy.ipynb", "book/../book/x.ipynb"])
def test_rerun_refuses_outputs_inside_book(output, tmp_path):
    result = run([PY, str(SCRIPTS / "rerun.py"), "02", "-o", str(ROOT / output)], cwd=tmp_path)
    assert result.returncode == 2
    assert "refusing to write" in result.stderr and "outside book/" in result.stderr
    assert not (ROOT / "book" / "copy.ipynb").exists() and not (ROOT / "book" / "x.ipynb").exists()


def test_scripts_find_the_repository_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert execute_notebooks.resolve("book/02_lsh.ipynb") == [ROOT / "book" / "02_lsh.ipynb"]
    assert len(execute_notebooks.resolve("book")) == len(list((ROOT / "book").glob("*.ipynb")))
    assert run_tests.chapters() and all(Path(p).is_absolute() for p in run_tests.chapters())


def test_execute_from_another_folder_with_a_wrong_path_changes_nothing(tmp_path):
    before = notebook_runner.RUNTIMES.read_bytes()
    result = run([PY, str(SCRIPTS / "execute_notebooks.py"), "no_such_book"], cwd=tmp_path)
    assert result.returncode == 2 and "names no notebook" in result.stderr and "nothing executed" in result.stderr
    assert notebook_runner.RUNTIMES.read_bytes() == before


def test_read_only_checkout_gets_a_clear_message(monkeypatch, capsys):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    monkeypatch.setattr(sys, "argv", ["build_html.py", "--execute", "off"])
    assert build_html.main() == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "Read-only file system" in err and "Traceback" not in err
    assert execute_notebooks.main([str(ROOT / "book" / "02_lsh.ipynb")]) == 2
    assert run_paper_scale.main(["02"], execute=copy_committed) == 2
    assert run_tests.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("this checkout is read-only") == 3 and "Traceback" not in err


# --- make test without a browser ----------------------------------------------------------------

def no_browser(exe):
    return None if exe in ("chromium", "chromedriver") else f"/usr/bin/{exe}"


def test_browser_decision_without_chromium_as_non_root():
    action, message = ensure_chromium.decide(which=no_browser, euid=1000, env={})
    assert action == "skip" and message.startswith("browser check: SKIPPED")
    action, message = ensure_chromium.decide(which=no_browser, euid=1000, env={"REQUIRE_BROWSER_CHECK": "1"})
    assert action == "fail" and "stopping before the tests" in message
    assert ensure_chromium.decide(which=no_browser, euid=0, env={})[0] == "install"
    assert ensure_chromium.decide(which=lambda exe: f"/usr/bin/{exe}", euid=1000, env={})[0] == "run"


def test_make_test_without_chromium_says_skip_once_and_then_skips(monkeypatch, capsys):
    """The decision is printed once, at the start, and the browser tests get REQUIRE_BROWSER_CHECK=0."""
    monkeypatch.setattr(ensure_chromium.shutil, "which", no_browser)
    monkeypatch.setattr(ensure_chromium.os, "geteuid", lambda: 1000)
    monkeypatch.delenv("REQUIRE_BROWSER_CHECK", raising=False)
    seen = []

    def fake_run(cmd, cwd, env):
        seen.append(env["REQUIRE_BROWSER_CHECK"])
        print("step output")
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(run_tests.subprocess, "run", fake_run)
    assert run_tests.main(["--serial"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("run_tests: browser check: SKIPPED")
    assert out.count("browser check") == 1
    assert seen == ["0", "0", "0"]

    monkeypatch.setenv("REQUIRE_BROWSER_CHECK", "1")
    seen.clear()
    assert run_tests.main([]) == 1
    assert seen == [], "with the check required but impossible, nothing runs"
    assert "REQUIRED (REQUIRE_BROWSER_CHECK=1)" in capsys.readouterr().err


class FakePopen:
    """Stands in for the old-CPU pass started alongside the pytest session."""
    started: list = []
    code = 0

    def __init__(self, cmd, cwd, env, stdout, stderr):
        FakePopen.started.append({k: env.get(k) for k in run_tests.OLD_CPU})
        stdout.write("old-cpu output\n")

    def wait(self):
        return FakePopen.code


@pytest.mark.parametrize("old_cpu_code", [0, 1])
def test_old_cpu_pass_runs_alongside_pytest_and_its_failure_fails_the_run(old_cpu_code, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(run_tests, "OLD_CPU_LOG", tmp_path / "old-cpu.log")  # never the real log of a running suite
    monkeypatch.setattr(ensure_chromium.shutil, "which", no_browser)
    monkeypatch.setattr(ensure_chromium.os, "geteuid", lambda: 1000)
    monkeypatch.delenv("REQUIRE_BROWSER_CHECK", raising=False)
    ran = []
    monkeypatch.setattr(run_tests.subprocess, "run",
                        lambda cmd, cwd, env: ran.append(env.get("OPENBLAS_CORETYPE")) or subprocess.CompletedProcess(cmd, 0))
    FakePopen.started, FakePopen.code = [], old_cpu_code
    monkeypatch.setattr(run_tests.subprocess, "Popen", FakePopen)
    assert run_tests.main([]) == old_cpu_code
    assert FakePopen.started == [run_tests.OLD_CPU], "the old-CPU pass starts once, with the emulation variables"
    assert ran == [None, None], "html and pytest run in the foreground without them"
    out = capsys.readouterr().out
    assert "old-cpu output" in out
    assert ("old-cpu  passed" in out) == (old_cpu_code == 0)


def test_old_cpu_pass_emulates_numpy_openblas_torch_and_mkl_kernels():
    assert run_tests.OLD_CPU == {"NPY_DISABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Prescott",
                                 "ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}
    assert "old-cpu" in run_tests.STEPS


# --- make unit runs what the README says ---------------------------------------------------------

def test_make_unit_collects_the_lib_tests_and_doctests_only():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nunit: env\n", 1)[1].splitlines()[0].strip()
    assert recipe.startswith("$(PY) -m pytest "), recipe
    args = recipe.removeprefix("$(PY) -m pytest ").split()
    result = run([PY, "-m", "pytest", "--collect-only", "-q", *args], cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    files = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    assert {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")} <= files
    assert any(f.startswith("lib/") for f in files), "lib/'s doctests must be collected"
    assert not any(f.startswith(("tests/book", "book/")) for f in files), "book guards and nbval are not unit tests"
    assert "make unit           # only the tests of lib/ (tests/test_*.py) and lib/'s doctests" in \
        (ROOT / "README.md").read_text()
