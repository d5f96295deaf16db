"""Calibration panels for the browser benchmark (``python -m mgcourse.tools.bench --browser``).

Not part of the course: they measure the machine, so that a panel's number can be read against them.

* ``bench.floor``: one line on an empty figure, blitted. Keypress to new frame here is the floor that no panel
  can beat: the slider's message to the kernel, the kernel's answer, the PNG frame and its decoding in the page.
* ``bench.axes_blit`` / ``bench.axes_full``: one line on labelled axes (a title, two axis labels, ticks), the
  first blitted, the second drawing the whole figure each time: the difference is what blitting saves on the
  simplest real figure (mostly text rendering).

Registered only when this module is imported (the bench notebook does); ``widgets.discover()`` skips tools.
"""

from __future__ import annotations

import numpy as np

from ..style import new_figure
from ..widgets import REGISTRY, Slider, View, register

_X = np.linspace(0.0, 10.0, 200)
_K = Slider("Frequency k (1/unit)", 0.1, 5.0, 1.0, 0.1)


def _view(k: float, *, axes: bool, blit: bool, fig=None, line=None) -> View:
    if fig is None:
        fig, ax = new_figure(figsize=(7.0, 4.0))
        (line,) = ax.plot(_X, np.sin(k * _X))
        ax.set_ylim(-1.1, 1.1)
        ax.set_xlim(0, 10)
        if axes:
            ax.set_xlabel("x (unit)")
            ax.set_ylabel("sin(k x) (no unit)")
            ax.set_title("Calibration: one line on labelled axes")
        else:
            ax.set_axis_off()
    line.set_ydata(np.sin(k * _X))
    return View(text="", figure=fig, alt=f"Calibration figure: a sine wave with frequency {k:.1f}.",
                artists={"line": line}, animated=(line,) if blit else ())


def _register() -> None:
    if "bench.floor" in REGISTRY:
        return
    def make(name: str, axes: bool, blit: bool) -> None:
        def build(k):
            return _view(k, axes=axes, blit=blit)

        def update(view, k):
            return _view(k, axes=axes, blit=blit, fig=view.figure, line=view.artists["line"])

        register(name, title=f"Calibration panel {name}", k=_K)(build).updater(update)

    make("bench.floor", False, True)
    make("bench.axes_blit", True, True)
    make("bench.axes_full", True, False)


_register()

#: The calibration panels, in the order the benchmark shows them.
NAMES = ("bench.floor", "bench.axes_blit", "bench.axes_full")
