"""Widgets as thin wrappers around pure callbacks (course design, section 4).

A chapter writes a *pure* callback (parameters in, a :class:`View` out) and
registers it with the controls that drive it::

    @register("02.minimal_model",
              si=Slider("Insulin sensitivity S_I (×10⁻⁴ min⁻¹ per µU/mL)", 0.1, 10, 5.07, 0.1),
              sg=Slider("Glucose effectiveness S_G (min⁻¹)", 0.005, 0.05, 0.0308, 0.001))
    def minimal_model_view(si, sg):
        ...
        return View(text=..., figure=fig, alt="One sentence describing the figure.")

The notebook then needs one line, ``panel("02.minimal_model")``. The same
registry feeds the widget sweep test (every callback at every control's min,
max and default) and ``python -m mgcourse.tools.bench``.

A ``ValueError`` raised by a callback becomes a short message in the widget's
output area (:func:`safe_call`), never a traceback. Every parameter is first checked against its own control
(a slider's min/max, a dropdown's options): the callback accepts exactly what the panel can offer.

In-place figures (issue 14). A live panel builds its figure once and keeps it on screen (an ipympl canvas when
ipympl is installed and a kernel runs; otherwise the inline fallback re-renders the same figure as a PNG):

* with an **updater** the panel changes only the artists of the figure on screen::

      @minimal_model_view.updater
      def _update(view, si_e4, sg, compare):      # view: the View on screen, with view.artists
          if compare != view.artists["compare"]:
              return None                           # cannot update in place: redraw
          view.artists["mine"][0].set_ydata(...)
          return View(text=..., figure=view.figure, alt=..., artists=view.artists)

  (``View.artists`` is a dict of the artists the callback created; the callback and the updater usually share
  one "fill" function);
* without one, the callback is redrawn into the **same** figure (:func:`mgcourse.style.reuse_figure` makes its
  ``new_figure`` call reuse it) and the layout computed for the first figure is kept (no constrained-layout
  solve per slider move).

**Blitting.** A view that lists its changing artists in ``View.animated`` (and keeps its axes limits, ticks and
labels fixed across the controls' range) is updated by redrawing only those artists over a cached background:
on this machine class a frame then costs a few milliseconds instead of the 50-250 ms a full draw with its text
takes. The panel checks on every update that the background is still valid (the axes' limits and every other
artist unchanged) and falls back to a full draw when it is not, so an updater that moves a limit is still
correct, only slower.

Either way the canvas sends one new frame (``canvas.draw()`` or ``canvas.blit()``). :func:`update_view` is the one code path, used by
the panel, the sweep test and ``python -m mgcourse.tools.bench``. ``panel(name)`` displays the widget view with a
static PNG of the figure (or, ``preview="note"``, a one-line note) in the same display bundle, which is what a
notebook shows before it runs.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from mgcourse.data import DataFileError, DataUnavailable


# --------------------------------------------------------------------------- controls
def step_format(step: float) -> str:
    """The readout format that shows a value to the precision of ``step`` (0.1 -> ``.1f``, 0.005 -> ``.3f``, 5 -> ``.0f``)."""
    if not step > 0:
        raise ValueError(f"step must be > 0, got {step!r}")
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9 * max(1.0, abs(step)):
        decimals += 1
    return f".{decimals}f"


@dataclass(frozen=True)
class Slider:
    """A numeric slider. ``label`` must carry the unit, e.g. ``"Dose (mg/day)"``."""

    label: str
    min: float
    max: float
    default: float
    step: float
    integer: bool = False
    continuous_update: bool = False
    readout_format: str | None = None

    def __post_init__(self):
        if not (self.min <= self.default <= self.max):
            raise ValueError(f"slider {self.label!r}: default {self.default} outside [{self.min}, {self.max}]")
        if self.step <= 0:
            raise ValueError(f"slider {self.label!r}: step must be > 0")

    def test_values(self, rng: np.random.Generator, n_random: int = 2) -> list:
        vals = [self.min, self.max, self.default]
        for _ in range(n_random):
            x = rng.uniform(self.min, self.max)
            x = self.min + round((x - self.min) / self.step) * self.step
            vals.append(min(max(x, self.min), self.max))
        return [int(round(v)) if self.integer else float(v) for v in vals]

    def check(self, name: str, value) -> None:
        """Raise if ``value`` is not a value this slider can offer (issue 15: exactly the control's range)."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {value!r}")
        v = float(value)
        tol = 1e-9 * max(1.0, abs(self.max - self.min))
        if not np.isfinite(v) or v < self.min - tol or v > self.max + tol:
            raise ValueError(f"{name} must be between {_fmt(self.min)} and {_fmt(self.max)} "
                             f"(the slider's range), got {value!r}")
        if self.integer and v != round(v):
            raise ValueError(f"{name} must be a whole number between {_fmt(self.min)} and {_fmt(self.max)}, got {value!r}")

    def make(self):
        import ipywidgets as W

        cls = W.IntSlider if self.integer else W.FloatSlider
        kw = dict(value=self.default, min=self.min, max=self.max, step=self.step, description=self.label,
                  continuous_update=self.continuous_update, style={"description_width": "initial"},
                  layout=W.Layout(width="95%"))
        if not self.integer:
            # readouts (and, through mgcourse.a11y, what a screen reader says) rounded to the step: "5.07"
            kw["readout_format"] = self.readout_format or step_format(self.step)
        return cls(**kw)


@dataclass(frozen=True)
class Dropdown:
    """A choice among ``options`` (values, or ``(label, value)`` pairs)."""

    label: str
    options: tuple
    default: Any

    def _options(self) -> tuple:  # options may be a function (called on use) when they come from data files
        return tuple(self.options()) if callable(self.options) else self.options

    def _values(self):
        values = [o[1] if isinstance(o, tuple) else o for o in self._options()]
        if self.default not in values:
            raise ValueError(f"dropdown {self.label!r}: default {self.default!r} not among the options")
        return values

    def __post_init__(self):
        if not callable(self.options):
            self._values()

    def test_values(self, rng, n_random: int = 0) -> list:
        return list(self._values())

    def check(self, name: str, value) -> None:
        if not any(value is v or (type(value) is type(v) and value == v) or
                   (isinstance(v, (int, float)) and not isinstance(value, bool) and value == v) for v in self._values()):
            allowed = ", ".join(repr(v) for v in self._values())
            readable = name.replace("_", " ")
            raise ValueError(f"unknown {readable.split()[-1]} {value!r}: {readable} ({name}) must be one of {allowed}")

    def make(self):
        import ipywidgets as W

        return W.Dropdown(options=list(self._options()), value=self.default, description=self.label,
                          style={"description_width": "initial"}, layout=W.Layout(width="auto", max_width="100%"))


@dataclass(frozen=True)
class Checkbox:
    label: str
    default: bool = False

    def test_values(self, rng, n_random: int = 0) -> list:
        return [False, True]

    def check(self, name: str, value) -> None:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}")

    def make(self):
        import ipywidgets as W

        # width auto: the whole label shows (a fixed-width checkbox cut long labels with "…")
        return W.Checkbox(value=self.default, description=self.label, indent=False,
                          layout=W.Layout(width="auto", max_width="100%"))


@dataclass(frozen=True)
class Text:
    """A free-text box. ``examples`` are extra values the sweep test tries (include bad ones)."""

    label: str
    default: str = ""
    examples: tuple = ()

    def test_values(self, rng, n_random: int = 0) -> list:
        return [self.default, "", *self.examples]

    def check(self, name: str, value) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be text, got {type(value).__name__} {value!r}")

    def make(self):
        import ipywidgets as W

        return W.Text(value=self.default, description=self.label, continuous_update=False,
                      style={"description_width": "initial"}, layout=W.Layout(width="95%"))


Control = Slider | Dropdown | Checkbox | Text


def _decimals(*values: float) -> int:
    """Decimals needed to show every value exactly (at most 6): 10 -> 0, 0.05 -> 2, 0.0308 -> 4."""
    for d in range(7):
        if all(abs(round(v, d) - v) < 1e-9 for v in values):
            return d
    return 6


def _fmt(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------------------- views
@dataclass
class View:
    """What a callback returns: Markdown text, an optional figure with its description, an optional table."""

    text: str = ""
    figure: Any = None  # matplotlib.figure.Figure
    alt: str = ""
    table: Any = None  # pandas.DataFrame
    data: dict = field(default_factory=dict)
    error: bool = False
    #: Named artists of ``figure`` that an in-place updater changes (see :func:`register` and ``updater``).
    artists: dict = field(default_factory=dict)
    #: The artists an update changes (lines, bars, markers, value labels, and anything that must stay on top of
    #: them, such as a legend). On the live canvas the rest of the figure (axes, ticks, labels: most of the
    #: drawing time) is drawn once and kept as a background; a control change redraws only these (blitting).
    #: Empty: every change redraws the whole figure.
    animated: tuple = ()

    def __post_init__(self):
        if self.figure is not None and not self.alt.strip():
            raise ValueError("a View with a figure needs alt: one sentence saying what the figure shows")

    def display(self) -> None:
        """Display the view in a notebook (Markdown, table, figure with its text alternative)."""
        from IPython.display import Markdown, display

        from .style import show

        if self.text:
            display(Markdown(self.text))
        if self.table is not None:
            display(Table(self.table))
        if self.figure is not None:
            show(self.figure, self.alt)


def readable_header(name: str) -> str:
    """``"mg_per_100g"`` -> ``"Mg per 100 g"``: snake_case column names made readable (units kept)."""
    if not isinstance(name, str) or "_" not in name:
        return str(name)
    words = name.split("_")
    out = " ".join(words).replace("per 100g", "per 100 g").replace("per 100kcal", "per 100 kcal")
    out = out.replace(" pct", " (%)").replace(" mg day", " (mg/day)")
    return out[:1].upper() + out[1:]


class Table:
    """A DataFrame as a learner sees it: no index column, readable headers, "–" for missing values."""

    def __init__(self, df):
        import pandas as pd

        df = df.copy()
        if not isinstance(df.index, pd.RangeIndex):  # a meaningful index becomes the first column
            df = df.reset_index()
        df.columns = [readable_header(c) for c in df.columns]
        for col in df.columns:
            if pd.api.types.is_float_dtype(df[col]):
                df[col] = [("–" if pd.isna(v) else _round_cell(v)) for v in df[col]]
        self.df = df.astype(object).where(df.notna(), "–")

    def _repr_html_(self):
        import pandas as pd

        with pd.option_context("display.max_colwidth", None):  # long claims and names are never cut
            html = self.df.to_html(index=False, na_rep="–", border=0, classes="mg-table", escape=True)
        return f'<div style="overflow-x:auto;max-width:100%">{html}</div>'  # a wide table scrolls, never clips

    def __repr__(self):
        return self.df.to_string(index=False, na_rep="–")


def readout_records(view: View) -> tuple:
    """A panel's readout as output records for an ipywidgets ``Output``: the Markdown text, then the table."""
    records = []
    if view.text:
        records.append({"output_type": "display_data", "metadata": {},
                        "data": {"text/markdown": view.text, "text/plain": view.text}})
    if view.table is not None:
        table = Table(view.table)
        records.append({"output_type": "display_data", "metadata": {},
                        "data": {"text/html": table._repr_html_(), "text/plain": repr(table)}})
    return tuple(records)


#: Seconds a live panel's readout waits after a control move sends a new figure frame (:meth:`Panel._show_text`).
#: Measured in JupyterLab on 2 cores: the frame then reaches the page and is drawn 10-25 ms sooner.
READOUT_DELAY_S = 0.06


def _running_loop():
    """The asyncio loop running in this thread (the kernel's, in a notebook), or None (plain Python, tests)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _round_cell(v: float) -> str:
    """Sensible rounding for a table cell: 3 significant figures, thousands separated, no trailing zeros."""
    a = abs(v)
    if a >= 100 or v == int(v):
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 0.01:
        return f"{v:.3g}"
    return f"{v:.2g}"


def error_view(message: str) -> View:
    """A short, friendly message for the output area."""
    return View(text=f"⚠️ **Input problem:** {message}", error=True)


def safe_call(func: Callable[..., View], /, **kwargs) -> View:
    """Call a callback; a ``ValueError`` becomes an :func:`error_view` instead of a traceback."""
    try:
        view = func(**kwargs)
    except (DataUnavailable, DataFileError) as exc:  # data/ missing, unreadable or damaged: a message, no traceback
        return View(text=f"⚠️ **Course data problem:** {exc}", error=True)
    except (ValueError, TypeError) as exc:  # bad input (the controls' own ranges are checked first)
        return error_view(str(exc))
    except OSError as exc:  # data missing or unreadable: a message, not a traceback
        return error_view(f"a data file could not be read ({exc})")
    except (ArithmeticError, FloatingPointError) as exc:  # numerical blow-up: still a message
        return error_view(f"the computation failed for these settings ({type(exc).__name__}: {exc})")
    if not isinstance(view, View):
        raise TypeError(f"callback {getattr(func, '__name__', func)!r} returned {type(view).__name__}, not View")
    return view


# --------------------------------------------------------------------------- registry
@dataclass
class WidgetSpec:
    name: str
    func: Callable[..., View]
    controls: dict
    title: str = ""
    #: ``update(view, **params) -> View | None``: change ``view.artists`` in place for new parameters
    #: (``None``: cannot, rebuild). Without one, the panel redraws the callback into the same figure.
    update: Callable[..., View | None] | None = None

    def check(self, params: dict) -> None:
        """Raise ValueError/TypeError unless every parameter is a value its control offers."""
        for key, control in self.controls.items():
            if key in params:
                control.check(key, params[key])

    def defaults(self) -> dict:
        return {k: c.default for k, c in self.controls.items()}

    def random_points(self, n: int, seed: int = 0) -> list[dict]:
        """``n`` parameter sets with every control at a random allowed value (what a slider move looks like)."""
        rng = np.random.default_rng(seed)
        points = []
        for _ in range(n):
            p = {}
            for key, control in self.controls.items():
                if isinstance(control, Slider):
                    p[key] = control.test_values(rng, 1)[-1]
                elif isinstance(control, Text):
                    p[key] = control.default
                else:
                    options = control.test_values(rng)
                    p[key] = options[rng.integers(len(options))]
            points.append(p)
        return points

    def walk(self, n: int, seed: int = 0) -> list[dict]:
        """``n`` parameter sets as a learner produces them: from the defaults, each step moves one slider by a
        few steps or picks another option of one dropdown/checkbox (text boxes keep their default)."""
        rng = np.random.default_rng(seed)
        keys = [k for k, c in self.controls.items() if not isinstance(c, Text)]
        p, points = self.defaults(), []
        for _ in range(n):
            if not keys:
                points.append(dict(p))
                continue
            key = keys[rng.integers(len(keys))]
            c = self.controls[key]
            if isinstance(c, Slider):
                k = int(rng.integers(1, 4)) * (1 if rng.random() < 0.5 else -1)
                v = p[key] + k * c.step
                if not c.min <= v <= c.max:
                    v = p[key] - k * c.step
                v = min(max(v, c.min), c.max)
                p[key] = int(round(v)) if c.integer else float(round(v, 10))
            else:
                options = [o for o in c.test_values(rng) if o != p[key]]
                if options:
                    p[key] = options[rng.integers(len(options))]
            points.append(dict(p))
        return points

    def sweep(self, seed: int = 0, n_random: int = 2) -> list[dict]:
        """Parameter sets for tests: all defaults, then each control at each of its test values."""
        rng = np.random.default_rng(seed)
        points = [self.defaults()]
        for key, control in self.controls.items():
            for v in control.test_values(rng, n_random):
                p = self.defaults()
                p[key] = v
                if p not in points:
                    points.append(p)
        return points


REGISTRY: dict[str, WidgetSpec] = {}


def register(name: str, *, title: str = "", **controls: Control):
    """Decorator: register a pure callback under ``name`` with its controls (one per parameter)."""

    def deco(func):
        import inspect

        params = list(inspect.signature(func).parameters)
        missing = [p for p in params if p not in controls]
        extra = [c for c in controls if c not in params]
        if missing or extra:
            raise TypeError(f"widget {name!r}: controls {sorted(controls)} do not match parameters {params}")
        import functools

        sig = inspect.signature(func)
        spec = WidgetSpec(name, func, dict(controls), title or (func.__doc__ or "").strip().split("\n")[0])

        @functools.wraps(func)
        def checked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            spec.check(bound.arguments)
            return func(*args, **kwargs)

        def updater(update):
            """Decorator: ``update(view, **params)`` changes the artists of a view this callback built."""
            spec.update = update
            return update

        spec.func = checked
        checked.widget_name = name
        checked.updater = updater
        REGISTRY[name] = spec
        return checked

    return deco


#: Course tooling (runner, builders, site, bench) registers no widget: discovery skips it.
_SKIP_PREFIXES = ("mgcourse.tools",)


def discover() -> dict[str, WidgetSpec]:
    """Import every mgcourse module so that all callbacks are registered; return the registry."""
    import mgcourse

    for mod in pkgutil.walk_packages(mgcourse.__path__, "mgcourse."):
        if not mod.name.startswith(_SKIP_PREFIXES) and not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)
    return REGISTRY


def get(name: str) -> WidgetSpec:
    if name not in REGISTRY:
        discover()
    if name not in REGISTRY:
        raise ValueError(f"no widget named {name!r}; registered: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


# --------------------------------------------------------------------------- notebook side
def static(name: str, **overrides) -> View:
    """Show the callback's view at its default parameters (the static version of a widget)."""
    spec = get(name)
    params = {**spec.defaults(), **overrides}
    view = safe_call(spec.func, **params)
    view.display()
    return None


def _safe(fn: Callable, *args, **kwargs):
    """Like :func:`safe_call` for an updater (which may also return ``None``: rebuild instead)."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        return error_view(str(exc))
    except OSError as exc:
        return error_view(f"a data file could not be read ({exc})")
    except (ArithmeticError, FloatingPointError) as exc:
        return error_view(f"the computation failed for these settings ({type(exc).__name__}: {exc})")


def live_canvas_available() -> bool:
    """True in a running IPython kernel with ipympl installed (figures then update in place in the browser)."""
    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None or not hasattr(ip, "kernel"):
            return False
        _import_ipympl_keeping_backend()
    except Exception:  # ipympl missing or broken: the inline fallback still works
        return False
    return True


def _import_ipympl_keeping_backend() -> None:
    """Import ipympl's canvas without changing the learner's pyplot backend.

    Importing ipympl calls ``matplotlib.use("module://ipympl.backend_nbagg")``: every later ``plt.show()`` in
    the notebook would then become an interactive canvas instead of the inline figure (with its alt text). The
    panels only need ipympl's ``Canvas`` class, so the backend in force before the import is put back.
    """
    import sys

    import matplotlib

    if "ipympl.backend_nbagg" in sys.modules:
        return
    before = matplotlib.rcParams._get_backend_or_none()  # None: not chosen yet (resolved on first use)
    import ipympl.backend_nbagg  # noqa: F401

    if before is not None and matplotlib.rcParams._get_backend_or_none() != before:
        import matplotlib.pyplot as plt

        plt.switch_backend(before)
    elif before is None:
        matplotlib.rcParams["backend"] = matplotlib.rcsetup._auto_backend_sentinel


#: zlib level of the PNG frames a live canvas sends. Frames are encoded by :func:`png_rgba` (no row filters, one
#: zlib stream): a typical blitted 720×500 diff frame takes 6 ms at level 1-3, against 14-17 ms through Pillow
#: (which tries every row filter) and 28 ms at matplotlib's level 6; the frame only crosses a local websocket.
PNG_COMPRESS_LEVEL = 2


def png_rgba(pixels: np.ndarray, level: int = PNG_COMPRESS_LEVEL) -> bytes:
    """A PNG file of an ``(height, width, 4)`` uint8 RGBA array, lossless (any PNG decoder gives ``pixels`` back).

    Every row uses PNG filter 0 (none) and the rows form one zlib stream at ``level``. A live panel's frames are
    mostly transparent zeros (only the changed pixels) or flat colour, which zlib compresses fast without the
    per-row filter search a general encoder does."""
    import struct
    import zlib

    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(f"pixels: expected an (height, width, 4) uint8 RGBA array, got {pixels.dtype} "
                         f"of shape {pixels.shape}")
    h, w, _ = pixels.shape
    raw = np.empty((h, 4 * w + 1), np.uint8)
    raw[:, 0] = 0  # filter type 0 for every row
    raw[:, 1:] = pixels.reshape(h, 4 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits per channel, colour type 6 (RGBA)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))


_CANVAS_CLASS = None


def _panel_canvas_class():
    """ipympl's Canvas, sending its PNG frames encoded by :func:`png_rgba` (same protocol, same widget model)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is not None:
        return _CANVAS_CLASS
    from ipympl.backend_nbagg import Canvas

    class PanelCanvas(Canvas):
        def get_diff_image(self):
            # matplotlib's FigureCanvasWebAggCore.get_diff_image (3.8-3.11), with the PNG encoded by png_rgba
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            if self._force_full or buff.shape != self._last_buff.shape or (pixels[:, :, 3] != 255).any():
                self.set_image_mode("full")
                output = buff
            else:  # only the pixels that changed; the browser draws them over the last frame
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            return png_rgba(output.view(dtype=np.uint8).reshape((*output.shape, 4)))

    _CANVAS_CLASS = PanelCanvas
    return PanelCanvas


def _ipympl_canvas(fig):
    """Attach an ipympl canvas (a DOM widget) to ``fig``: no toolbar, header or footer, fixed size."""
    from ipympl.backend_nbagg import FigureManager

    canvas = _panel_canvas_class()(fig)
    manager = FigureManager(canvas, id(fig))
    canvas.manager = manager
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    return canvas


def update_view(spec: WidgetSpec, last: View | None, fig, params: dict) -> View:
    """The view for ``params`` given the view on screen: the spec's updater changes ``last``'s artists in
    place; without an updater (or when it returns ``None``) the callback is redrawn into ``fig``."""
    from .style import reuse_figure

    if spec.update is not None and last is not None and last.figure is not None and not last.error:
        try:
            spec.check(params)
        except (ValueError, TypeError) as exc:
            return error_view(str(exc))
        view = _safe(spec.update, last, **params)
        if view is not None:
            if not isinstance(view, View):
                raise TypeError(f"updater of {spec.name!r} returned {type(view).__name__}, not View")
            return view
    with reuse_figure(fig):
        view = safe_call(spec.func, **params)
    if view.figure is not None:
        _fix_layout(view.figure)
    return view


def _fix_layout(fig) -> None:
    """Lay the figure out once (constrained layout) and then keep the axes where they are.

    Constrained layout costs about half of each draw; a live panel redraws after every control change, so
    a rebuilt figure with the same axes reuses the positions computed for the first one.
    """
    positions = getattr(fig, "_mgcourse_positions", None)
    size = tuple(fig.get_size_inches())
    if positions and len(positions[1]) == len(fig.axes) and positions[0] == size:
        for ax, pos in zip(fig.axes, positions[1]):
            ax.set_position(pos)
        fig.set_layout_engine("none")
        return
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    fig._mgcourse_positions = (size, [ax.get_position() for ax in fig.axes])
    fig.set_layout_engine("none")


def _fit_dpi(fig, max_height_px: float) -> None:
    """Show a tall figure at a lower resolution on the live canvas (fonts scale with it) so that it fits."""
    height_px = fig.get_figheight() * fig.dpi
    if height_px > max_height_px:
        fig.set_dpi(max(60.0, fig.dpi * max_height_px / height_px))


class _Blitter:
    """Blitting for one live canvas: a cached background (everything but the animated artists) and a check
    that it is still valid.

    After each full draw (the canvas's ``draw_event``) the background is copied and its *signature* recorded:
    each axes' position and view limits, and the visibility of every non-animated artist. :meth:`blit` redraws
    only the animated artists over that background, unless the signature changed or a non-animated artist was
    changed since (matplotlib marks it ``stale``): then it returns False and the caller draws the whole figure.
    """

    def __init__(self):
        self.canvas = None
        self.animated: tuple = ()
        self.background = None
        self.signature = None
        self._cid = None
        self._axes_seen: dict = {}  # id(axis) -> (what decides its ticks, its signature)
        self.frames = {"blit": 0, "full": 0}

    def attach(self, canvas) -> None:
        if self.canvas is not None and self._cid is not None:
            self.canvas.mpl_disconnect(self._cid)
        self.canvas, self.background, self.signature = canvas, None, None
        self._axes_seen = {}
        self._cid = canvas.mpl_connect("draw_event", self._on_draw)

    def set_animated(self, artists) -> None:
        """Mark ``artists`` animated (left out of full draws, drawn by :meth:`blit`); unmark the previous ones."""
        artists = tuple(_flatten_artists(artists))
        if artists == self.animated:
            return
        keep = {id(a) for a in artists}
        for a in self.animated:
            if id(a) not in keep:
                a.set_animated(False)
        from matplotlib.legend import Legend
        from matplotlib.text import Text

        from ._stamped_text import keep_legend, stamp

        for a in artists:
            a.set_animated(True)
            # redrawn on every frame: texts from cached bitmaps of their strings and legends from kept pixels, since
            # matplotlib lays out and renders every glyph anew on each draw, most of a blitted frame's time
            if isinstance(a, Legend):
                keep_legend(a)
            elif isinstance(a, Text):
                stamp(a)
        self.animated = artists
        self.background = None  # the background was drawn with another set: draw the whole figure next

    def _static_artists(self, fig) -> list:
        animated = {id(a) for a in self.animated}
        out = []
        for parent in (fig, *fig.axes):
            hidden = ()
            if parent is not fig and not parent.axison:  # set_axis_off(): spines, axes, patch are not drawn
                hidden = (*parent.spines.values(), *parent._axis_map.values(), parent.patch)
            elif parent is not fig and not parent.get_frame_on():
                hidden = (parent.patch,)
            for a in parent.get_children():
                if id(a) not in animated and a not in fig.axes and not any(a is h for h in hidden):
                    out.append(a)
        return out

    def _signature(self, fig) -> tuple:
        # axes: position, limits, and what their axis objects draw (ticks, tick labels, axis label); an Axis is
        # marked stale by any set_xlim call, even one that keeps the limits, so it is compared by content
        return (tuple(fig.get_size_inches()), fig.dpi,
                tuple((tuple(ax.get_position().bounds), tuple(ax.viewLim.bounds), ax.get_visible(), ax.axison,
                       tuple(self._axis_signature(axis) for axis in ax._axis_map.values()))
                      for ax in fig.axes),
                tuple((a.get_visible(), _is_blank_text(a)) for a in self._static_artists(fig)),
                # a legend's own texts and entries do not mark the legend stale when they change: compare them
                tuple(_legend_signature(lg) for lg in self._static_legends(fig)))

    def _axis_signature(self, axis) -> tuple:
        """:func:`_axis_signature`, recomputed only when what decides it changes (formatting every tick label on
        every move costs several ms)."""
        key = _axis_key(axis)
        hit = self._axes_seen.get(id(axis))
        if hit is None or hit[0] != key:
            hit = self._axes_seen[id(axis)] = (key, _axis_signature(axis))
        return hit[1]

    def _static_legends(self, fig) -> list:
        animated = {id(a) for a in self.animated}
        legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
        return [lg for lg in legends if lg is not None and id(lg) not in animated]

    def _on_draw(self, event) -> None:
        canvas = self.canvas
        # a figure's draw_event callbacks are shared by every canvas it is drawn on (savefig, an Agg copy): only
        # the live canvas's own draws count
        if canvas is None or event.canvas is not canvas or canvas.is_saving() or not self.animated:
            return
        fig = canvas.figure
        self.background = canvas.copy_from_bbox(fig.bbox)
        self.signature = self._signature(fig)
        self._draw_animated(fig)
        self.frames["full"] += 1

    def _draw_animated(self, fig) -> None:
        """Draw the animated artists over the background (restored or just drawn), lowest z-order first."""
        for a in sorted(self.animated, key=lambda a: a.get_zorder()):
            if a.get_visible() and a.figure is fig:
                fig.draw_artist(a)

    def valid(self) -> bool:
        """True if the cached background still shows the figure's non-animated artists as they are now."""
        from matplotlib.axis import Axis

        if self.canvas is None or self.background is None or not self.animated:
            return False
        fig = self.canvas.figure
        if self._signature(fig) != self.signature:
            return False
        # an invisible artist or an empty text (the axes' unused left/right titles) is never drawn, so it stays
        # stale; the signature covers it becoming visible or non-empty
        return not any(a.stale for a in self._static_artists(fig)
                       if a.get_visible() and not _is_blank_text(a) and not isinstance(a, Axis))

    def blit(self) -> bool:
        """Redraw the animated artists over the background and send the frame; False if a full draw is needed."""
        if not self.valid():
            return False
        canvas = self.canvas
        canvas.restore_region(self.background)
        self._draw_animated(canvas.figure)
        canvas.blit(canvas.figure.bbox)
        self.frames["blit"] += 1
        return True


def _axis_signature(axis) -> tuple:
    """What an x or y axis draws: its tick positions, tick label texts and label (cheap: no rendering)."""
    locs = tuple(np.round(np.asarray(axis.get_majorticklocs(), dtype=float), 12))
    minor = tuple(np.round(np.asarray(axis.get_minorticklocs(), dtype=float), 12)) if axis.get_minor_locator() else ()
    labels = tuple(axis.major.formatter.format_ticks(list(locs))) if locs else ()
    return (axis.get_visible(), id(axis.major.locator), id(axis.major.formatter), locs, minor, labels,
            axis.label.get_text(), axis.label.get_visible())


def _axis_key(axis) -> tuple:
    """What decides an axis's ticks and labels, without computing them: its locators, formatters, scale, view
    interval, and label (the ticks follow from these unless a locator's or formatter's own settings change)."""
    return (axis.get_visible(), id(axis.major.locator), id(axis.major.formatter), id(axis.minor.locator),
            id(axis.minor.formatter), axis.get_scale(), tuple(np.round(axis.get_view_interval(), 12)),
            axis.label.get_text(), axis.label.get_visible())


def _legend_signature(legend) -> tuple:
    """What a legend shows: its title, its texts and handles (each with its visibility)."""
    return (legend.get_visible(), legend.get_title().get_text(),
            tuple((t.get_text(), t.get_visible()) for t in legend.get_texts()),
            tuple(h.get_visible() for h in legend.legend_handles if h is not None))


def _is_blank_text(artist) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text) and not artist.get_text()


def _flatten_artists(items):
    """Artists from a tuple that may hold lists, tuples and containers (``ax.bar``'s BarContainer)."""
    from matplotlib.artist import Artist

    for item in items or ():
        if isinstance(item, Artist):
            yield item
        elif isinstance(item, (list, tuple)):  # BarContainer and ErrorbarContainer are tuples
            yield from _flatten_artists(item)
        elif item is not None:
            raise TypeError(f"View.animated holds artists (or lists of them), got {type(item).__name__}")


#: The tallest a panel may be at 1440×900 (course design §4), in CSS pixels.
PANEL_MAX_PX = 780
#: The tallest the readout (text and table) may be before it scrolls inside the panel.
TEXT_MAX_PX = 240


class Panel:
    """A live panel: controls, a readout (Markdown/table) and one figure that is updated in place.

    * ``mode == "ipympl"`` (a kernel with ipympl): the figure is built once on an ipympl canvas; a control
      change calls the spec's updater (``update(view, **params)``: change the artists) or, without one,
      redraws the callback into the *same* figure (:func:`mgcourse.style.reuse_figure`), then
      ``canvas.draw_idle()`` sends only the new image.
    * ``mode == "inline"`` (no ipympl, or outside a kernel): the figure is redrawn into an Output as a PNG
      (same figure object, re-rendered), so static execution and old setups still work.
    """

    def __init__(self, name: str, *, mode: str | None = None, **overrides):
        import ipywidgets as W

        self.spec = spec = get(name)
        self.mode = mode or ("ipympl" if live_canvas_available() else "inline")
        self.controls = {}
        for key, control in spec.controls.items():
            w = control.make()
            if key in overrides:
                w.value = overrides[key]
            self.controls[key] = w
        self.header = W.HTML(f"<b>{spec.title}</b>") if spec.title else W.HTML("")
        self.status = W.HTML(value="")
        # a long readout (the capstone's narrative and claims) scrolls inside the panel: the controls and the
        # figure stay on one screen (course design §4)
        self.text = W.Output(layout=W.Layout(max_height=f"{TEXT_MAX_PX}px", overflow="auto"))
        self.text.add_class("mgcourse-panel-text")  # a scrolling region: mgcourse.a11y makes it keyboard-reachable
        self.figure_box = W.Box(layout=W.Layout(overflow="hidden"))
        self.output = W.Output()  # inline mode: the figure as a PNG with its text alternative
        self.fig = None
        self.canvas = None
        self._drawn_once = False
        self._blit = _Blitter()
        self.view: View | None = None  # the last good view (its artists are on screen)
        self._last_text = None
        self._pending_text = None  # a readout waiting for its frame to be drawn (asyncio TimerHandle)
        self.current: View | None = None  # the view shown now (a message, or the last good view)
        self.last_ms = {}
        n = len(self.controls)
        if n >= 4:  # two columns of controls: the panel stays within one screen
            ctl = W.GridBox(list(self.controls.values()),
                            layout=W.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="2px 12px"))
        else:
            ctl = W.VBox(list(self.controls.values()))
        fig_widget = self.figure_box if self.mode == "ipympl" else self.output
        self.box = W.VBox([self.header, ctl, self.status, self.text, fig_widget])
        # old attribute names (tests, notebooks): box.controls, box.output, box.refresh
        self.box.controls, self.box.output, self.box.refresh, self.box.panel = self.controls, self.text, self.refresh, self
        for w in self.controls.values():
            w.observe(self.refresh, names="value")
        self.refresh()

    # ------------------------------------------------------------------ computing
    def params(self) -> dict:
        return {k: w.value for k, w in self.controls.items()}

    def compute(self, params: dict) -> View:
        """The view for ``params``: in place when possible, else the callback redrawn into the same figure."""
        return update_view(self.spec, self.view, self.fig, params)

    def refresh(self, *change):
        """Recompute for the controls' values and update the readout and the figure (timed in ``last_ms``).

        Called by a control's change (``change`` is its event), the readout of a live figure follows the new
        frame after :data:`READOUT_DELAY_S` (see :meth:`_show_text`)."""
        import time

        t0 = time.perf_counter()
        view = self.compute(self.params())
        t1 = time.perf_counter()
        self._show(view, moved=bool(change))
        t2 = time.perf_counter()
        self.last_ms = {"compute": 1e3 * (t1 - t0), "show": 1e3 * (t2 - t1)}
        return view

    # ------------------------------------------------------------------ showing
    def _show_text(self, view: View, defer: bool = False):
        """Show the view's readout (Markdown, then its table) in the panel's output area.

        ``defer``: a control moved and a new figure frame is on its way. The readout then waits
        :data:`READOUT_DELAY_S` on the kernel's event loop, so that the frame is decoded and drawn in the page
        before the readout's messages (and their Markdown and maths rendering) compete with it for the page and
        the kernel. A further move within the delay replaces the pending readout: while a learner holds a key or
        drags, the figure follows every step and the readout shows where the slider rests."""
        if self._pending_text is not None:
            self._pending_text.cancel()
            self._pending_text = None
        loop = _running_loop() if defer else None
        if loop is None:
            self._render_text(view)
        else:
            self._pending_text = loop.call_later(READOUT_DELAY_S, self._render_text, view)

    def _render_text(self, view: View):
        self._pending_text = None
        key = (view.text, id(view.table) if view.table is not None else None)
        if key == self._last_text:
            return
        self._last_text = key
        # the output area's records set directly (one widget message, valid from any context: a deferred call
        # has no cell or comm message to capture its display under)
        self.text.outputs = readout_records(view)

    def _show(self, view: View, moved: bool = False):
        self.current = view
        self.status.value = "" if not view.error else "<span style='color:#B33A00'>see the message below</span>"
        if view.error or view.figure is None:
            self._show_text(view)
            self.view = None  # rebuild on the next good input (the artists may be half-updated)
            if self.mode == "ipympl":
                self.figure_box.layout.display = "none"
            else:
                self.output.clear_output()
            return
        self.view = view
        if self.mode == "ipympl":
            if view.figure is not self.fig:  # first figure, or a callback that returned another (cached) one
                self.fig = view.figure
                canvas = self.fig.canvas
                if type(canvas).__name__ in ("Canvas", "PanelCanvas") and hasattr(canvas, "manager"):
                    self.canvas = canvas
                else:
                    _fit_dpi(self.fig, self._figure_budget_px(view))
                    self.canvas = _ipympl_canvas(self.fig)
                self.figure_box.children = (self.canvas,)
                self._drawn_once = False
                self._blit.attach(self.canvas)
            self._blit.set_animated(view.animated)
            self.figure_box.layout.display = None
            if self._drawn_once:
                # only the changing artists over the cached background when it is still valid; otherwise draw
                # now (Agg) and send the new frame at once (draw_idle() would first ask the browser for a
                # redraw request, one more round trip per slider move)
                if not self._blit.blit():
                    self.fig.canvas.draw()
            else:  # a new canvas: the browser side sets itself up and then asks for its first frame
                self.fig.canvas.draw_idle()
                self._drawn_once = True
        else:
            from .style import show

            self.fig = view.figure
            with self.output:
                self.output.clear_output(wait=True)
                show(view.figure, view.alt)
        # after the figure: the figure is what the learner waits for
        self._show_text(view, defer=moved and self.mode == "ipympl")

    def draw_now(self) -> float:
        """Render the current figure as the learner's canvas does (Agg draw); return milliseconds."""
        import time

        if self.fig is None:
            return 0.0
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        t0 = time.perf_counter()
        canvas = self.fig.canvas
        if not hasattr(canvas, "get_renderer"):
            canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        return 1e3 * (time.perf_counter() - t0)

    def _figure_budget_px(self, view: View) -> float:
        """Pixels left for the figure so that the whole panel stays within PANEL_MAX_PX (an estimate)."""
        n = len(self.controls)
        control_rows = (n + 1) // 2 if n >= 4 else n
        text_lines = sum(max(1, len(par) // 150 + 1) for par in view.text.split("\n\n") if par.strip())
        table_rows = 0 if view.table is None else len(view.table) + 1
        text_px = min(TEXT_MAX_PX, 24 * text_lines + 12 * view.text.count("\n\n") + 29 * table_rows)
        used = 34 + 34 * control_rows + text_px
        return max(260.0, min(540.0, PANEL_MAX_PX - used - 60))  # 60 px margin: the estimate is rough

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, include=None, exclude=None, preview: str = "figure"):
        """The panel's widget view, with a static figure (``<img alt>``) and a one-line note in one display bundle.

        Where no widget manager runs (a notebook opened before running is untrusted, so JupyterLab skips the widget
        renderer; GitHub; nbviewer) the front end shows the figure at the initial settings, or the note, instead
        of a raw widget repr.
        """
        from .style import png_bytes

        data = self.box._repr_mimebundle_()
        if isinstance(data, tuple):
            data = data[0]
        data = dict(data)
        title = self.spec.title or self.spec.name
        alt = self.view.alt if self.view is not None else ""
        data["text/plain"] = f"[Interactive panel: {title}. Run the notebook to move the controls.] {alt}".strip()
        if preview == "figure" and self.view is not None and self.view.figure is not None:
            from .style import figure_html

            # an <img> with the description in its alt attribute (JupyterLab's image/png renderer sets no alt):
            # what an untrusted notebook (opened before running), GitHub or nbviewer shows instead of the widget
            data["text/html"] = figure_html(png_bytes(self.view.figure), alt or title)
        return data


def build_panel(name: str, *, mode: str | None = None, **overrides) -> Panel:
    """Build (without displaying) the panel for a registered callback; ``overrides`` set initial values."""
    return Panel(name, mode=mode, **overrides)


def panel(name: str, *, preview: str = "figure", **overrides):
    """Show the interactive panel for a registered callback: controls, readout and a figure updated in place.

    ``preview="figure"`` stores the figure at the initial settings as a PNG alongside the widget view (what a
    reader sees before running); ``preview="note"`` stores only a one-line note (use it where the same figure
    is already shown as a static figure nearby). ``overrides`` set initial control values.
    """
    from IPython.display import display

    if preview not in ("figure", "note"):
        raise ValueError(f"preview must be 'figure' or 'note', got {preview!r}")
    p = build_panel(name, **overrides)
    display(p._repr_mimebundle_(preview=preview), raw=True)
    return None
