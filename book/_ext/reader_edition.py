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
* **Kernel transport.** MyST-NB executes notebooks through jupyter-cache and
  nbclient, which start each kernel with jupyter_client's default TCP
  transport and no way to pass configuration; ipykernel then logs "Kernel is
  running over TCP without encryption" once per chapter. The kernels run on the
  build machine only, so the build switches jupyter_client's configurable
  ``transport`` default to ``ipc`` (Unix domain sockets in the Jupyter runtime
  directory, not reachable from the network), which is what the warning asks for.
* **Dark mode.** ``reader-edition.css`` puts figures on a white card in the
  theme's dark mode (matplotlib's inline backend writes transparent PNGs with
  black text).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

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
def _kernels_over_ipc(app: Sphinx) -> None:
    if not app.config.reader_kernel_ipc:
        return
    from jupyter_client.connect import ConnectionFileMixin

    ConnectionFileMixin.class_traits()["transport"].default_value = "ipc"


def setup(app: Sphinx) -> dict:
    app.add_config_value("reader_keep_open_tags", ["parameters", "show-input"], "html")
    app.add_config_value("reader_kernel_ipc", True, "env")
    app.connect("env-get-updated", _number_figures_per_chapter, priority=900)
    app.add_post_transform(FoldCodeCells)
    app.connect("builder-inited", _kernels_over_ipc)
    app.add_css_file("css/reader-edition.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
