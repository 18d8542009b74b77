"""Explorers whose sliders respond in the static book: every answer precomputed, switched client-side.

A chapter's "Explorer" lets a reader move sliders and see the figure change. In
the built HTML there is no kernel, so :func:`static_explorer` renders the figure
for *every* point of a small slider grid while the notebook executes, keeps each
as a PNG in an ``ipywidgets.Image``, and stacks them in ``ipywidgets.Stack``
widgets whose ``selected_index`` is tied to the sliders' ``index`` with
``widgets.jslink``. ``jslink`` runs in the browser's widget manager, so the
embedded widget state (stored in the notebook, rendered by MyST-NB) switches the
image with no kernel; in a live Jupyter session the same widgets work unchanged.

For two sliders the stacks nest: the outer ``Stack`` is indexed by the first
slider, each of its children is an inner ``Stack`` over the second slider's
values, every inner one jslinked to the second slider (and so on for a third).

Page weight: one PNG per grid point, base64 in the page (x 4/3). Measured for
Chapter 4's explorer (a 6 x 3 inch histogram at the default ``dpi=72``): 8.8 KB
per image, so a 5 x 4 grid adds 234 KB to its page and took 11 s to render on
the loaded 2-core reference machine. ``max_images`` (default 48) refuses larger grids.

Recipe: converting a chapter's ``widgets.interact`` explorer
------------------------------------------------------------
1. Keep the drawing function, but make it take the slider values as keyword
   arguments and **return the figure** instead of calling ``plt.show()``::

       def show_losses(L, n):
           s = maxlikelihood.sample(...)
           fig, ax = plt.subplots(figsize=(6, 3))
           ...
           return fig            # was: plt.show()

2. Replace the ``widgets.interact(...)`` call by one call, as the cell's last
   line (the grid is the list of values each slider offers; keep it small --
   the number of images is the product of the list lengths)::

       from lib import explorer

       explorer.static_explorer(
           show_losses,
           {"L": [1, 2, 3, 5, 10, 20, 40, 60], "n": [2, 10, 100, 1000]},
           initial={"L": 10, "n": 10},
           labels={"L": "depth L", "n": "width n"},
       )

   Draw randomness from a dedicated generator (``explorer_rng =
   np.random.default_rng(seed + 1)``) as before: the grid is rendered in a
   fixed order (first slider outermost), so the images are reproducible.
3. Keep the cell's ``nbval-ignore-output`` tag, re-execute the chapter with
   ``scripts/execute_notebooks.py`` (it stores the widget state), and check the
   page: moving a slider swaps the image. The cell's own inline figures are
   closed, so only the explorer shows.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from lib import explorer
>>> def render(a):
...     fig, ax = plt.subplots(figsize=(2, 1))
...     ax.plot([0, 1], [0, a])
...     return fig
>>> box = explorer.static_explorer(render, {"a": [1, 2, 3]}, initial={"a": 2})
>>> [type(w).__name__ for w in box.children]
['SelectionSlider', 'Stack']
>>> box.children[1].selected_index
1
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence

MAX_SLIDERS = 3


def render_png(fig, *, dpi: int = 72) -> bytes:
    """Return the PNG bytes of a matplotlib figure on a white background, and close the figure."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _check_grid(grid, initial, labels, max_images: int) -> tuple[list[str], dict, dict]:
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must be a non-empty dict of slider name -> list of values; got {grid!r}")
    names = list(grid)
    if len(names) > MAX_SLIDERS:
        raise ValueError(f"grid must have 1 to {MAX_SLIDERS} sliders; got {len(names)}: {names}")
    for name in names:
        values = grid[name]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty list of values; got {values!r}")
        if len(set(map(repr, values))) != len(values):
            raise ValueError(f"grid[{name!r}] must not repeat a value; got {list(values)!r}")
    count = math.prod(len(grid[name]) for name in names)
    if count > max_images:
        raise ValueError(f"grid has {count} points; the explorer renders one image per point and "
                         f"max_images is {max_images} (pass a larger max_images or a coarser grid)")
    initial = dict(initial or {})
    unknown = set(initial) - set(names)
    if unknown:
        raise ValueError(f"initial names sliders that are not in grid: {sorted(unknown)} (grid has {names})")
    for name in names:
        value = initial.setdefault(name, grid[name][0])
        if value not in list(grid[name]):
            raise ValueError(f"initial[{name!r}] must be one of grid[{name!r}] = {list(grid[name])!r}; got {value!r}")
    labels = dict(labels or {})
    unknown = set(labels) - set(names)
    if unknown:
        raise ValueError(f"labels names sliders that are not in grid: {sorted(unknown)} (grid has {names})")
    return names, initial, labels


def static_explorer(render: Callable, grid: Mapping[str, Sequence], initial: Mapping | None = None, *,
                    labels: Mapping[str, str] | None = None, dpi: int = 72, max_images: int = 48):
    """Precompute ``render(**values)`` over a slider grid; return widgets that switch images client-side.

    Parameters
    ----------
    render : callable
        ``render(**values)`` draws one grid point and returns a matplotlib
        ``Figure`` (it is saved as PNG and closed here).
    grid : dict
        Slider name -> list of the values it offers (1 to 3 sliders; the name is
        the keyword passed to ``render``). Sliders appear in this order.
    initial : dict, optional
        Starting value of each slider (must be in its list); default the first value.
    labels : dict, optional
        Slider name -> the label shown next to it (default: the name).
    dpi : int
        Resolution of the precomputed PNGs (72 keeps a 6 x 3 inch figure near 20 KB).
    max_images : int
        Refuse grids with more points than this (page weight; default 48).

    Returns
    -------
    ipywidgets.VBox
        The sliders (``SelectionSlider``) followed by the nested ``Stack`` of
        ``Image`` widgets; it carries the CSS class ``reader-explorer``. Display
        it as the cell's last expression.
    """
    import ipywidgets as widgets

    if not callable(render):
        raise ValueError(f"render must be a function returning a matplotlib figure; got {render!r}")
    dpi = _check_int("dpi", dpi, 20, 300)
    max_images = _check_int("max_images", max_images, 1, 1000)
    names, initial, labels = _check_grid(grid, initial, labels, max_images)

    sliders = []
    for name in names:
        values = list(grid[name])
        sliders.append(widgets.SelectionSlider(
            options=[(_label(v), v) for v in values], index=values.index(initial[name]),
            description=labels.get(name, name), continuous_update=True,
            style={"description_width": "initial"}, layout=widgets.Layout(width="420px")))

    links = []

    def build(level: int, fixed: dict):
        name = names[level]
        children = []
        for value in grid[name]:
            point = {**fixed, name: value}
            if level + 1 < len(names):
                children.append(build(level + 1, point))
            else:
                fig = render(**point)
                if not hasattr(fig, "savefig"):
                    raise ValueError(f"render must return a matplotlib figure; for {point} it returned {fig!r}")
                children.append(widgets.Image(value=render_png(fig, dpi=dpi), format="png"))
        stack = widgets.Stack(children, selected_index=sliders[level].index)
        links.append(widgets.jslink((sliders[level], "index"), (stack, "selected_index")))
        return stack

    stack = build(0, {})
    box = widgets.VBox([*sliders, stack])
    box.add_class("reader-explorer")
    box.links = links  # keep the links (also registered with the widget manager)
    return box


def _check_int(name: str, value, low: int, high: int) -> int:
    from lib._validate import check_int

    return check_int(name, value, low=low, high=high)


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
