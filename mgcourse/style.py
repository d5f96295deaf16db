"""One figure style for the whole course (course design, section 6).

* Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal
  Design"), each colour paired with its own line style, so that lines stay
  distinguishable in greyscale and for every colour-vision type. Two of its
  colours are darkened so that every line and marker colour reaches 3:1
  contrast against white (WCAG 2.1, 1.4.11 non-text contrast): orange
  #E69F00 (2.25:1) becomes #8F5800 and sky blue #56B4E9 (2.31:1) becomes
  #3A8CC4, chosen so that every pair of line colours stays apart (CIELAB
  ΔE ≥ 9) for normal vision and simulated deuteranopia, protanopia and
  tritanopia (``tests/test_style.py`` checks both). Yellow (1.3:1) is kept for
  fills with a dark edge only and is not in the line cycle.
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
import html
import io
from pathlib import Path

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure

#: Okabe–Ito palette (hex), in the order the course uses it.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#8F5800",  # darkened from #E69F00 (2.25:1) to 5.9:1 on white
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#3A8CC4",  # darkened from #56B4E9 (2.31:1) to 3.7:1 on white
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The published Okabe–Ito values of the two darkened colours (for reference; below 3:1 on white).
OKABE_ITO_ORIGINAL = {"orange": "#E69F00", "sky_blue": "#56B4E9"}
#: Colours that may be used only as fills with a dark edge (below 3:1 on white).
FILL_ONLY = {"yellow": OKABE_ITO["yellow"]}
#: Dark grey, the eighth line colour (in place of yellow).
DARK_GREY = "#5E5E5E"
#: Colour cycle for lines and markers: every colour at least 3:1 against white.
COLORS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                 "reddish_purple", "sky_blue", "black")] + [DARK_GREY]
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
    """Apply the course style to matplotlib (call once, in a notebook's setup cell).

    In a Jupyter kernel it also makes ``plt.show()`` figures carry an HTML ``alt``
    (:func:`install_figure_formatter`) and gives the notebook's sliders
    accessible names (:func:`mgcourse.a11y.enable_control_names`).
    """
    matplotlib.rcParams.update(RC_PARAMS)
    if install_figure_formatter():
        from .a11y import enable_control_names

        enable_control_names()


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


def figure_html(png: bytes, alt: str) -> str:
    """``<img src="data:image/png;base64,…" alt="…">``: a PNG with its description in the HTML ``alt`` attribute.

    JupyterLab's image renderer (``image/png`` outputs, JupyterLab 4.6) sets no
    ``alt`` and ignores output metadata, so the course's figures are displayed as
    this HTML instead; the sanitiser of an untrusted notebook keeps both ``src``
    (data URI) and ``alt``.
    """
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{b64}" alt="{html.escape(" ".join(alt.split()), quote=True)}"/>'


def figure_bundle(fig: Figure, alt: str) -> dict:
    """The display bundle of a course figure: ``text/html`` (image + ``alt``) and ``text/plain`` (``[Figure] alt``).

    The PNG is stored once (inside the HTML, not also as ``image/png``); the
    plain text keeps the description for text-only front ends, nbval and the site build.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a one-sentence description of the figure")
    return {"text/html": figure_html(png_bytes(fig), alt), "text/plain": f"[Figure] {' '.join(alt.split())}"}


def show(fig: Figure, alt: str) -> None:
    """Display ``fig`` in a notebook with ``alt`` (one sentence) as its text alternative.

    The sentence reaches the HTML ``alt`` attribute of the image (see
    :func:`figure_bundle`) and is the plain-text form of the output, so screen
    readers, text-only front ends and nbval all see it.
    """
    bundle = figure_bundle(fig, alt)
    from IPython.display import display

    display(bundle, raw=True)


def describe(fig: Figure, alt: str) -> Figure:
    """Attach ``alt`` (one sentence) to a pyplot figure, for a plain ``plt.show()``; returns ``fig``.

    With :func:`apply` run in a Jupyter kernel, ``plt.show()`` then displays the
    figure like :func:`show` does. Without a description the alt text is built
    from the figure's titles and axis labels (:func:`auto_alt`).
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a one-sentence description of the figure")
    fig._mgcourse_alt = " ".join(alt.split())
    return fig


def auto_alt(fig: Figure) -> str:
    """A description built from the figure's title(s) and axis labels (fallback for undescribed figures)."""
    parts = []
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        parts.append(sup.get_text().strip())
    for ax in fig.axes:
        if not ax.axison:
            continue
        bits = [t for t in (ax.get_title(),) if t.strip()]
        if ax.get_xlabel().strip():
            bits.append(f"x axis: {ax.get_xlabel().strip()}")
        if ax.get_ylabel().strip():
            bits.append(f"y axis: {ax.get_ylabel().strip()}")
        if bits:
            parts.append("; ".join(bits))
    text = ". ".join(parts)
    return f"Figure. {text}." if text else "Figure (described in the text below)."


def _figure_alt(fig: Figure) -> str:
    return getattr(fig, "_mgcourse_alt", None) or auto_alt(fig)


def _html_formatter(fig: Figure):
    if not fig.axes and not fig.texts and not fig.images:
        return None
    return figure_html(png_bytes(fig), _figure_alt(fig))


def install_figure_formatter(shell=None) -> bool:
    """Make the notebook display of a matplotlib Figure (``plt.show()``, a figure as a cell's value) an
    ``<img>`` with an ``alt`` attribute instead of a bare ``image/png``.

    The figure is stored once (``text/html``; its ``image/png`` formatter is
    switched off). Returns False outside an IPython kernel. Called by :func:`apply`.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    # the inline backend registers its own Figure formatters (image/png) when its module is first imported,
    # which pyplot does lazily, at the first figure: import it now so that ours come after and stay
    import matplotlib.pyplot  # noqa: F401

    try:
        import matplotlib_inline.backend_inline  # noqa: F401  (configures itself only if it is the backend)
    except ImportError:  # pragma: no cover - another front end without the inline backend
        pass

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(Figure, _html_formatter)
    for mime in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        if mime in formatters:
            formatters[mime].for_type(Figure, lambda fig: None)
    return True


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


def set_band(collection, x, y_low, y_high) -> None:
    """Give a ``fill_between`` band new data in place (``set_data`` from matplotlib 3.10; older versions get the
    polygon's vertices: along ``y_low``, back along ``y_high``)."""
    if hasattr(collection, "set_data"):
        collection.set_data(x, y_low, y_high)
        return
    import numpy as np

    x, lo, hi = (np.asarray(v, dtype=float) for v in (x, y_low, y_high))
    verts = np.concatenate([np.column_stack([x, lo]), np.column_stack([x[::-1], hi[::-1]])])
    collection.set_verts([verts])
