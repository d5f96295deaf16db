"""Texts drawn from cached bitmaps of their strings (mgcourse._stamped_text): what the live panels redraw on every
frame. Same pixels as a plain Text; a new string is rasterised anew; vector output keeps real text."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from mgcourse._stamped_text import StampText, stamp


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
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_stamped_text_draws_the_same_pixels_as_a_text():
    def pixels(stamped):
        fig = Figure(figsize=(3, 1), dpi=100)
        canvas = FigureCanvasAgg(fig)
        t = fig.text(50.0, 40.0, "Chard, swiss… 157 mg", transform=None, alpha=0.8, color="C1",
                     bbox=dict(facecolor="yellow", edgecolor="none", pad=1.0))
        if stamped:
            stamp(t)
            assert type(t) is StampText
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    plain = pixels(False)
    assert np.array_equal(plain, pixels(True)) and np.array_equal(plain, pixels(True))  # a miss, then a hit


def test_a_stamped_legend_and_label_look_the_same():
    fig, text, legend = _figure()
    plain = _pixels(fig)
    stamp(text, *legend.get_texts())
    assert np.array_equal(plain, _pixels(fig)) and np.array_equal(plain, _pixels(fig))


def test_a_stamped_string_is_not_rasterised_again(monkeypatch):
    fig, text, _ = _figure()
    stamp(text)
    fig.canvas.draw()
    calls = []
    original = RendererAgg.draw_text
    monkeypatch.setattr(RendererAgg, "draw_text", lambda self, *a, **k: calls.append(a[3]) or original(self, *a, **k))
    fig.canvas.draw()
    assert "moderately obese" not in calls


def test_a_changed_text_or_position_is_drawn_anew():
    fig, text, _ = _figure()
    stamp(text)
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
    stamp(text, *legend.get_texts())
    _pixels(fig)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format="svg")
    svg = out.getvalue().decode()
    assert "moderately obese" in svg and "another line" in svg


def test_live_panels_stamp_their_animated_texts(monkeypatch):
    """The Blitter stamps every animated text and every animated legend's texts (they are redrawn every frame)."""
    pytest.importorskip("ipympl")
    from mgcourse import widgets

    widgets._import_ipympl_keeping_backend()
    monkeypatch.setattr(widgets._panel_canvas_class(), "send", lambda self, *a, **k: None)
    p = widgets.build_panel("02.receptor_toy", mode="ipympl")
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    texts = [t for a in p._blit.animated for t in ((*a.get_texts(), a.get_title()) if isinstance(a, Legend) else (a,))
             if isinstance(t, Text)]
    assert texts and all(type(t) is StampText for t in texts)
