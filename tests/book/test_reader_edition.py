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


def test_kernels_get_curve_encryption_so_no_tcp_warning(tmp_path, capfd):
    """The kernel the build starts must not log 'Kernel is running over TCP without encryption'."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution
    from jupyter_client.manager import KernelManager

    trait = KernelManager.class_traits()["transport_encryption"]
    before = trait.default_value
    config = type("Config", (), {"reader_kernel_encryption": True})()
    try:
        reader_edition._encrypt_kernel_transport(type("App", (), {"config": config})())
        assert KernelManager().transport_encryption == "auto"
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        (tmp_path / "elsewhere").mkdir()  # the kernel runs in another folder than this process, as in the build
        result = single_nb_execution(notebook, cwd=str(tmp_path / "elsewhere"), allow_errors=False, timeout=60)
        assert result.err is None
        assert notebook.cells[0].outputs[0]["text"] == "42\n"
        assert "without encryption" not in capfd.readouterr().err  # the kernel's stderr is this process's fd 2
    finally:
        trait.default_value = before


def test_reproducibility_rows_name_commit_environment_and_pins():
    rows = dict(reader_edition.environment_rows(ROOT, "book/runtimes.json"))
    assert "commit of this build" in rows
    pins = reader_edition.pinned_versions(ROOT / "requirements.txt")
    assert {"numpy", "scipy", "matplotlib", "jupyter-book", "myst-nb"} <= set(pins)
    assert f"numpy {pins['numpy']}" in rows["packages (exact pins; all of them in `requirements.txt`)"]
    assert rows["Python (kernel of the committed outputs)"].startswith("3.")
    if (ROOT / "book" / "runtimes.json").exists():
        assert "machine" in rows and "chapters executed on" in rows


def test_pins_are_read_exactly(tmp_path):
    (tmp_path / "requirements.txt").write_text("# comment==1\nNumPy==2.0.1\nmyst_nb==1.4.0\nloose>=1\n")
    assert reader_edition.pinned_versions(tmp_path / "requirements.txt", ("numpy", "myst-nb", "loose")) == {
        "numpy": "2.0.1", "myst-nb": "1.4.0"}
