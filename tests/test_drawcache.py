"""Fixed texts and legends drawn from a cached bitmap (mgcourse._drawcache): same pixels, redrawn when they change."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from mgcourse._drawcache import cache_drawing


def _figure():
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.plot([0, 1], [1, 0], label="another line")
    text = ax.text(0.2, 0.5, "moderately obese", fontsize=10)
    legend = ax.legend(loc="lower left")  # a translucent frame (framealpha 0.8)
    FigureCanvasAgg(fig)
    return fig, text, legend


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).astype(int)


def test_cached_drawing_gives_the_same_pixels():
    fig, text, legend = _figure()
    plain = _pixels(fig)
    cache_drawing(text, legend)
    _pixels(fig)  # first sighting of this state: drawn as usual
    first, again = _pixels(fig), _pixels(fig)  # from the bitmap
    assert np.array_equal(first, again)
    # a text is pixel for pixel the same; a translucent legend frame may round 1 of 255 differently
    assert np.abs(first - plain).max() <= 1


def test_a_cached_text_is_not_rendered_again(monkeypatch):
    fig, text, _ = _figure()
    cache_drawing(text)
    fig.canvas.draw()  # drawn as usual
    fig.canvas.draw()  # the same state again: the bitmap is made
    calls = []
    original = RendererAgg.draw_text
    monkeypatch.setattr(RendererAgg, "draw_text", lambda self, *a, **k: calls.append(a[3]) or original(self, *a, **k))
    fig.canvas.draw()
    assert "moderately obese" not in calls


def test_a_changed_text_or_position_is_drawn_anew():
    fig, text, _ = _figure()
    cache_drawing(text)
    _pixels(fig)
    text.set_text("healthy")
    text.set_position((0.5, 0.3))
    cached = _pixels(fig)
    fig2, text2, _ = _figure()
    text2.set_text("healthy")
    text2.set_position((0.5, 0.3))
    assert np.array_equal(cached, _pixels(fig2))


def test_vector_output_keeps_the_text():
    fig, text, legend = _figure()
    cache_drawing(text, legend)
    _pixels(fig)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format="svg")
    svg = out.getvalue().decode()
    assert "moderately obese" in svg and "another line" in svg


def test_only_texts_and_legends():
    fig, _, _ = _figure()
    with pytest.raises(TypeError, match="texts and legends"):
        cache_drawing(fig.axes[0].get_lines()[0])


def test_a_text_that_changes_on_every_draw_never_makes_a_bitmap(monkeypatch):
    """A label with the slider's value changes on every frame: it is drawn as usual (on the canvas's renderer),
    never first into an off-screen bitmap that would not be reused."""
    fig, text, _ = _figure()
    cache_drawing(text)
    fig.canvas.draw()
    renderers = []
    original = RendererAgg.draw_text

    def spy(self, gc, x, y, s, *a, **k):
        if s.startswith("value"):
            renderers.append(self)
        return original(self, gc, x, y, s, *a, **k)

    monkeypatch.setattr(RendererAgg, "draw_text", spy)
    for k in range(4):
        text.set_text(f"value {k}")
        fig.canvas.draw()
    assert len(renderers) == 4 and all(r is fig.canvas.get_renderer() for r in renderers)
