"""Fixed labels and legends drawn from a cached bitmap on Agg canvases (issue 14: live panels).

A live panel redraws its animated artists on every control change (blitting, see :mod:`mgcourse.widgets`). A
label or legend that a moving curve can cross must be animated too, so that it stays on top, although it never
changes; matplotlib 3.11 lays out and renders every glyph of a text on each draw (0.1-0.2 ms per character on the
course's machine class), so a few such texts cost more than the rest of the frame.

:func:`cache_drawing` makes an artist draw on an Agg renderer (the live canvas, PNG output) from a bitmap that is
rendered once for its current state (its text, its position on the canvas, the canvas size and resolution) and
then pasted: the same pixels (at most 1 of 255 apart where a legend frame is translucent) in a fraction of a
millisecond. A state is drawn as usual the first time and made into a bitmap the second time in a row, so an
artist whose text changes on every frame costs nothing extra; vector output (PDF, SVG) draws the artist as usual.
The live panels apply it to every animated legend (:class:`mgcourse.widgets._Blitter`).

Only for artists whose look is set once: the key covers the text, the colour, the position and, for a legend,
its texts and anchor, not every property (a legend with ``loc="best"`` moves with the data: do not cache it).
"""

from __future__ import annotations

import numpy as np

#: Bitmaps kept per artist (the live canvas and the static PNG of the same figure differ in resolution).
_KEEP = 4


def _text_key(text) -> tuple:
    xy = text.get_transform().transform(text.get_unitless_position())
    return (text.get_text(), round(float(xy[0]), 3), round(float(xy[1]), 3), text.get_rotation(),
            str(text.get_color()), hash(text.get_fontproperties()), text.get_ha(), text.get_va(), text.get_alpha())


def _legend_key(legend) -> tuple:
    return (tuple(t.get_text() for t in legend.get_texts()), tuple(legend.get_bbox_to_anchor().bounds),
            legend._loc)


def _state_key(artist) -> tuple:
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    if isinstance(artist, Text):
        return _text_key(artist)
    if isinstance(artist, Legend):
        return _legend_key(artist)
    raise TypeError(f"cache_drawing caches texts and legends, got {type(artist).__name__}")


def cache_drawing(*artists) -> None:
    """Make each text or legend in ``artists`` draw from a cached bitmap on Agg renderers (see the module)."""
    for artist in artists:
        _cache_one(artist)


def _cache_one(artist) -> None:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text

    _state_key(artist)  # an artist of another kind fails now, not at its first draw
    if getattr(artist, "_mgcourse_cached_draw", False):
        return  # already drawing from a cache
    draw = artist.draw  # the bound method of the artist's class
    cache: dict = {}
    last = [None]  # the state drawn last: a bitmap is made the second time a state is drawn in a row

    def cached_draw(renderer, *args, **kwargs):
        if not isinstance(renderer, RendererAgg) or not artist.get_visible() or args or kwargs:
            return draw(renderer, *args, **kwargs)
        width, height = int(renderer.width), int(renderer.height)
        key = (width, height, renderer.dpi, _state_key(artist))
        hit = cache.get(key)
        if hit is None and key != last[0]:
            # a state seen for the first time is drawn as usual: an artist that changes on every frame (a label
            # with the slider's value) never pays for a bitmap it would not reuse
            last[0] = key
            draw(renderer)
            return
        if hit is None:
            off = RendererAgg(width, height, renderer.dpi)  # transparent
            draw(off)
            for text in artist.findobj(Text):  # a text keeps the renderer it was drawn with: the canvas's one
                if getattr(text, "_renderer", None) is off:
                    text._renderer = renderer
            rgba = np.asarray(off.buffer_rgba())
            rows = np.flatnonzero(rgba[..., 3].any(axis=1))
            cols = np.flatnonzero(rgba[..., 3].any(axis=0))
            if rows.size:
                r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                # draw_image takes the bottom row first and the lower-left corner from the canvas's bottom
                hit = (int(c0), height - int(r1), np.ascontiguousarray(rgba[r0:r1, c0:c1][::-1]))
            else:
                hit = ()
            if len(cache) >= _KEEP:
                cache.pop(next(iter(cache)))
            cache[key] = hit
        if hit:
            gc = renderer.new_gc()
            renderer.draw_image(gc, hit[0], hit[1], hit[2])
            gc.restore()
        last[0] = key
        artist.stale = False

    artist.draw = cached_draw
    artist._mgcourse_cached_draw = True
