"""Blitting on the live canvas (issue 14): a control change redraws only the artists a view lists in
``View.animated`` over a cached background. These tests check that this is *correct*, not how fast it is
(speed is reported by ``python -m mgcourse.tools.bench``, never asserted):

* a blitted frame is pixel for pixel the frame a full redraw of the same state gives (so a static artist that an
  updater changed without saying so is caught: the panel must notice and draw the whole figure);
* it differs from the figure drawn without blitting (true z-order, what the static copy shows) in almost no pixel
  (an animated line drawn over a legend or a label would show here);
* the panels that declare animated artists do blit most slider moves.
"""

import numpy as np
import pytest

from mgcourse import widgets

pytest.importorskip("ipympl")

REGISTRY = widgets.discover()


def _slider_walk(spec, n, seed):
    """Parameter sets changing only sliders (a dropdown may change the whole case: a full draw is right)."""
    sliders = [k for k, c in spec.controls.items() if isinstance(c, widgets.Slider)]
    d = spec.defaults()
    walk = [{**d, **{k: p[k] for k in sliders}} for p in spec.walk(4 * n, seed=seed)]
    out = []
    for p in walk:
        if p != (out[-1] if out else d):
            out.append(p)
    return out[:n], sliders


def _live_panel(name, monkeypatch):
    widgets._import_ipympl_keeping_backend()
    cls = widgets._panel_canvas_class()
    monkeypatch.setattr(cls, "send", lambda self, *a, **k: None)  # no front end: frames go nowhere
    p = widgets.build_panel(name, mode="ipympl")
    assert p.canvas is not None, f"{name}: no live canvas"
    p.canvas.syncing_data_url = False
    p.canvas.draw()  # what the browser asks for first: a full draw, which caches the background
    return p


def _pixels(canvas):
    return np.asarray(canvas.get_renderer().buffer_rgba()).copy()


BLITTING = sorted(n for n, s in REGISTRY.items() if s.update is not None)
WITH_SLIDERS = [n for n in BLITTING if any(isinstance(c, widgets.Slider) for c in REGISTRY[n].controls.values())]


def _walk(spec, n, seed):
    """Parameter sets as a learner makes them (one control changed per step; text boxes keep their default)."""
    out = []
    for p in spec.walk(2 * n, seed=seed):
        if p != (out[-1] if out else spec.defaults()):
            out.append(p)
    return out[:n]


def test_blitter_draws_only_when_the_background_is_valid(monkeypatch):
    """A toy panel: the line moves by blitting; moving an axis limit or retitling forces a full draw."""
    from mgcourse.style import new_figure

    def build(k):
        fig, ax = new_figure(figsize=(5, 3))
        x = np.linspace(0, 10, 50)
        (line,) = ax.plot(x, np.sin(k * x), label="sine")
        ax.set_ylim(-1.2, 1.2)
        ax.set_xlabel("x (units)")
        ax.legend(loc="lower left")  # static: no curve reaches it
        return widgets.View(figure=fig, alt="a line", artists={"line": line, "ax": ax, "x": x}, animated=(line,))

    def update(view, k):
        a = view.artists
        a["line"].set_ydata(np.sin(k * a["x"]))
        if k > 2:
            a["ax"].set_ylim(-2, 2)  # a limit moves: the background is stale
        if k > 3 and a["ax"].get_title() != "changed":
            a["ax"].set_title("changed")  # a static text changes: stale too (set_title marks it stale, always)
        if k > 4:
            a["ax"].get_legend().get_texts()[0].set_text("sine, k > 4")  # a static legend's text changes
        return widgets.View(figure=view.figure, alt="a line", artists=a, animated=view.animated)

    spec = widgets.WidgetSpec("zz.toy", build, {"k": widgets.Slider("k (units)", 0.5, 5, 1, 0.5)}, "toy", update)
    monkeypatch.setitem(widgets.REGISTRY, "zz.toy", spec)
    p = _live_panel("zz.toy", monkeypatch)
    for k in (1.5, 2.0):
        p.controls["k"].value = k
    assert p._blit.frames["blit"] == 2, p._blit.frames
    p.controls["k"].value = 2.5  # ylim changes
    assert p._blit.frames["blit"] == 2, "a changed axis limit must force a full draw"
    p.controls["k"].value = 3.5  # title changes (ylim stays)
    assert p._blit.frames["blit"] == 2, "a changed static text must force a full draw"
    frame = _pixels(p.canvas)
    p.controls["k"].value = 4.0  # nothing static changes now
    assert p._blit.frames["blit"] == 3
    assert not np.array_equal(frame, _pixels(p.canvas)), "the blitted frame did not change"
    p.controls["k"].value = 4.5  # the legend's text changes (a legend is not marked stale by its texts)
    assert p._blit.frames["blit"] == 3, "a changed legend text must force a full draw"
    p.controls["k"].value = 5.0
    assert p._blit.frames["blit"] == 4


@pytest.mark.parametrize("name", BLITTING)
def test_blitted_frame_equals_a_full_redraw(name, monkeypatch):
    spec = REGISTRY[name]
    p = _live_panel(name, monkeypatch)
    if not p.view.animated:
        pytest.skip(f"{name} lists no animated artists: every change redraws the whole figure")
    compared = 0
    for params in _walk(spec, 8, seed=11):
        before = p._blit.frames["blit"]
        for k, v in params.items():
            p.controls[k].value = v
        if p.current.error:  # a message and no figure (e.g. a value typed in the wrong unit): nothing to compare
            continue
        compared += p._blit.frames["blit"] > before
        blitted = _pixels(p.canvas)
        p.canvas.draw()  # full redraw of the same state (the animated artists drawn on top, as on screen)
        full = _pixels(p.canvas)
        assert blitted.shape == full.shape
        # allow 1 of 255 (rounding); a stale background differs by far more
        differ = int((np.abs(blitted.astype(int) - full.astype(int)) > 1).any(axis=2).sum())
        assert differ == 0, (f"{name} at {params}: the blitted frame differs from a full redraw in {differ} pixels "
                             "(a non-animated artist changed without the panel noticing?)")
    # otherwise every comparison above was a full draw against a full draw, and the test would prove nothing
    assert compared > 0, f"{name}: no move of the walk was blitted"


@pytest.mark.parametrize("name", BLITTING)
def test_blitted_frame_matches_the_static_figure(name, monkeypatch):
    """Drawn over the background, the animated artists land on top of everything; compared with the figure drawn
    in true z-order (what savefig and the static copy show), almost no pixel may differ."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    spec = REGISTRY[name]
    p = _live_panel(name, monkeypatch)
    if not p.view.animated:
        pytest.skip(f"{name} lists no animated artists")
    for params in _walk(spec, 4, seed=5):
        for k, v in params.items():
            p.controls[k].value = v
        live = _pixels(p.canvas)
        fig = p.fig
        animated = p._blit.animated
        for a in animated:
            a.set_animated(False)
        try:
            agg = FigureCanvasAgg(fig)
            fig.set_canvas(agg)
            agg.draw()
            ref = np.asarray(agg.buffer_rgba()).copy()
        finally:
            fig.set_canvas(p.canvas)
            for a in animated:
                a.set_animated(True)
        if ref.shape != live.shape:
            pytest.fail(f"{name}: static and live figures differ in size {ref.shape} vs {live.shape}")
        differ = (np.abs(ref.astype(int) - live.astype(int)) > 1).any(axis=2)
        share = float(differ.mean())
        # where a line crosses a spine or a reference line the order may differ (a few pixels); over a static text
        # or legend it must not: a curve would strike the words through
        assert share < 0.01, f"{name} at {params}: {share:.2%} of pixels differ from the figure in true z-order"
        struck = []
        for text in _static_texts(fig, animated, p.canvas.get_renderer()):
            x0, y0, x1, y1 = (int(round(v)) for v in text.get_window_extent().extents)
            h = differ.shape[0]
            box = differ[max(0, h - y1):max(0, h - y0), max(0, x0):max(0, x1)]
            if box.size and box.mean() > 0.02:
                struck.append(f"{type(text).__name__} {getattr(text, 'get_text', lambda: '')()!r} ({box.mean():.0%})")
        assert not struck, (f"{name} at {params}: animated artists are drawn over static text: {struck}; list the "
                            "text (or legend) in View.animated so that it is drawn on top")


def _static_texts(fig, animated, renderer):
    """Visible, non-empty texts and legends that are drawn into the background (not animated)."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    anim = {id(a) for a in animated}
    out = []
    for a in fig.findobj(lambda a: isinstance(a, (Text, Legend))):
        if id(a) in anim or not a.get_visible() or (isinstance(a, Text) and not a.get_text().strip()):
            continue
        if isinstance(a, Text) and any(id(p) in anim for p in _parents(a)):
            continue  # a legend's own texts go with the legend
        out.append(a)
    return out


def _parents(artist):
    """The legend a text belongs to, if any (legend texts are children of the legend's boxes)."""
    from matplotlib.legend import Legend

    ax = artist.axes
    legends = [ax.get_legend()] if ax is not None and ax.get_legend() is not None else []
    legends += list(artist.figure.legends) if artist.figure is not None else []
    return [lg for lg in legends if isinstance(lg, Legend) and artist in lg.get_texts() + [lg.get_title()]]


@pytest.mark.parametrize("name", WITH_SLIDERS)
def test_slider_moves_are_blitted(name, monkeypatch):
    spec = REGISTRY[name]
    p = _live_panel(name, monkeypatch)
    if not p.view.animated:
        pytest.skip(f"{name} lists no animated artists")
    walk, _ = _slider_walk(spec, 10, seed=7)
    for params in walk:
        for k, v in params.items():
            p.controls[k].value = v
    frames = p._blit.frames
    assert frames["blit"] >= 0.7 * len(walk), (f"{name}: only {frames['blit']} of {len(walk)} slider moves were "
                                               f"blitted ({frames}); are the axes limits fixed?")


# ----------------------------------------------------------------------------- frames and readouts

def test_png_frames_are_lossless():
    """A live canvas's PNG frames (widgets.png_rgba) decode to exactly the pixels sent, whatever they hold."""
    import io

    from PIL import Image

    rng = np.random.default_rng(14)
    noise = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    sparse = np.zeros((120, 90, 4), np.uint8)  # a diff frame: transparent except the changed pixels
    sparse[40:60, 10:80] = rng.integers(0, 256, size=(20, 70, 4), dtype=np.uint8)
    flat = np.full((8, 300, 4), 255, np.uint8)
    for pixels in (noise, sparse, flat, np.zeros((1, 1, 4), np.uint8)):
        data = widgets.png_rgba(pixels)
        back = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
        assert back.shape == pixels.shape and np.array_equal(back, pixels)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4), np.float64),
                                 np.zeros((4, 4), np.uint8)])
def test_png_frames_refuse_what_is_not_rgba(bad):
    with pytest.raises(ValueError, match="pixels: expected an .height, width, 4. uint8 RGBA array"):
        widgets.png_rgba(bad)


def test_a_live_frame_decodes_to_the_canvas_pixels(monkeypatch):
    """The frame a slider move sends, drawn over the last one as the page does, gives the canvas's pixels."""
    import io

    from PIL import Image

    p = _live_panel("02.receptor_toy", monkeypatch)
    frames = []
    monkeypatch.setattr(type(p.canvas), "send_binary", lambda self, data: frames.append(data))
    p.canvas._force_full = True
    p.canvas._png_is_old = True
    p.canvas.manager.refresh_all()
    shown = np.asarray(Image.open(io.BytesIO(frames[-1])).convert("RGBA")).copy()
    key = next(k for k, c in REGISTRY["02.receptor_toy"].controls.items() if isinstance(c, widgets.Slider))
    w = p.controls[key]
    w.value = w.value + w.step if w.value + w.step <= w.max else w.value - w.step
    diff = np.asarray(Image.open(io.BytesIO(frames[-1])).convert("RGBA"))
    changed = diff.view(np.uint32)[..., 0] != 0
    assert changed.any(), "the move sent an empty frame"
    shown[changed] = diff[changed]  # the page draws the diff frame over the last one
    assert np.array_equal(shown, _pixels(p.canvas))


def _readout_texts(panel):
    return [r["data"].get("text/markdown", "") for r in panel.text.outputs]


def test_the_readout_follows_the_frame_and_shows_where_the_slider_rests(monkeypatch):
    """In a kernel (a running event loop) a slider move sends the frame at once and the readout after
    READOUT_DELAY_S; moves within the delay replace the pending readout; without a loop it is immediate."""
    import asyncio

    name = "01.clearance"
    key = next(k for k, c in REGISTRY[name].controls.items() if isinstance(c, widgets.Slider))
    p = _live_panel(name, monkeypatch)
    w = p.controls[key]
    first = _readout_texts(p)
    assert first and first[0], "no readout on the first display"
    renders = []
    original = widgets.Panel._render_text
    monkeypatch.setattr(widgets.Panel, "_render_text", lambda self, view: (renders.append(view.text),
                                                                           original(self, view)))

    async def moves():
        for _ in range(3):
            w.value = w.value + w.step
            assert _readout_texts(p) == first, "the readout was rendered before the frame had time to be drawn"
        await asyncio.sleep(widgets.READOUT_DELAY_S + 0.1)

    asyncio.run(moves())
    assert len(renders) == 1, f"{len(renders)} readouts rendered for 3 quick moves (expected the last one only)"
    expected = widgets.safe_call(REGISTRY[name].func, **p.params()).text
    assert _readout_texts(p) == [expected]
    w.value = w.value + w.step  # no running loop (plain Python): at once
    assert _readout_texts(p) == [widgets.safe_call(REGISTRY[name].func, **p.params()).text]
