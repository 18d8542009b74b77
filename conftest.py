"""Repository-wide pytest hooks: nbval cells get the same per-cell limit as every other run.

nbval has one ``--nbval-cell-timeout`` for a whole session (default 2000 s). Here each chapter's
cells get the limit of ``scripts/notebook_runner.py`` (sized from ``book/runtimes.json``), unless
``--nbval-cell-timeout`` was given explicitly. A cell that exceeds it, or a kernel that dies,
fails with one first line naming the chapter, the cell and the limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))
import notebook_runner  # noqa: E402

NBVAL_DEFAULT_TIMEOUT = 2000


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def pytest_runtest_setup(item):
    if not _is_nbval_cell(item):
        return
    config = item.config
    if not hasattr(config, "_book_explicit_cell_timeout"):
        config._book_explicit_cell_timeout = float(config.option.nbval_cell_timeout) != NBVAL_DEFAULT_TIMEOUT
    if not config._book_explicit_cell_timeout:
        config.option.nbval_cell_timeout = notebook_runner.cell_timeout(Path(str(item.fspath)).stem)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (_is_nbval_cell(item) and report.failed and call.excinfo is not None):
        return
    text = str(call.excinfo.value)
    chapter, limit = Path(str(item.fspath)).stem, item.config.option.nbval_cell_timeout
    if "seconds exceeded" in text and "Timeout of" in text:
        first = f"{chapter}: code cell {item.cell_num} exceeded the per-cell limit of {limit} s and was stopped"
    elif "Kernel dead" in text or "Kernel died" in text:
        first = (f"{chapter}: the kernel died before or while running code cell {item.cell_num} "
                 f"(per-cell limit {limit} s)")
    else:
        return
    report.longrepr = f"{first}\n{report.longrepr}"
