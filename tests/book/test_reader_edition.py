"""The build-time reader's-edition extension (book/_ext/reader_edition.py), without a build."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import reader_edition  # noqa: E402


def test_chapter_number_comes_from_the_file_name():
    assert reader_edition.chapter_number("book/04_convergence") == 4
    assert reader_edition.chapter_number("book/10_mnist") == 10
    assert reader_edition.chapter_number("book/scorecard") is None
    assert reader_edition.chapter_number("book/intro") is None


def test_figures_are_renumbered_per_chapter_in_document_order():
    fignumbers = {
        "book/04_convergence": {"figure": {"fig-b": (7,), "fig-a": (6,), "fig-c": (8,)}},
        "book/05_spacetime": {"figure": {"fig-x": (9,)}, "table": {"tab-y": (2,)}},
        "book/scorecard": {"table": {"t": (3,)}},
    }
    changed = reader_edition.renumber_per_chapter(fignumbers)
    assert changed == ["book/04_convergence", "book/05_spacetime"]
    assert fignumbers["book/04_convergence"]["figure"] == {"fig-a": (4, 1), "fig-b": (4, 2), "fig-c": (4, 3)}
    assert fignumbers["book/05_spacetime"] == {"figure": {"fig-x": (5, 1)}, "table": {"tab-y": (5, 1)}}
    assert fignumbers["book/scorecard"] == {"table": {"t": (3,)}}  # not a chapter: untouched
    assert reader_edition.renumber_per_chapter(fignumbers) == []  # idempotent


def test_kernels_start_over_ipc_not_tcp():
    from jupyter_client import AsyncKernelManager
    from jupyter_client.connect import ConnectionFileMixin

    trait = ConnectionFileMixin.class_traits()["transport"]
    before = trait.default_value
    try:
        reader_edition._kernels_over_ipc(type("App", (), {"config": type("C", (), {"reader_kernel_ipc": True})()})())
        assert AsyncKernelManager().transport == "ipc"
    finally:
        trait.default_value = before
