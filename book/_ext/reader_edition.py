"""Sphinx extension: the reader's edition of the book (issue 15).

Everything here happens at build time; the committed notebooks (and so the
downloadable ``.ipynb`` files) are never changed.

* **Figures numbered per chapter.** Sphinx's ``numfig`` numbers captioned
  figures; the chapters carry their number in their file name
  (``book/04_convergence.ipynb``), so figures of a chapter are renumbered
  ``4.1, 4.2, ...`` in document order (``numfig_format`` makes that read
  "Figure 4.1"). Pages that are not numbered chapters keep Sphinx's numbers.
* **Code folded, results visible.** Every code cell's source is put behind
  MyST-NB's own "Show code cell source" toggle (the ``hide-input`` behaviour),
  unless the cell is tagged with one of ``reader_keep_open_tags`` (default:
  ``parameters`` -- the chapter's knobs stay in view -- and ``show-input``).
  Outputs, figures, widgets and verdict lines are not touched. Cells already
  tagged ``hide-*``/``remove-*`` keep their own behaviour.
* **Encrypted kernel transport.** MyST-NB executes notebooks through
  jupyter-cache and nbclient, which create jupyter_client's ``KernelManager``
  with no configuration (none can be passed through them), so its
  ``transport_encryption`` stays ``"disabled"`` and ipykernel logs "Kernel is
  running over TCP without encryption" once per chapter. The build sets that
  configurable's default to ``"auto"``: the manager provisions CurveZMQ keys
  whenever the kernelspec declares ``supported_encryption: curve`` (ipykernel's
  does), which is the remedy the warning names. (The IPC transport, the other
  remedy, breaks here: jupyter_client derives the socket path from the working
  directory, and the kernel runs in the notebook's folder, not the build's.)
* **Reproducibility record.** The ``{reproducibility-environment}`` directive
  renders the environment and commit behind the committed outputs (git, the
  notebooks' kernel metadata, ``requirements.txt``, and the date and machine
  recorded by ``scripts/execute_notebooks.py`` in ``book/runtimes.json``). When a
  build does not execute a chapter (``--execute off``), MyST-NB has no execution
  statistics for it; the chapter's recorded run time is then entered with method
  ``committed``, so MyST-NB's own ``{nb-exec-table}`` lists every chapter either
  way (method ``force`` = executed by this build).
* **Dark mode.** ``reader-edition.css`` puts figures on a white card in the
  theme's dark mode (matplotlib's inline backend writes transparent PNGs with
  black text).
"""

from __future__ import annotations

import datetime
import json
import platform
import re
import subprocess
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

CHAPTER_DOC = re.compile(r"(?:^|/)(\d+)_[^/]*$")


# --------------------------------------------------------------------------- figure numbers
def chapter_number(docname: str) -> int | None:
    """The chapter number carried by a document name (``book/04_convergence`` -> 4), else None."""
    match = CHAPTER_DOC.search(docname)
    return int(match.group(1)) if match else None


def renumber_per_chapter(fignumbers: dict[str, dict[str, dict[str, tuple[int, ...]]]]) -> list[str]:
    """Rewrite Sphinx's figure numbers of chapter documents in place as ``(chapter, k)``.

    ``fignumbers`` is ``env.toc_fignumbers``: docname -> figtype -> node id ->
    number tuple. Within a chapter the figures keep their order. Returns the
    docnames whose numbers changed.
    """
    changed = []
    for docname, by_type in fignumbers.items():
        chapter = chapter_number(docname)
        if chapter is None:
            continue
        for figtype, numbers in by_type.items():
            ordered = sorted(numbers, key=lambda ident: numbers[ident])
            new = {ident: (chapter, k) for k, ident in enumerate(ordered, start=1)}
            if new != numbers:
                by_type[figtype] = new
                changed.append(docname)
    return sorted(set(changed))


def _number_figures_per_chapter(app: Sphinx, env: BuildEnvironment) -> list[str]:
    return renumber_per_chapter(env.toc_fignumbers)


# --------------------------------------------------------------------------- folded code
class FoldCodeCells(SphinxPostTransform):
    """Give every code cell MyST-NB's ``hide-input`` mode unless a keep-open tag is set.

    Runs just before MyST-NB's own ``HideInputCells`` (priority 199), which then
    builds the usual ``<details>`` toggle.
    """

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs) -> None:
        keep_open = set(self.config.reader_keep_open_tags)
        show = self.config.nb_code_prompt_show
        hide = self.config.nb_code_prompt_hide
        for node in self.document.findall(nodes.container):
            if node.get("nb_element") != "cell_code" or node.get("hide_mode") or not node.children:
                continue
            if node.children[0].get("nb_element") != "cell_code_source":
                continue  # source removed (remove-input): nothing to fold
            tags = set((node.get("cell_metadata") or {}).get("tags", []))
            if tags & keep_open:
                continue
            node["hide_mode"] = "input"
            node["prompt_show"] = show
            node["prompt_hide"] = hide
            node["classes"].append("reader-folded")


# --------------------------------------------------------------------------- kernel transport
def _encrypt_kernel_transport(app: Sphinx) -> None:
    if not app.config.reader_kernel_encryption:
        return
    import zmq
    from jupyter_client.manager import KernelManager

    if zmq.has("curve"):
        KernelManager.class_traits()["transport_encryption"].default_value = "auto"


# --------------------------------------------------------------------------- reproducibility
KEY_PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "torch", "ipykernel", "ipywidgets",
                "jupyter-book", "myst-nb", "sphinx")


def recorded_runtimes(srcdir: Path, relpath: str) -> dict:
    """``book/runtimes.json`` as written by ``scripts/execute_notebooks.py`` ({} if absent)."""
    path = Path(srcdir) / relpath
    return json.loads(path.read_text()) if path.exists() else {}


def _git(srcdir: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=srcdir, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def pinned_versions(requirements: Path, names=KEY_PACKAGES) -> dict[str, str]:
    """Exact pins ``name==version`` of ``requirements.txt`` for the given names (case-insensitive)."""
    pins = {}
    if requirements.exists():
        for line in requirements.read_text().splitlines():
            name, _, version = line.strip().partition("==")
            if version and not line.startswith("#"):
                pins[name.lower().replace("_", "-")] = version.strip()
    return {name: pins[name] for name in names if name in pins}


def environment_rows(srcdir: Path, runtimes_path: str) -> list[tuple[str, str]]:
    """The rows of the reproducibility table: (what, value) in Markdown."""
    srcdir = Path(srcdir)
    record = recorded_runtimes(srcdir, runtimes_path)
    chapters = sorted((srcdir / "book").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    outputs = _git(srcdir, "log", "-1", "--format=%H %cs", "--", *[str(p.relative_to(srcdir)) for p in chapters])
    if outputs:
        commit, date = outputs.split()
        rows.append(("commit of the committed outputs", f"`{commit}` ({date}; the last commit that changed a chapter notebook)"))
    head = _git(srcdir, "rev-parse", "HEAD")
    if head:
        dirty = _git(srcdir, "status", "--porcelain", "--untracked-files=no")
        rows.append(("commit of this build", f"`{head}`" + (" with uncommitted changes" if dirty else "")))
    else:
        rows.append(("commit of this build", "not a git checkout"))
    if record:
        rows.append(("chapters executed on", f"{record.get('date', '?')} by `make execute` (`scripts/execute_notebooks.py`)"))
        rows.append(("machine", str(record.get("machine", "?"))))
        if "cpu" in record:
            rows.append(("CPU", str(record["cpu"])))
    pythons = sorted({json.loads(p.read_text()).get("metadata", {}).get("language_info", {}).get("version", "?")
                      for p in chapters})
    rows.append(("Python (kernel of the committed outputs)", ", ".join(pythons)))
    pins = pinned_versions(srcdir / "requirements.txt")
    rows.append(("packages (exact pins; all of them in `requirements.txt`)",
                 ", ".join(f"{name} {version}" for name, version in pins.items())))
    rows.append(("this page built", f"{datetime.date.today().isoformat()} with Python {platform.python_version()} "
                 f"on {platform.machine()}, {_cpu_model()}"))
    return rows


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU model unknown"


class ReproducibilityEnvironment(SphinxDirective):
    """``{reproducibility-environment}``: a table of the environment behind the committed outputs."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        rows = environment_rows(Path(self.env.srcdir), self.config.reader_recorded_runtimes)
        self.env.note_dependency(str(Path(self.env.srcdir) / self.config.reader_recorded_runtimes))
        lines = ["| | |", "| --- | --- |"] + [f"| {what} | {value} |" for what, value in rows]
        container = nodes.container(classes=["reader-environment"])
        self.state.nested_parse(StringList(lines, source="reproducibility-environment"), self.content_offset, container)
        return [container]


def _enter_recorded_runtime(app: Sphinx, doctree) -> None:
    """Give a chapter that this build did not execute its recorded run time in MyST-NB's statistics."""
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    seconds = recorded_runtimes(Path(app.srcdir), app.config.reader_recorded_runtimes).get("seconds", {})
    name = Path(env.docname).name
    if name not in seconds or NbMetadataCollector.get_exec_data(env, env.docname):
        return
    date = recorded_runtimes(Path(app.srcdir), app.config.reader_recorded_runtimes).get("date")
    mtime = datetime.datetime.fromisoformat(date).timestamp() if date else 0.0
    NbMetadataCollector.set_exec_data(env, env.docname, {
        "mtime": mtime, "runtime": float(seconds[name]), "method": "committed",
        "succeeded": True, "error": None, "traceback": None})


def setup(app: Sphinx) -> dict:
    app.add_config_value("reader_keep_open_tags", ["parameters", "show-input"], "html")
    app.add_config_value("reader_kernel_encryption", True, "env")
    app.connect("env-get-updated", _number_figures_per_chapter, priority=900)
    app.add_post_transform(FoldCodeCells)
    app.connect("builder-inited", _encrypt_kernel_transport)
    app.add_css_file("css/reader-edition.css")
    app.add_config_value("reader_recorded_runtimes", "book/runtimes.json", "env")
    app.add_directive("reproducibility-environment", ReproducibilityEnvironment)
    app.connect("doctree-read", _enter_recorded_runtime)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
