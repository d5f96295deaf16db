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


def _text_pixels(s, x, y, stamped=True, **kw):
    fig = Figure(figsize=(4, 1), dpi=100)
    canvas = FigureCanvasAgg(fig)
    t = fig.text(x, y, s, transform=None, **kw)
    if stamped:
        stamp(t)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _random_texts(n, seed):
    rng = np.random.default_rng(seed)
    strings = ("Slow phase plane at an intake of {} mg/day", "Chard, swiss… {} mg", "HOMA-IR = {}",
               "µU/mL {} β-cell ≤ ≥ fi fl", "Trimagnesium dicitrate ({} %)", "x{}")
    for _ in range(n):
        s = strings[rng.integers(len(strings))].format(rng.integers(1000))
        kw = dict(fontsize=float(rng.choice([7, 8.5, 9, 11, 14])), color=str(rng.choice(["C0", "C1", "#555555"])),
                  alpha=[None, 0.5, 1.0][rng.integers(3)], weight=str(rng.choice(["normal", "bold"])),
                  style=str(rng.choice(["normal", "italic"])))
        yield s, float(rng.uniform(5, 200)), float(rng.uniform(5, 80)), kw


@pytest.mark.skipif(not hasattr(RendererAgg, "_draw_text_glyphs_and_boxes"),
                    reason="glyph bitmaps are cached only where matplotlib renders text glyph by glyph (3.11 on)")
def test_strings_composed_from_cached_glyphs_equal_strings_rasterised_anew(monkeypatch):
    """A new string drawn from cached glyph bitmaps (misses and hits of the glyph cache alike) has exactly the pixels
    of the same string rasterised glyph by glyph; and a stamped text stays within 2 of 255 of a plain one."""
    from mgcourse import _stamped_text

    samples = list(_random_texts(60, seed=14))
    composed = []
    for s, x, y, kw in samples:
        _stamped_text._CACHE.clear()  # the string is new: drawn from glyphs
        composed.append(_text_pixels(s, x, y, **kw))
    assert len(_stamped_text._GLYPHS) > 0
    monkeypatch.setattr(_stamped_text, "_draw_glyphs", lambda *a, **k: False)  # rasterise every glyph anew
    for (s, x, y, kw), pixels in zip(samples, composed):
        _stamped_text._CACHE.clear()
        assert np.array_equal(pixels, _text_pixels(s, x, y, **kw)), s
        plain = _text_pixels(s, x, y, stamped=False, **kw)
        assert np.abs(plain.astype(int) - pixels).max() <= 2, s


@pytest.mark.skipif(not hasattr(RendererAgg, "_draw_text_glyphs_and_boxes"),
                    reason="glyph bitmaps are cached only where matplotlib renders text glyph by glyph (3.11 on)")
def test_a_string_moved_by_whole_pixels_reuses_its_glyphs():
    from mgcourse import _stamped_text

    _text_pixels("Spinach, cooked 157 mg", 40.25, 30.5)
    seen = len(_stamped_text._GLYPHS)
    _stamped_text._CACHE.clear()
    moved = _text_pixels("Spinach, cooked 157 mg", 43.25, 28.5)
    assert len(_stamped_text._GLYPHS) == seen  # no glyph rasterised again
    _stamped_text._CACHE.clear()
    _stamped_text._GLYPHS.clear()
    assert np.array_equal(moved, _text_pixels("Spinach, cooked 157 mg", 43.25, 28.5))


def test_a_stamped_annotation_draws_its_string_from_the_cache(monkeypatch):
    from mgcourse._stamped_text import StampAnnotation

    def figure():
        fig = Figure(figsize=(4, 3), dpi=100)
        ax = fig.add_subplot()
        note = ax.annotate("your portion (85 mg)", xy=(0.2, 0.2), xytext=(0.4, 0.6),
                           arrowprops=dict(arrowstyle="-|>"))
        FigureCanvasAgg(fig)
        return fig, note

    fig, note = figure()
    plain = _pixels(fig)
    fig, note = figure()
    stamp(note)
    assert type(note) is StampAnnotation
    first = _pixels(fig)
    assert np.abs(plain.astype(int) - first).max() <= 2  # the arrow and the string as a plain annotation draws
    calls = []
    original = RendererAgg.draw_text
    monkeypatch.setattr(RendererAgg, "draw_text", lambda self, *a, **k: calls.append(a[3]) or original(self, *a, **k))
    assert np.array_equal(first, _pixels(fig)) and "your portion (85 mg)" not in calls
