"""One figure style for the whole course (course design, section 6).

* Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal
  Design"), each colour paired with its own line style, so that lines stay
  distinguishable in greyscale and for every colour-vision type.
* Fonts of 11 pt and more, an opaque white background (readable in dark mode),
  light grid, constrained layout.

Callbacks build figures with :func:`new_figure`, which does not touch pyplot's
global state (no figure leaks when a slider moves); notebooks show them with
:func:`show`, which attaches the one-sentence description as the image's text
alternative.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import io
from pathlib import Path

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure

#: Okabe–Ito palette (hex), in the order the course uses it.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Colour cycle (yellow last: low contrast on white).
COLORS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                 "reddish_purple", "sky_blue", "black", "yellow")]
#: Line styles paired one-to-one with :data:`COLORS`.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (5, 5))]
#: Markers paired with :data:`COLORS`, for scatter plots and sparse lines.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

#: Semantic colours used across chapters.
ROLE_COLORS = {
    "glucose": OKABE_ITO["vermillion"],
    "insulin": OKABE_ITO["blue"],
    "magnesium": OKABE_ITO["bluish_green"],
    "beta": OKABE_ITO["orange"],
    "reference": "#777777",
    "stable": OKABE_ITO["blue"],
    "unstable": OKABE_ITO["vermillion"],
}

RC_PARAMS = {
    "axes.prop_cycle": cycler(color=COLORS) + cycler(linestyle=LINESTYLES),
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.titlesize": 14,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    # framed legends with an opaque white box: no line runs through a legend's text (issue 14)
    "legend.frameon": True,
    "legend.framealpha": 0.92,
    "legend.edgecolor": "#bbbbbb",
    "legend.fancybox": False,
    "image.cmap": "cividis",
}


def apply() -> None:
    """Apply the course style to matplotlib (call once, in a notebook's setup cell)."""
    matplotlib.rcParams.update(RC_PARAMS)


#: A figure that the next :func:`new_figure` call clears and reuses (see :func:`reuse_figure`).
_REUSE: contextvars.ContextVar = contextvars.ContextVar("mgcourse_reuse_figure", default=None)


@contextlib.contextmanager
def reuse_figure(fig: Figure | None):
    """Within the block, the first :func:`new_figure` call draws into ``fig`` (cleared) instead of a new Figure.

    A widget panel uses this to redraw a callback into the figure already on screen (an ipympl canvas keeps
    its place and size on the page; no new canvas is created per slider move).
    """
    token = _REUSE.set(fig)
    try:
        yield
    finally:
        _REUSE.reset(token)


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=None, **subplot_kw):
    """A styled ``(Figure, axes)`` pair that does not register with pyplot.

    Widget callbacks use this so that moving a slider never leaks figures.
    """
    size = figsize or RC_PARAMS["figure.figsize"]
    with matplotlib.rc_context(RC_PARAMS):
        fig = _REUSE.get()
        if fig is not None and getattr(fig, "_mgcourse_shared", False):
            fig = None  # a cached figure (shared by several calls) is never redrawn in place
        if fig is not None:
            _REUSE.set(None)  # only the callback's first figure is the on-screen one
            fig.clear()
            fig.set_layout_engine("constrained")
            if tuple(fig.get_size_inches()) != tuple(size):
                fig.set_size_inches(size, forward=True)
        else:
            fig = Figure(figsize=size, facecolor="white", layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def new_diagram(figsize, xlim=(0.0, 1.0), ylim=(0.0, 1.0)):
    """A styled ``(Figure, Axes)`` canvas for a diagram drawn by code: fixed limits, no axes drawn."""
    fig, ax = new_figure(figsize=figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_axis_off()
    return fig, ax


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes (opaque white background)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def show(fig: Figure, alt: str) -> None:
    """Display ``fig`` in a notebook with ``alt`` (one sentence) as its text alternative.

    The text alternative is the plain-text form of the output, so screen readers,
    text-only front ends and nbval all see the sentence.
    """
    if not alt or not alt.strip():
        raise ValueError("alt must be a one-sentence description of the figure")
    from IPython.display import display

    data = {"image/png": base64.b64encode(png_bytes(fig)).decode("ascii"), "text/plain": f"[Figure] {alt.strip()}"}
    display(data, raw=True)


def save(fig: Figure, name: str, *, folder: Path | None = None) -> Path:
    """Save ``fig`` as ``figures/<name>.png`` (and return the path)."""
    from . import FIGURES_DIR

    folder = Path(folder) if folder is not None else FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=150, facecolor="white", metadata={"Software": None})
    return path


#: Figures saved to ``figures/`` by ``python -m mgcourse.tools.figures``: name -> (function, alt text).
FIGURE_REGISTRY: dict = {}


def register_figure(name: str, alt: str):
    """Decorator: a zero-argument function returning a Figure, saved as ``figures/<name>.png``.

    ``alt`` is the figure's one-sentence description (README and the static site use it).
    """
    if not alt.strip():
        raise ValueError(f"figure {name!r} needs a one-sentence alt text")

    def deco(func):
        FIGURE_REGISTRY[name] = (func, alt)
        return func

    return deco
