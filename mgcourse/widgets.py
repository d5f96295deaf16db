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
output area (:func:`safe_call`), never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


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

    def _values(self):
        return [o[1] if isinstance(o, tuple) else o for o in self.options]

    def __post_init__(self):
        if self.default not in self._values():
            raise ValueError(f"dropdown {self.label!r}: default {self.default!r} not among the options")

    def test_values(self, rng, n_random: int = 0) -> list:
        return list(self._values())

    def make(self):
        import ipywidgets as W

        return W.Dropdown(options=list(self.options), value=self.default, description=self.label,
                          style={"description_width": "initial"})


@dataclass(frozen=True)
class Checkbox:
    label: str
    default: bool = False

    def test_values(self, rng, n_random: int = 0) -> list:
        return [False, True]

    def make(self):
        import ipywidgets as W

        return W.Checkbox(value=self.default, description=self.label, indent=False)


@dataclass(frozen=True)
class Text:
    """A free-text box. ``examples`` are extra values the sweep test tries (include bad ones)."""

    label: str
    default: str = ""
    examples: tuple = ()

    def test_values(self, rng, n_random: int = 0) -> list:
        return [self.default, "", *self.examples]

    def make(self):
        import ipywidgets as W

        return W.Text(value=self.default, description=self.label, continuous_update=False,
                      style={"description_width": "initial"}, layout=W.Layout(width="95%"))


Control = Slider | Dropdown | Checkbox | Text


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
            display(self.table)
        if self.figure is not None:
            show(self.figure, self.alt)


def error_view(message: str) -> View:
    """A short, friendly message for the output area."""
    return View(text=f"⚠️ **Input problem:** {message}", error=True)


def safe_call(func: Callable[..., View], /, **kwargs) -> View:
    """Call a callback; a ``ValueError`` becomes an :func:`error_view` instead of a traceback."""
    try:
        view = func(**kwargs)
    except ValueError as exc:
        return error_view(str(exc))
    except (ArithmeticError, FloatingPointError) as exc:  # numerical blow-up: still a message
        return error_view(f"the computation failed for these settings ({type(exc).__name__}: {exc})")
    if not isinstance(view, View):
        raise TypeError(f"callback {getattr(func, '__name__', func)!r} returned {type(view).__name__}, not View")
    return view


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class WidgetSpec:
    name: str
    func: Callable[..., View]
    controls: dict
    title: str = ""

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
        REGISTRY[name] = WidgetSpec(name, func, dict(controls), title or (func.__doc__ or "").strip().split("\n")[0])
        func.widget_name = name
        return func

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


def panel(name: str, **overrides):
    """Build the interactive panel for a registered callback: controls above, output below.

    ``overrides`` set initial control values. Returns an ``ipywidgets.VBox`` with
    attributes ``controls`` (dict of widgets), ``output`` and ``refresh()``.
    """
    import ipywidgets as W
    from IPython.display import display

    spec = get(name)
    controls = {}
    for key, control in spec.controls.items():
        w = control.make()
        if key in overrides:
            w.value = overrides[key]
        controls[key] = w
    output = W.Output(layout=W.Layout(min_height="120px"))
    status = W.HTML(value="")

    def refresh(*_):
        params = {k: w.value for k, w in controls.items()}
        view = safe_call(spec.func, **params)
        status.value = "" if not view.error else "<span style='color:#D55E00'>see the message below</span>"
        with output:
            output.clear_output(wait=True)
            view.display()

    for w in controls.values():
        w.observe(refresh, names="value")
    header = W.HTML(f"<b>{spec.title}</b>") if spec.title else W.HTML("")
    box = W.VBox([header, *controls.values(), status, output])
    box.controls, box.output, box.refresh = controls, output, refresh
    refresh()
    display(box)
    return None
