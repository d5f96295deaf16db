"""Texts that redraw from a cached bitmap (issue 14: a live panel redraws its changing texts on every move).

matplotlib 3.11 lays out and rasterises every string on every draw, glyph by glyph: a 35-character label costs
about 5 ms on this machine class, so a panel that redraws ten food names over its cached background spends
50 ms on text alone. :func:`stamp` makes texts draw as they always do, but on the Agg renderer the rasterised
string is kept as a small RGBA image, keyed by everything that decides its pixels (string, font, size, colour,
alpha, dpi, hinting, and the fraction of a pixel where it starts); drawing the same string again is one image
copy (a fraction of a millisecond). A new string (a label that carries a slider's value) is composed from cached
glyph bitmaps (matplotlib 3.11 on: :func:`_draw_glyphs`), so only its layout is computed anew. Other renderers
(PDF, SVG, Cairo), rotated texts, mathtext and path effects draw as plain Texts.

The string is composed on a transparent bitmap and then composited: where two glyphs of one string overlap (small
or italic type), a pixel can differ from a plain Text's by 1-2 of 255 (about 1 string in 15 in
``tests/test_stamped_text.py``'s random sample; invisible). Composing from cached glyphs gives exactly the
pixels of rasterising the string glyph by glyph.

Every draw of a stamped text goes through the same path (the live canvas's blitted frames, its full draws and
``savefig``), so a blitted frame equals a full redraw pixel for pixel.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import matplotlib as mpl
import numpy as np
from matplotlib.text import Annotation, Text

#: Rasterised strings kept (each a few kB to a few tens of kB); the least recently used go first.
CACHE_SIZE = 512
_CACHE: OrderedDict = OrderedDict()


class _Stamped:
    """The cached Agg drawing of :class:`StampText` and :class:`StampAnnotation` (see the module docstring)."""

    def draw(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg

        if (not isinstance(renderer, RendererAgg) or self.get_path_effects() or self.get_usetex()
                or not self.get_visible() or not self.get_text()):
            return super().draw(renderer)
        own = renderer.__dict__.get("draw_text")  # Text.draw calls renderer.draw_text once per line
        plain = renderer.draw_text

        def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or angle % 360:
                return plain(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return _draw_stamp(renderer, gc, x, y, s, prop, mtext)

        renderer.draw_text = draw_text
        try:
            return super().draw(renderer)
        finally:
            if own is None:
                del renderer.draw_text
            else:
                renderer.draw_text = own


class StampText(_Stamped, Text):
    """A :class:`matplotlib.text.Text` whose Agg rendering is cached (see the module docstring)."""


class StampAnnotation(_Stamped, Annotation):
    """A :class:`matplotlib.text.Annotation` whose text is drawn from the cache (its arrow is drawn as usual)."""


def stamp(*texts) -> None:
    """Make plain Texts and Annotations (an axes title, a legend's labels, ``ax.text`` and ``ax.annotate``
    results) draw their strings through the bitmap cache.

    Only instances of :class:`~matplotlib.text.Text` and :class:`~matplotlib.text.Annotation` themselves change
    class (a subclass keeps its own draw).
    """
    for t in texts:
        if type(t) is Text:
            t.__class__ = StampText
        elif type(t) is Annotation:
            t.__class__ = StampAnnotation


def _metrics(renderer, s, prop):
    """Width, height and descent of ``s`` in pixels, from the cache Text's own layout has just filled."""
    try:
        from matplotlib.text import _get_text_metrics_with_cache

        return _get_text_metrics_with_cache(renderer, s, prop, False, renderer.dpi)
    except (ImportError, TypeError):  # another matplotlib: measure again
        return renderer.get_text_width_height_descent(s, prop, False)


def _draw_stamp(renderer, gc, x, y, s, prop, mtext) -> None:
    """Draw string ``s`` with its baseline start at (x, y) (pixels, y downwards) from the cached bitmap."""
    from matplotlib.backends.backend_agg import RendererAgg

    # font features and language exist from matplotlib 3.10/3.11 on
    features = getattr(mtext, "get_fontfeatures", lambda: None)() if mtext is not None else None
    language = getattr(mtext, "get_language", lambda: None)() if mtext is not None else None
    # glyphs are placed at sub-pixel positions: the bitmap is made for the position's fraction of a pixel (a text
    # that stays where it is always hits; one that moves by whole pixels hits too), so it is pixel-exact
    fx, fy = x - math.floor(x), y - math.floor(y)
    key = (s, round(fx, 6), round(fy, 6), hash(prop), prop.get_size_in_points(), renderer.dpi, tuple(gc.get_rgb()),
           gc.get_alpha(),
           gc.get_forced_alpha(), gc.get_antialiased(), mpl.rcParams["text.hinting"],
           mpl.rcParams["text.hinting_factor"], tuple(features) if features else None, language)
    hit = _CACHE.get(key)
    if hit is None:
        width, height, descent = _metrics(renderer, s, prop)
        margin = int(math.ceil(2 + 0.3 * prop.get_size_in_points() * renderer.dpi / 72.0))  # glyph overhang
        ascent = int(math.ceil(height - descent))
        w = int(math.ceil(width)) + 2 * margin
        h = ascent + int(math.ceil(descent)) + 2 * margin
        sub = RendererAgg(w, h, renderer.dpi)
        gc_sub = sub.new_gc()
        gc_sub.copy_properties(gc)
        gc_sub.set_clip_rectangle(None)
        gc_sub.set_clip_path(None)
        if not _draw_glyphs(sub, gc_sub, margin + fx, margin + ascent + fy, s, prop, features, language):
            RendererAgg.draw_text(sub, gc_sub, margin + fx, margin + ascent + fy, s, prop, 0, ismath=False,
                                  mtext=mtext)
        gc_sub.restore()
        image = np.asarray(sub.buffer_rgba())
        rows = np.flatnonzero(image[:, :, 3].any(axis=1))
        cols = np.flatnonzero(image[:, :, 3].any(axis=0))
        if rows.size:  # keep only the inked part: less to copy on every draw
            image = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
            hit = (np.ascontiguousarray(image), int(cols[0]) - margin, margin + ascent - int(rows[0]))
        else:
            hit = (None, 0, 0)
        _CACHE[key] = hit
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    image, dx, above = hit
    if image is None:  # blanks only
        return
    left = math.floor(x) + dx
    top = math.floor(y) - above  # pixel rows from the top of the canvas
    gc_img = renderer.new_gc()
    gc_img.copy_properties(gc)
    gc_img.set_alpha(1.0)  # the bitmap carries the text's alpha already
    renderer.draw_image(gc_img, left, renderer.height - top - image.shape[0], image[::-1])
    gc_img.restore()


# --------------------------------------------------------------------------- glyphs
#: Rasterised glyphs kept (each a few hundred bytes): a new string (a slider value in a label) is then composed
#: from the glyphs of strings drawn before, instead of being rasterised glyph by glyph again.
GLYPH_CACHE_SIZE = 4096
_GLYPHS: OrderedDict = OrderedDict()


def _draw_glyphs(renderer, gc, x, y, s, prop, features, language) -> bool:
    """Draw ``s`` as matplotlib 3.11's ``RendererAgg.draw_text`` does (angle 0), each glyph's bitmap from a cache.

    matplotlib 3.11 lays a string out (:meth:`FT2Font._layout`), then renders each glyph with FreeType at its
    position in 1/64 pixel and composites the bitmap at whole pixels. A glyph's bitmap depends on its font
    object, size, dpi, load flags, antialiasing and the fraction of a pixel where it starts; moved by whole
    pixels it is the same bitmap, shifted. So the bitmap is made once for the fraction and reused: pixel for
    pixel what ``draw_text`` draws. Returns False (nothing drawn) where this matplotlib draws text otherwise.
    """
    try:
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode
    except ImportError:
        return False
    if not hasattr(renderer, "_draw_text_glyphs_and_boxes"):
        return False
    font = renderer._prepare_font(prop)
    if not (hasattr(font, "_layout") and hasattr(font, "_render_glyph") and hasattr(font, "_set_transform")):
        return False
    flags = get_hinting_flag()
    items = font._layout(s, flags=flags, features=features, language=language)
    size, dpi, aa = prop.get_size_in_points(), renderer.dpi, gc.get_antialiased()
    height = int(renderer.height)
    draw = renderer._renderer.draw_text_image
    for item in items:
        ft = item.ft_object
        # the glyph's origin in 1/64 pixel, as matplotlib computes it (FreeType's y is upwards)
        px, py = round(0x40 * (x + item.x)), round(0x40 * (renderer.height - y + item.y))
        key = (id(ft), size, dpi, item.glyph_index, px & 0x3F, py & 0x3F, flags, aa)
        hit = _GLYPHS.get(key)
        if hit is None or hit[0] is not ft:
            ft.set_size(size, dpi)
            ft._set_transform(np.array([[0x10000, 0], [0, 0x10000]]), [px & 0x3F, py & 0x3F])
            bitmap = ft._render_glyph(item.glyph_index, flags, RenderMode.NORMAL if aa else RenderMode.MONO)
            buffer = np.array(bitmap.buffer)  # a copy: the glyph slot is reused by the next render
            if not aa:
                buffer *= 0xFF
            hit = _GLYPHS[key] = (ft, buffer, bitmap.left, bitmap.top)  # the font kept: its id stays unique
            while len(_GLYPHS) > GLYPH_CACHE_SIZE:
                _GLYPHS.popitem(last=False)
        else:
            _GLYPHS.move_to_end(key)
        _, buffer, left, top = hit
        # the cached bitmap was made at the fraction only: shift it by the whole pixels
        draw(buffer, left + (px >> 6), height - (top + (py >> 6)) + buffer.shape[0], 0, gc)
    return True


# --------------------------------------------------------------------------- legends
#: Blank offscreen Agg renderers, one per canvas size and dpi, for drawing a legend on its own.
_OFFSCREEN: dict = {}


def _offscreen(renderer):
    from matplotlib.backends.backend_agg import RendererAgg

    key = (int(renderer.width), int(renderer.height), renderer.dpi)
    off = _OFFSCREEN.get(key)
    if off is None:
        if len(_OFFSCREEN) >= 4:
            _OFFSCREEN.pop(next(iter(_OFFSCREEN)))
        off = _OFFSCREEN[key] = RendererAgg(*key)
    off.clear()
    return off


def legend_entries(legend) -> list:
    """The boxes of a legend's entries (handle and text), in order (matplotlib's private packer, 3.x): hiding one
    leaves no gap, since the legend packs only visible boxes."""
    box = getattr(legend, "_legend_handle_box", None)
    return [] if box is None else [item for column in box.get_children() for item in column.get_children()]


def keep_legend(legend) -> None:
    """Make a legend draw on an Agg canvas from kept pixels while its texts and shown entries stay the same.

    A live panel redraws a legend over the moving curves on every move, and matplotlib lays its entries out again
    each time (nested packers measuring every text, 6-8 ms here even with stamped texts). The legend is drawn once
    per state (canvas size, dpi, its axes' place, texts, shown entries) into a blank offscreen renderer, and its
    pixels are composited on later draws: the same pixels where its frame is opaque, at most 2 of 255 apart where
    it is translucent. Its texts are stamped. Not for ``loc="best"`` (the place follows the data) nor for a legend
    whose handles or style change after it is built; vector output draws it as usual.
    """
    from matplotlib.backends.backend_agg import RendererAgg

    if getattr(legend, "_mgcourse_kept", False) or getattr(legend, "_loc", None) == 0:
        return
    stamp(*legend.get_texts(), legend.get_title())
    draw = legend.draw
    cache: dict = {}

    def kept_draw(renderer, *args, **kwargs):
        if type(renderer) is not RendererAgg or not legend.get_visible() or args or kwargs:
            return draw(renderer, *args, **kwargs)
        ax = legend.axes
        key = (renderer.width, renderer.height, renderer.dpi, None if ax is None else ax.bbox.bounds,
               legend.get_title().get_text(), tuple(t.get_text() for t in legend.get_texts()),
               tuple(e.get_visible() for e in legend_entries(legend)))
        hit = cache.get(key)
        if hit is None:
            off = _offscreen(renderer)
            draw(off)
            for t in (*legend.get_texts(), legend.get_title()):
                t._renderer = renderer  # drawing kept the offscreen renderer for later measurements
            bbox, pad = legend.get_window_extent(off), 4  # pad: antialiased edges
            w, h = int(off.width), int(off.height)
            x0, x1 = max(0, int(np.floor(bbox.x0)) - pad), min(w, int(np.ceil(bbox.x1)) + pad)
            y0, y1 = max(0, int(np.floor(bbox.y0)) - pad), min(h, int(np.ceil(bbox.y1)) + pad)
            image = np.asarray(off.buffer_rgba())[h - y1:h - y0, x0:x1][::-1].copy() if x1 > x0 and y1 > y0 else None
            if len(cache) >= 16:
                cache.pop(next(iter(cache)))
            hit = cache[key] = (x0, y0, image)
        x0, y0, image = hit
        if image is not None:
            gc = renderer.new_gc()
            renderer.draw_image(gc, x0, y0, image)
            gc.restore()
        legend.stale = False

    legend.draw = kept_draw
    legend._mgcourse_kept = True
