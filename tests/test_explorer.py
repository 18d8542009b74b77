"""lib.explorer: precomputed explorers whose sliders switch images without a kernel."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from lib import explorer  # noqa: E402


def _render_calls():
    calls = []

    def render(**values):
        calls.append(values)
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_title(repr(sorted(values.items())))
        return fig

    return render, calls


def test_one_slider_renders_every_value_once_and_links_index_to_stack():
    render, calls = _render_calls()
    box = explorer.static_explorer(render, {"a": [1, 2, 3]}, initial={"a": 3}, labels={"a": "value a"})
    slider, stack = box.children
    assert calls == [{"a": 1}, {"a": 2}, {"a": 3}]
    assert isinstance(slider, widgets.SelectionSlider) and slider.description == "value a"
    assert slider.index == 2 and stack.selected_index == 2
    assert [type(c) for c in stack.children] == [widgets.Image] * 3
    assert "reader-explorer" in box._dom_classes
    (link,) = box.links
    assert type(link).__name__ == "Link"
    assert link.source == (slider, "index") and link.target == (stack, "selected_index")
    # distinct pictures for distinct values, each a valid PNG on a white background
    pngs = [c.value for c in stack.children]
    assert len(set(pngs)) == 3
    picture = Image.open(io.BytesIO(pngs[0])).convert("RGBA")
    assert picture.getpixel((0, 0)) == (255, 255, 255, 255)
    assert not plt.get_fignums(), "the rendered figures must be closed"


def test_two_sliders_nest_stacks_outer_by_first_inner_by_second():
    render, calls = _render_calls()
    box = explorer.static_explorer(render, {"L": [1, 5], "n": [2, 10, 100]}, initial={"L": 5, "n": 10})
    s_L, s_n, outer = box.children
    assert len(calls) == 6 and calls[0] == {"L": 1, "n": 2} and calls[-1] == {"L": 5, "n": 100}
    assert outer.selected_index == 1 and len(outer.children) == 2
    assert all(isinstance(inner, widgets.Stack) and len(inner.children) == 3 for inner in outer.children)
    assert all(inner.selected_index == 1 for inner in outer.children)
    targets = {(id(link.source[0]), id(link.target[0])) for link in box.links}
    assert (id(s_L), id(outer)) in targets
    assert all((id(s_n), id(inner)) in targets for inner in outer.children)
    assert len(box.links) == 3
    # image (L=5, n=100) is the one rendered for that point
    assert outer.children[1].children[2].value != outer.children[0].children[2].value


def test_default_initial_is_first_value_and_float_labels_are_short():
    render, _ = _render_calls()
    box = explorer.static_explorer(render, {"t": [0.1, 0.25]})
    assert box.children[0].index == 0
    assert [label for label, _ in box.children[0].options] == ["0.1", "0.25"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(grid={}), "grid must be a non-empty dict"),
    (dict(grid={"a": []}), "grid\\['a'\\] must be a non-empty list"),
    (dict(grid={"a": "abc"}), "grid\\['a'\\] must be a non-empty list"),
    (dict(grid={"a": [1, 1]}), "must not repeat"),
    (dict(grid={"a": [1], "b": [1], "c": [1], "d": [1]}), "1 to 3 sliders"),
    (dict(grid={"a": list(range(7)), "b": list(range(7))}), "49 points"),
    (dict(grid={"a": [1, 2]}, initial={"a": 5}), "initial\\['a'\\] must be one of"),
    (dict(grid={"a": [1, 2]}, initial={"b": 1}), "initial names sliders that are not in grid"),
    (dict(grid={"a": [1, 2]}, labels={"b": "x"}), "labels names sliders"),
    (dict(grid={"a": [1, 2]}, dpi=5), "dpi must be an integer in"),
    (dict(grid={"a": [1, 2]}, max_images=0), "max_images must be an integer in"),
])
def test_bad_inputs_are_named(kwargs, message):
    render, calls = _render_calls()
    with pytest.raises(ValueError, match=message):
        explorer.static_explorer(render, **kwargs)
    assert calls == []  # checked at the door, before any rendering


def test_render_must_return_a_figure():
    with pytest.raises(ValueError, match="render must return a matplotlib figure"):
        explorer.static_explorer(lambda a: None, {"a": [1]})
    with pytest.raises(ValueError, match="render must be a function"):
        explorer.static_explorer("not callable", {"a": [1]})
