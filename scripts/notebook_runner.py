"""Shared execution limits and notebook runners for every path that executes chapters.

Used by ``execute_notebooks.py`` (``make execute``), ``run_paper_scale.py`` (``make paper``),
``rerun.py`` (one chapter with papermill), ``build_html.py`` (``make book``, through Jupyter
Book's timeout) and the nbval hook in the repository's ``conftest.py`` (``make test``).

Per-cell limit
    Every code cell gets ``max(FLOOR, FACTOR x the chapter's measured runtime)`` seconds, where
    the runtime is the whole chapter's last full execution in ``book/runtimes.json`` (a single
    cell cannot take longer than its whole chapter, so the factor is the margin for a loaded or
    slower machine). A chapter without a record is assumed to take ``UNKNOWN_SECONDS``.
    ``scale`` multiplies the runtime for bigger runs (``make paper``). ``BOOK_CELL_TIMEOUT``
    (seconds) overrides the limit everywhere.

One message
    A cell that exceeds its limit, a kernel that dies and a cell that raises all end as
    :class:`RunFailure`, whose text names the chapter, the cell (0-based index among the code
    cells, as nbval counts them, and its first line) and the limit.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
RUNTIMES = BOOK / "runtimes.json"

FACTOR = 20
FLOOR = 300
UNKNOWN_SECONDS = 60.0


def chapter_seconds(chapter: str) -> float | None:
    """The chapter's last measured full-run time in seconds (``book/runtimes.json``), or None."""
    try:
        return float(json.loads(RUNTIMES.read_text())["seconds"][Path(chapter).stem])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cell_timeout(chapter: str, scale: float = 1.0) -> int:
    """Per-cell execution limit in seconds for ``chapter`` (see the module docstring)."""
    override = os.environ.get("BOOK_CELL_TIMEOUT")
    if override:
        return int(float(override))
    seconds = chapter_seconds(chapter)
    seconds = UNKNOWN_SECONDS if seconds is None else seconds
    return int(max(FLOOR, FACTOR * seconds * scale))


class RunFailure(RuntimeError):
    """A chapter run ended early. ``kind`` is 'timeout', 'dead kernel' or 'error'."""

    def __init__(self, chapter: str, kind: str, cell: str, limit: int, detail: str = ""):
        self.chapter, self.kind, self.cell, self.limit = chapter, kind, cell, limit
        if kind == "timeout":
            text = f"{chapter}: {cell} exceeded the per-cell limit of {limit} s and was stopped"
        elif kind == "dead kernel":
            text = f"{chapter}: the kernel died while running {cell} (per-cell limit {limit} s)"
        else:
            text = f"{chapter}: {cell} raised {detail}"
        super().__init__(text)

    @property
    def retryable(self) -> bool:
        """A hang or a dead kernel may be the machine's fault; an exception is the notebook's."""
        return self.kind in ("timeout", "dead kernel")


def describe_cell(nb, index: int) -> str:
    """``code cell N (`first line`)`` for the cell at ``index`` of ``nb.cells``."""
    code = [i for i, c in enumerate(nb.cells[: index + 1]) if c.cell_type == "code"
            and "injected-parameters" not in c.metadata.get("tags", [])]
    cell = nb.cells[index]
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    if "injected-parameters" in cell.metadata.get("tags", []):
        return f"the injected parameters cell (`{first}`)"
    return f"code cell {len(code) - 1} (`{first}`)"


def _error_text(exc: Exception) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def quiet_kernel_transport() -> None:
    """Start kernels with CurveZMQ-encrypted transport when pyzmq supports it.

    That is the remedy ipykernel's "Kernel is running over TCP without encryption" warning names;
    the book build does the same (``book/_ext/reader_edition.py``), so no run prints it per chapter.
    """
    import zmq
    from jupyter_client.manager import KernelManager

    if zmq.has("curve"):
        KernelManager.class_traits()["transport_encryption"].default_value = "auto"


def execute_in_place(path: Path, timeout: int, chapter: str | None = None) -> float:
    """Run ``path`` top to bottom on a fresh kernel in its folder and rewrite it with the outputs.

    No timing metadata is stored; widget state is (the HTML renders the explorers). The file
    is left unchanged unless every cell ran. Returns the elapsed seconds; raises RunFailure.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    chapter = chapter or path.stem
    quiet_kernel_transport()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    index = -1
    try:
        with client.setup_kernel():
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            client.set_widgets_metadata()
    except CellTimeoutError as exc:
        raise RunFailure(chapter, "timeout", describe_cell(nb, index), timeout) from exc
    except DeadKernelError as exc:
        raise RunFailure(chapter, "dead kernel", describe_cell(nb, index), timeout) from exc
    except CellExecutionError as exc:
        raise RunFailure(chapter, "error", describe_cell(nb, index), timeout, _error_text(exc)) from exc
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)
    return elapsed


def papermill_run(source: Path, output: Path, parameters: dict, timeout: int, chapter: str | None = None,
                  progress_bar: bool = True) -> float:
    """Run ``source`` with papermill into ``output`` (written only when every cell ran).

    Executes in the chapter's folder, each cell limited to ``timeout`` seconds. While running,
    the notebook lives in a temporary file next to ``output``; a failed run is kept as
    ``failed/<name>.ipynb`` beside ``output`` for inspection, never at ``output`` (nor where
    a glob for chapters would find it). Raises RunFailure.
    """
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    chapter = chapter or source.stem
    quiet_kernel_transport()
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, partial_name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".partial.ipynb", dir=output.parent)
    os.close(fd)
    partial = Path(partial_name)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(partial), parameters=parameters, kernel_name="python3",
                                   cwd=str(source.parent), progress_bar=progress_bar,
                                   execution_timeout=timeout)
    except Exception as exc:
        kind = ("timeout" if isinstance(exc, CellTimeoutError) else
                "dead kernel" if isinstance(exc, DeadKernelError) else "error")
        cell = "an unknown cell"
        try:
            nb = nbformat.read(partial, as_version=4)
            meta = [c.metadata.get("papermill", {}) for c in nb.cells]
            failed = [i for i, m in enumerate(meta) if m.get("status") == "failed"]
            started = [i for i, m in enumerate(meta) if m.get("start_time")]
            # A failed cell is marked; a timed-out one is the last that started.
            if failed or started:
                cell = describe_cell(nb, (failed or started)[0 if failed else -1])
        except Exception:  # the partial file may be empty if the kernel never started
            pass
        failed = output.parent / "failed" / output.name
        if partial.exists():
            failed.parent.mkdir(exist_ok=True)
            partial.replace(failed)
        raise RunFailure(chapter, kind, cell, timeout, _error_text(exc)) from exc
    partial.replace(output)
    return time.perf_counter() - start


def require_writable(*folders: Path) -> str | None:
    """None if a file can be created in every folder (made if missing), else a clear message."""
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            return (f"cannot write into {folder} ({exc.strerror or exc}): this checkout is read-only. "
                    "Copy the repository to a writable folder (or run `make html` there) and try again.")
    return None
