"""Widget sweep (course design §4 and §9.4): every registered callback at every control's
min, max, default and a few seeded random points returns a View, or raises a ValueError
with a readable message, which the panel shows in place of a traceback."""

import re

import numpy as np

import pytest

from mgcourse import widgets
from mgcourse.widgets import View, safe_call

REGISTRY = widgets.discover()


def test_registry_is_not_empty():
    assert "00.converter" in REGISTRY


def _labels_ok(spec):
    return [c.label for c in spec.controls.values()]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_controls_are_labelled_and_sliders_carry_units(name):
    spec = REGISTRY[name]
    for key, control in spec.controls.items():
        assert control.label.strip(), f"{name}: control {key} has no label"
        if isinstance(control, widgets.Slider):
            assert re.search(r"\(.+\)", control.label), f"{name}: slider {control.label!r} needs its unit in brackets"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_sweep_every_control_extreme(name):
    spec = REGISTRY[name]
    for params in spec.sweep(seed=1):
        try:
            view = spec.func(**params)
        except ValueError as exc:  # allowed: shown as a message by the panel
            msg = str(exc)
            assert 0 < len(msg) < 400 and "Traceback" not in msg, (name, params, msg)
            assert safe_call(spec.func, **params).error
            continue
        assert isinstance(view, View), (name, params)
        assert "nan" not in re.findall(r"\bnan\b", view.text.lower()), (name, params, view.text)
        if view.figure is not None:
            assert view.alt.strip(), (name, params)
            for ax in view.figure.axes:
                if ax.has_data() and ax.name == "rectilinear" and ax.axison:
                    assert ax.get_xlabel() or ax.get_ylabel(), f"{name}: an axis without labels"
                    for line in ax.get_lines():  # no all-NaN ("empty") curves
                        ys = np.asarray(line.get_ydata(), dtype=float)
                        assert ys.size == 0 or np.isfinite(ys).any(), f"{name}: a curve with no finite value"


def test_safe_call_turns_value_error_into_message():
    def cb(x):
        raise ValueError("x must be between 0 and 1, got 5")

    view = safe_call(cb, x=5)
    assert view.error and "x must be between 0 and 1" in view.text


def test_static_and_panel_render_and_react(monkeypatch):
    import IPython.display

    shown, rendered = [], []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setattr(View, "display", lambda self: rendered.append(self))

    widgets.static("00.converter")
    assert rendered[-1].text.startswith("100 mg/dL of glucose = **5.551 mmol/L**")

    widgets.panel("00.converter", value="126")
    bundle = shown[-1]  # one display bundle: the widget view with a readable text alternative
    assert "application/vnd.jupyter.widget-view+json" in bundle and "Interactive panel" in bundle["text/plain"]
    p = widgets.build_panel("00.converter", value="126")
    box = p.box
    assert set(box.controls) == {"substance", "value", "from_unit", "to_unit"}
    assert box.controls["value"].description == "Value"
    assert "126 mg/dL of glucose = **6.994 mmol/L**" in p.current.text  # first render uses the override
    box.controls["value"].value = "7"
    box.controls["from_unit"].value = "mmol/L"
    box.controls["to_unit"].value = "mg/dL"
    assert "7 mmol/L of glucose = **126.1 mg/dL**" in p.current.text  # each change re-renders
    box.controls["value"].value = "seven"
    assert p.current.error and "must be a number" in p.current.text  # a message, not a traceback


@pytest.mark.parametrize("name", ["04.explorer", "06.dose_response", "05.food_ranking"])
def test_live_panel_updates_one_figure_in_place(name):
    """A control change redraws into the figure already on screen; the readout and the figure change."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    spec = REGISTRY[name]
    p = widgets.build_panel(name, mode="inline")
    fig0, text0 = p.fig, p.current.text
    FigureCanvasAgg(fig0).draw()
    before = np.asarray(fig0.canvas.buffer_rgba()).copy()
    key, control = next((k, c) for k, c in spec.controls.items() if isinstance(c, (widgets.Slider, widgets.Dropdown)))
    new = control.max if isinstance(control, widgets.Slider) else control.test_values(None)[-1]
    if new == p.controls[key].value:
        new = control.min if isinstance(control, widgets.Slider) else control.test_values(None)[0]
    p.controls[key].value = new
    assert not p.current.error, p.current.text
    assert p.fig is fig0, "the panel must keep one figure"
    assert p.current.text != text0
    FigureCanvasAgg(fig0).draw()
    assert not np.array_equal(before, np.asarray(fig0.canvas.buffer_rgba())), "the figure did not change"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_callbacks_accept_exactly_their_controls_range(name):
    """Issue 15: a value just outside a slider's range, or not among a dropdown's options, is refused with a
    message naming the parameter; the panel shows it instead of a traceback."""
    spec = REGISTRY[name]
    for key, control in spec.controls.items():
        bad = []
        if isinstance(control, widgets.Slider):
            bad = [control.min - control.step, control.max + control.step, float("nan")]
        elif isinstance(control, widgets.Dropdown):
            bad = ["no such option"]
        for value in bad:
            params = {**spec.defaults(), key: value}
            with pytest.raises((ValueError, TypeError), match=key):
                spec.func(**params)
            view = safe_call(spec.func, **params)
            assert view.error and key in view.text


def test_panel_bundle_has_a_static_figure_or_note(monkeypatch):
    """Before running, a front end without the widget manager shows the figure (an <img> with its alt text) or the
    note, not a widget repr; the PNG is stored once, inside that HTML."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append(objs[0]))
    widgets.panel("04.explorer")
    assert shown[-1]["text/html"].startswith('<img src="data:image/png;base64,') and ' alt="' in shown[-1]["text/html"]
    assert "image/png" not in shown[-1] and shown[-1]["text/plain"].startswith("[Interactive panel:")
    assert "VBox(" not in shown[-1]["text/plain"]
    widgets.panel("04.explorer", preview="note")
    assert "image/png" not in shown[-1] and "text/html" not in shown[-1]
    with pytest.raises(ValueError, match="preview"):
        widgets.panel("04.explorer", preview="png")


def test_table_has_no_index_readable_headers_and_no_nan():
    import pandas as pd

    t = widgets.Table(pd.DataFrame({"mg_per_100g": [12.345, float("nan")], "food": ["a", None]}))
    html = t._repr_html_()
    assert "Mg per 100 g" in html and "NaN" not in html and "nan" not in html.lower().replace("nan ", "")
    assert "–" in html and "12.3" in html
    assert "<th></th>" not in html  # no index column




@pytest.mark.parametrize("step, fmt", [(0.1, ".1f"), (0.05, ".2f"), (0.005, ".3f"), (0.0005, ".4f"), (1, ".0f"),
                                       (5.0, ".0f"), (0.25, ".2f")])
def test_slider_readout_rounds_to_the_step(step, fmt):
    from mgcourse.widgets import Slider, step_format

    assert step_format(step) == fmt
    w = Slider("x (mg)", 0, 10, 0, step).make()
    assert w.readout_format == fmt
    assert format(0.1 + 0.2, w.readout_format) in {"0", "0.3", "0.30", "0.300", "0.3000"}


def test_every_registered_slider_reads_out_rounded_and_exact():
    """Readouts (and what a screen reader says) have at most 4 decimals and still show the default exactly."""
    from mgcourse import widgets

    problems = []
    for spec in widgets.discover().values():
        for control in spec.controls.values():
            if isinstance(control, widgets.Slider) and not control.integer:
                fmt = control.make().readout_format
                shown = format(control.default, fmt)
                if int(fmt[1:-1]) > 4 or abs(float(shown) - control.default) > 1e-9:
                    problems.append(f"{spec.name} {control.label!r}: default {control.default} shown as {shown}")
    assert not problems, "\n".join(problems)


def _figure_data(fig):
    """What a figure shows, for comparison: every line's data, every rectangle's size, every text, per axes."""
    from matplotlib.patches import Rectangle

    out = []
    for ax in fig.axes:
        lines = [(np.asarray(ln.get_xdata(), float).round(9).tolist(), np.asarray(ln.get_ydata(), float).round(9).tolist())
                 for ln in ax.get_lines()]
        rects = [(round(p.get_width(), 9), round(p.get_height(), 9)) for p in ax.patches if isinstance(p, Rectangle)]
        texts = [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_title(), ax.get_title(loc="right")]
        legend = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        out.append((lines, rects, texts, legend, ax.get_ylim() if ax.get_autoscaley_on() else None))
    return out


@pytest.mark.parametrize("name", sorted(n for n, s in REGISTRY.items() if s.update is not None))
def test_in_place_update_shows_what_a_fresh_build_shows(name):
    """An updater changes the artists on screen; the result must equal the callback's own figure and text."""
    spec = REGISTRY[name]
    view = widgets.update_view(spec, None, None, spec.defaults())
    fig = view.figure
    in_place = 0
    for params in spec.walk(30, seed=3):
        new = widgets.update_view(spec, view, fig, params)
        fresh = safe_call(spec.func, **params)
        assert new.text == fresh.text and new.error == fresh.error, (name, params)
        if new.error:
            view = new if new.figure is not None else view
            continue
        in_place += new.figure is fig
        assert _figure_data(new.figure) == _figure_data(fresh.figure), (name, params)
        view, fig = new, new.figure
    assert in_place, f"{name}: no step was updated in the figure already on screen"


def test_slider_readouts_round_to_their_step():
    assert widgets.Slider("Dose (mg/day)", 0, 1200, 300, 10).make().readout_format == ".0f"
    assert widgets.Slider("Pool M (1 = replete)", 0.2, 1.4, 1.0, 0.05).make().readout_format == ".2f"
    assert widgets.Slider("S_G (min⁻¹)", 0.005, 0.05, 0.0308, 0.0002).make().readout_format == ".4f"
