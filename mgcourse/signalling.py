"""Chapter 02: glucose homeostasis, insulin signalling and the insulin-resistance indices.

* Diagrams made by code (saved by ``python -m mgcourse.tools.figures``):
  ``ch02_glucose_homeostasis`` (the pancreas–liver–muscle–fat loop) and
  ``ch02_insulin_cascade`` (insulin → receptor → IRS → PI3K → Akt → GLUT4, with the
  places where magnesium acts: Gommers et al. 2016, Diabetes 65:3–13; Kostov 2019,
  Int J Mol Sci 20:1351).
* A **teaching model** (toy) of receptor activation as a saturable function of
  insulin times a saturable function of intracellular free Mg (which sets Mg-ATP
  availability). Its parameters are *illustrative assumptions*, not measurements.
* The index calculator (HOMA-IR, QUICKI, Matsuda; formulas in :mod:`mgcourse.indices`,
  unit conversion in :mod:`mgcourse.units`) and its interpretation against the
  published typical values of the fact sheet (section 5a).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import indices, units
from ._validate import as_array, as_str, in_range, instance_of
from .style import OKABE_ITO, ROLE_COLORS, new_diagram, new_figure, register_figure
from .widgets import Dropdown, Slider, Text, View, register

# --------------------------------------------------------------------------- diagrams
_MG_COLOR = ROLE_COLORS["magnesium"]


def _box(ax, x, y, text, *, w=0.46, h=0.075, face="#ffffff", edge="#333333", size=11, weight="normal"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.012,rounding_size=0.02",
                                facecolor=face, edgecolor=edge, linewidth=1.6, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, weight=weight, zorder=3, wrap=True)


def _arrow(ax, xy_from, xy_to, *, color="#333333", text="", text_xy=None, style="-|>", ls="-", rad=0.0, size=10):
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(xy_from, xy_to, arrowstyle=style, mutation_scale=16, color=color, linewidth=1.8,
                                 linestyle=ls, connectionstyle=f"arc3,rad={rad}", zorder=3))
    if text:
        tx, ty = text_xy or ((xy_from[0] + xy_to[0]) / 2 + 0.02, (xy_from[1] + xy_to[1]) / 2)
        ax.text(tx, ty, text, fontsize=size, ha="left", va="center", color=color)


def _mg_badge(ax, x, y, label="Mg"):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), 0.032, facecolor=_MG_COLOR, edgecolor="#1b4d3e", linewidth=1.2, zorder=4))
    ax.text(x, y, label, ha="center", va="center", fontsize=9, color="white", weight="bold", zorder=5)


@register_figure("ch02_insulin_cascade",
                 alt="Diagram of the insulin signalling cascade: insulin binds the outer part of its receptor, which "
                     "spans the cell membrane, and the inner tyrosine-kinase part signals through IRS, PI3K and Akt to "
                     "GLUT4 translocation and glucose uptake, with green Mg badges where magnesium acts: the receptor's "
                     "autophosphorylation (uses Mg-ATP) and the downstream kinases.")
def cascade_figure():
    """Diagram: insulin → receptor (tyrosine kinase, Mg-ATP) → IRS → PI3K → Akt → GLUT4 → glucose uptake."""
    from matplotlib.patches import FancyBboxPatch, Rectangle

    fig, ax = new_diagram(figsize=(10.0, 7.4))
    # cell membrane
    ax.axhspan(0.80, 0.83, xmin=0.0, xmax=1.0, color="#e9d8a6", zorder=0)
    ax.text(0.01, 0.84, "outside the cell\n(blood, interstitial fluid)", fontsize=10, color="#555555")
    ax.text(0.01, 0.775, "inside a muscle or fat cell", fontsize=10, color="#555555", va="top")
    ax.text(0.99, 0.815, "cell membrane", fontsize=9, color="#7a6a2f", ha="right", va="center")
    x = 0.40
    _box(ax, x, 0.965, "Insulin (from pancreatic β-cells)", h=0.05, face="#dbe9f6", edge=ROLE_COLORS["insulin"],
         weight="bold")
    # the receptor spans the membrane: insulin binds its outer part; the inner part is the kinase
    _box(ax, x, 0.885, "Insulin receptor, outer part: insulin binds here", h=0.045, face="#f4f4f4", size=10)
    for dx in (-0.05, 0.05):  # the receptor (a dimer) crosses the membrane
        ax.add_patch(Rectangle((x + dx - 0.012, 0.745), 0.024, 0.12, facecolor="#f4f4f4", edgecolor="#333333",
                               linewidth=1.4, zorder=2))
    _box(ax, x, 0.70, "Insulin receptor, inner part: a tyrosine kinase\nautophosphorylation uses Mg-ATP",
         h=0.085, face="#f4f4f4")
    _box(ax, x, 0.565, "IRS-1 / IRS-2 (insulin receptor substrates)\ntyrosine-phosphorylated")
    _box(ax, x, 0.445, "PI3K (phosphoinositide 3-kinase)\nmakes PIP3 at the membrane")
    _box(ax, x, 0.325, "Akt (protein kinase B)\nphosphorylates its targets")
    _box(ax, x, 0.205, "GLUT4 vesicles move to the membrane\n(translocation)")
    _box(ax, x, 0.075, "Glucose uptake into the cell", face="#fbe3d6", edge=ROLE_COLORS["glucose"], weight="bold")
    for y0, y1 in ((0.94, 0.908), (0.655, 0.605), (0.525, 0.485), (0.405, 0.365), (0.285, 0.245), (0.165, 0.115)):
        _arrow(ax, (x, y0), (x, y1))
    # GLUT4 in the membrane and the glucose path through it
    gx = 0.73
    ax.add_patch(FancyBboxPatch((gx - 0.035, 0.795), 0.07, 0.04, boxstyle="round,pad=0.005", facecolor="#fbe3d6",
                                edgecolor=ROLE_COLORS["glucose"], linewidth=1.4, zorder=3))
    ax.text(gx, 0.815, "GLUT4", ha="center", va="center", fontsize=9, zorder=4)
    ax.text(gx, 0.95, "glucose", ha="center", va="center", fontsize=11, color=ROLE_COLORS["glucose"], weight="bold")
    _arrow(ax, (gx, 0.93), (gx, 0.84), color=ROLE_COLORS["glucose"])
    _arrow(ax, (gx, 0.79), (x + 0.24, 0.085), color=ROLE_COLORS["glucose"], ls="--", rad=-0.25)
    _arrow(ax, (x + 0.24, 0.215), (gx - 0.04, 0.795), color="#777777", ls=":", rad=0.3)
    ax.text(0.785, 0.22, "dotted: GLUT4 inserted\nin the membrane\ndashed: glucose enters", fontsize=9, color="#555555", ha="left")
    # magnesium sites
    for yy in (0.70, 0.445, 0.325):
        _mg_badge(ax, 0.115, yy)
    note = ("Where magnesium acts (Mg badges)\n"
            "• Receptor autophosphorylation\n  depends on intracellular Mg:\n  Mg-ATP is the kinase's\n"
            "  substrate (Gommers 2016;\n  Kostov 2019).\n"
            "• Downstream kinases (PI3K, Akt)\n  also need Mg²⁺ (Kostov 2019).\n"
            "• Low Mg: post-receptor defects,\n  less glucose transport\n  (Kostov 2019, review).")
    ax.text(0.78, 0.73, note, fontsize=9.5, va="top", ha="left",
            bbox=dict(boxstyle="round,pad=0.4", facecolor="#e6f4ef", edgecolor=_MG_COLOR))
    return fig


@register_figure("ch02_glucose_homeostasis",
                 alt="Diagram of the glucose feedback loop: blood glucose in the centre, the pancreas releasing "
                     "insulin when glucose rises and glucagon when it falls, the liver storing glucose when fed and "
                     "releasing it when fasting, and muscle and fat taking glucose up under insulin.")
def homeostasis_figure():
    """Diagram: the pancreas–liver–muscle–fat loop that keeps blood glucose in range (fed vs fasting)."""
    fig, ax = new_diagram(figsize=(9.5, 6.6))
    ins, glu = ROLE_COLORS["insulin"], ROLE_COLORS["glucose"]
    _box(ax, 0.5, 0.52, "Blood glucose\nfasting normal < 100 mg/dL\n(< 5.6 mmol/L, ADA)", w=0.29, h=0.14,
         face="#fbe3d6", edge=glu, weight="bold")
    _box(ax, 0.5, 0.88, "Pancreas\nβ-cells: insulin · α-cells: glucagon", w=0.40, h=0.09, face="#dbe9f6", edge=ins)
    _box(ax, 0.5, 0.15, "Gut: a meal delivers glucose (fed state)", w=0.44, h=0.07)
    _box(ax, 0.15, 0.52, "Liver\nfed: stores glycogen\nfasting: releases glucose\n(glycogen, new glucose)",
         w=0.25, h=0.19)
    _box(ax, 0.85, 0.78, "Skeletal muscle\ninsulin → GLUT4 →\nglucose uptake", w=0.25, h=0.13)
    _box(ax, 0.85, 0.26, "Adipose (fat) tissue\ninsulin → glucose uptake,\nfat breakdown restrained", w=0.26, h=0.14)
    _arrow(ax, (0.5, 0.19), (0.5, 0.445), color=glu, text="fed: glucose rises", text_xy=(0.51, 0.30))
    _arrow(ax, (0.45, 0.595), (0.45, 0.83), color=glu, text="sensed by\nthe islets", text_xy=(0.33, 0.72), size=9)
    _arrow(ax, (0.55, 0.83), (0.55, 0.595), color=ins, text="insulin lowers,\nglucagon raises", text_xy=(0.56, 0.72),
           size=9)
    _arrow(ax, (0.30, 0.88), (0.17, 0.62), color=ins, text="insulin (fed)\nglucagon (fasting)", text_xy=(0.04, 0.76),
           size=9, rad=0.2)
    _arrow(ax, (0.70, 0.88), (0.725, 0.82), color=ins, text="insulin", text_xy=(0.70, 0.93), size=9)
    _arrow(ax, (0.66, 0.835), (0.78, 0.335), color=ins, rad=0.1, text="insulin", text_xy=(0.745, 0.48), size=9)
    _arrow(ax, (0.355, 0.55), (0.262, 0.55), color=glu, text="", size=9)
    _arrow(ax, (0.262, 0.48), (0.355, 0.48), color=glu, ls="--")
    ax.text(0.27, 0.575, "store (fed)", fontsize=9, color=glu)
    ax.text(0.27, 0.445, "release (fasting)", fontsize=9, color=glu, va="top")
    _arrow(ax, (0.645, 0.55), (0.74, 0.73), color=glu, text="uptake", text_xy=(0.645, 0.66), size=9)
    _arrow(ax, (0.645, 0.48), (0.735, 0.31), color=glu, text="uptake", text_xy=(0.625, 0.37), size=9)
    ax.text(0.5, 0.02, "Insulin resistance: the same insulin moves less glucose, so the β-cells must secrete more "
                       "to keep glucose in range.", ha="center", fontsize=10, style="italic")
    return fig


# --------------------------------------------------------------------------- teaching model
#: Illustrative (toy-model) parameters of :func:`receptor_activation`. NOT measured values.
TOY_EC50_UU_ML = 20.0
TOY_K_MG_RELATIVE = 0.5
#: Basal insulin used as the reference point (minimal-model example Ib; fact sheet 5a/5c).
BASAL_INSULIN_UU_ML = 7.3


def mg_factor(mg_relative: Any, k_mg_relative: float = TOY_K_MG_RELATIVE):
    """Saturable Mg-ATP availability, normalised to 1 at replete Mg (``mg_relative = 1``).

    f(m) = m·(K + 1) / (K + m), with m the intracellular free Mg relative to replete.
    **Toy-model assumption**: the shape and K are illustrative.
    """
    m = as_array("mg_relative", mg_relative)
    if np.any(m < 0) or np.any(m > 3):
        raise ValueError(f"mg_relative must be between 0 and 3 (1 = replete), got {mg_relative}")
    k = in_range("k_mg_relative", k_mg_relative, 0.0, 10.0, low_inclusive=False)
    out = m * (k + 1.0) / (k + m)
    return float(out) if np.ndim(mg_relative) == 0 else out


def receptor_activation(insulin_uU_ml: Any, mg_relative: float = 1.0, *, ec50_uU_ml: float = TOY_EC50_UU_ML,
                        hill: float = 1.0, k_mg_relative: float = TOY_K_MG_RELATIVE):
    """Teaching model: insulin-receptor activation (fraction of the replete maximum).

    A(I, m) = I^h / (EC50^h + I^h) × f(m), with f from :func:`mg_factor`.

    The insulin term is a Hill function (h = 1: Michaelis–Menten); the magnesium
    term stands for Mg-ATP availability to the receptor kinase (the receptor's
    autophosphorylation uses Mg-ATP: Gommers 2016; Kostov 2019). Lower Mg lowers the
    *maximum* but not the EC50. **All parameters are illustrative assumptions.**

    >>> round(receptor_activation(20.0, 1.0), 3)
    0.5
    """
    i = as_array("insulin_uU_ml", insulin_uU_ml)
    if np.any(i < 0):
        raise ValueError(f"insulin_uU_ml must be ≥ 0 µU/mL, got {insulin_uU_ml}")
    ec50 = in_range("ec50_uU_ml", ec50_uU_ml, 0.0, 1e4, low_inclusive=False, unit="µU/mL")
    h = in_range("hill", hill, 0.25, 6.0)
    mg_relative = in_range("mg_relative", mg_relative, 0.0, 3.0, unit="(1 = replete)")
    with np.errstate(over="ignore", invalid="ignore"):
        frac = i ** h / (ec50 ** h + i ** h)
    # i**h overflows only for huge insulin (ec50**h ≤ 1e24 stays finite): the Hill term's limit there is 1
    frac = np.where(np.isnan(frac), 1.0, frac)
    out = frac * mg_factor(mg_relative, k_mg_relative)
    return float(out) if np.ndim(insulin_uU_ml) == 0 else out


def insulin_to_match(target: float, mg_relative: float, *, ec50_uU_ml: float = TOY_EC50_UU_ML, hill: float = 1.0,
                     k_mg_relative: float = TOY_K_MG_RELATIVE) -> float:
    """Insulin (µU/mL) that gives activation ``target`` at ``mg_relative``.

    Raises ``ValueError`` if the target cannot be reached: the activation approaches
    its maximum f(m) (:func:`mg_factor`) only as insulin grows without bound, so a
    ``target`` at or above that maximum needs infinite insulin.
    """
    f = mg_factor(in_range("mg_relative", mg_relative, 0.0, 3.0), k_mg_relative)
    target = in_range("target", target, 0.0, 10.0)
    ec50 = in_range("ec50_uU_ml", ec50_uU_ml, 0.0, 1e4, low_inclusive=False, unit="µU/mL")
    h = in_range("hill", hill, 0.25, 6.0)
    if f <= 0 or target >= f:
        raise ValueError(
            f"target activation {target:g} is unreachable at mg_relative = {mg_relative:g}: the maximal activation "
            f"there is {f:.3g} (the magnesium factor lowers the plateau), and activation only approaches that "
            f"maximum as insulin grows without bound; choose a target below {f:.3g}")
    r = target / f
    return float(ec50 * (r / (1.0 - r)) ** (1.0 / h))


#: Insulin grid of the dose-response curves of the demo (µU/mL).
_TOY_INSULIN = np.geomspace(0.5, 1000.0, 200)
#: The highest plateau the demo's sliders reach: f(m) at Mg 1.5 × replete with K = 0.1 (:func:`mg_factor`).
_TOY_PLATEAU_MAX = 1.5 * (0.1 + 1.0) / (0.1 + 1.5)


@register("02.receptor_toy", title="Teaching model: receptor activation vs insulin and intracellular Mg",
          mg_relative=Slider("Intracellular free Mg (relative to replete = 1)", 0.1, 1.5, 0.6, 0.05),
          hill=Slider("Hill coefficient h (illustrative)", 1.0, 3.0, 1.0, 0.25),
          k_mg=Slider("Mg half-saturation K (relative units, illustrative)", 0.1, 2.0, 0.5, 0.05))
def receptor_toy_view(mg_relative: float, hill: float, k_mg: float) -> View:
    """Dose–response curves of the teaching model, replete vs the chosen magnesium level."""
    curves = _receptor_curves(mg_relative, hill, k_mg)  # bad input fails before the figure is built
    fig, ax = new_figure()
    (rep,) = ax.plot(_TOY_INSULIN, curves[0], color=ROLE_COLORS["reference"], linestyle="--",
                     label="replete Mg (1.0)")
    (low,) = ax.plot(_TOY_INSULIN, curves[1], color=_MG_COLOR, linestyle="-",
                     label=RECEPTOR_LOW_LABEL)
    plateau = ax.axhline(curves[2], color=_MG_COLOR, linestyle=":", linewidth=1.2)
    ax.axvline(BASAL_INSULIN_UU_ML, color=ROLE_COLORS["insulin"], linestyle=":", linewidth=1.2)
    basal = ax.text(BASAL_INSULIN_UU_ML * 1.08, 0.02, "basal insulin", color=ROLE_COLORS["insulin"], fontsize=10)
    ax.set_xscale("log")
    ax.set_xlim(0.5, 1000)
    # fixed over the sliders' whole range: the highest plateau, f(1.5) with K = 0.1, is 1.03 (× 1.08 = 1.11), so
    # the limit is always 1.2 and a move shows as moving curves (the live panel redraws only them: blitting)
    ax.set_ylim(0, max(1.2, _TOY_PLATEAU_MAX * 1.08))
    ax.set_xlabel("insulin (µU/mL, log scale)")
    ax.set_ylabel("receptor activation\n(fraction of replete maximum)")
    ax.set_title("Teaching model (illustrative parameters)")
    legend = ax.legend(loc="upper left")
    artists = {"replete": rep, "low": low, "plateau": plateau, "basal": basal, "legend": legend}
    return _receptor_toy_fill(fig, artists, mg_relative, hill, k_mg, curves)


def _receptor_curves(mg_relative: float, hill: float, k_mg: float) -> tuple:
    """Replete and chosen-Mg activation on :data:`_TOY_INSULIN`, the plateau f(m) and the compensating insulin."""
    a_rep = receptor_activation(_TOY_INSULIN, 1.0, hill=hill, k_mg_relative=k_mg)
    a_low = receptor_activation(_TOY_INSULIN, mg_relative, hill=hill, k_mg_relative=k_mg)
    fmax = mg_factor(mg_relative, k_mg)
    target = receptor_activation(BASAL_INSULIN_UU_ML, 1.0, hill=hill, k_mg_relative=k_mg)
    try:
        need = insulin_to_match(target, mg_relative, hill=hill, k_mg_relative=k_mg)
    except ValueError:  # the replete activation is above this plateau: explained in the text below
        need = None
    return a_rep, a_low, fmax, need


#: The legend entry of the lowered-Mg curve: the slider gives its value and the readout repeats it (a label that
#: changed on every move would make a live panel lay the legend out anew each time instead of reusing its pixels).
RECEPTOR_LOW_LABEL = "Mg as set by the slider"


def _receptor_toy_fill(fig, artists: dict, mg_relative: float, hill: float, k_mg: float, curves=None) -> View:
    """Set the curves, the plateau line and the legend, and build the readout (callback and in-place update)."""
    a_rep, a_low, fmax, need = curves if curves is not None else _receptor_curves(mg_relative, hill, k_mg)
    artists["replete"].set_ydata(a_rep)
    artists["low"].set_ydata(a_low)
    artists["plateau"].set_ydata([fmax, fmax])
    if need is not None:
        comp = (f"To match the replete activation at basal insulin, insulin must rise to **{need:.1f} µU/mL** "
                f"({need / BASAL_INSULIN_UU_ML:.1f}× basal): compensation by more insulin.")
    else:
        comp = ("The replete activation at basal insulin **cannot be reached at any insulin level**: "
                "the maximum itself is too low.")
    text = (f"Maximal activation at Mg = {mg_relative:.2f}: **{fmax:.0%} of the replete maximum**; the half-maximal "
            f"insulin (EC50 = {TOY_EC50_UU_ML:.0f} µU/mL, illustrative) does not change. {comp}\n\n"
            "*Teaching model: the shapes and numbers are illustrative assumptions, not measurements.*")
    alt = (f"Two dose-response curves of receptor activation against insulin on a log axis: replete Mg (dashed) and "
           f"Mg at {mg_relative:.2f} times replete (solid), whose plateau is {fmax:.0%} of the replete maximum.")
    # redrawn on each move: the two curves and the plateau line; the "basal insulin" label (a steep curve at low
    # Mg crosses it) and the legend (its text changes, and the plateau line can pass under it) drawn on top
    return View(text=text, figure=fig, alt=alt, artists=artists,
                animated=(artists["replete"], artists["low"], artists["plateau"], artists["basal"], artists["legend"]),
                data={"max_activation": fmax, "insulin_to_match_uU_ml": need})


@receptor_toy_view.updater
def _receptor_toy_update(view, mg_relative: float, hill: float, k_mg: float):
    """In place: the curves, the plateau line and the legend's Mg label change; the axes are fixed."""
    return _receptor_toy_fill(view.figure, view.artists, mg_relative, hill, k_mg)


# --------------------------------------------------------------------------- index calculator
#: Plausibility limits of the calculator (our choice, to catch typing errors; not clinical limits).
GLUCOSE_PLAUSIBLE_MMOL_L = (1.0, 60.0)
INSULIN_PLAUSIBLE_UU_ML = (0.2, 1000.0)
INSULIN_FACTORS = (("6.00 (correct)", units.INSULIN_PMOL_L_PER_UU_ML),
                   ("6.945 (legacy, 15.75 % too high)", units.INSULIN_PMOL_L_PER_UU_ML_LEGACY))
#: A study-specific HOMA-IR cut-off quoted in this course (Wang et al. 2013, Nutrients 5:3910: "high" = > 3.6).
HOMA_CUTOFF_WANG_2013 = 3.6
#: A QUICKI "normal" threshold found on calculator sites, which the measured data contradict.
QUICKI_CONTRADICTED_THRESHOLD = 0.45


def _parse_number(name: str, text: Any) -> float:
    """A typed number; "5,3" is 5.3 (decimal comma) and "1,234" is ambiguous (see :func:`units.parse_number`)."""
    return units.parse_number(text, name)


def _parse_series(name: str, text: Any) -> np.ndarray | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, str):
        parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"{name} must be numbers separated by commas, e.g. '92, 150, 160, 140, 110'; "
                             f"got {text!r}") from None
    else:
        vals = list(np.asarray(text, dtype=float).ravel())
    return as_array(name, vals)


def _unit(name: str, unit) -> str:
    """A unit string, normalised. A non-string names the parameter; an unknown string keeps the message
    of :func:`mgcourse.units.normalise_unit` (quoted value and the known units, as printed in chapter 02)."""
    as_str(name, unit)
    return units.normalise_unit(unit)


def _glucose_mg_dl(x, unit: str, name: str) -> np.ndarray | float:
    unit = _unit("glucose_unit", unit)
    if unit not in ("mg/dL", "mmol/L"):
        raise ValueError(f"glucose_unit: the glucose unit must be mg/dL or mmol/L, got {unit!r}")
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be greater than 0 {unit}, got {_fmt_vals(arr)}")
    lo, hi = GLUCOSE_PLAUSIBLE_MMOL_L
    try:
        mmol = np.atleast_1d(units.convert(arr, unit, "mmol/L", substance="glucose"))
    except ValueError:  # too large to convert: outside the range below anyway
        mmol = np.array([math.inf])
    if np.any(mmol < lo) or np.any(mmol > hi):
        raise ValueError(f"{name} must be between {lo:g} and {hi:g} mmol/L ({lo * 18.0156:.0f}–{hi * 18.0156:.0f} "
                         f"mg/dL) in this calculator, got {_fmt_vals(arr)} {unit}; check the number and its unit")
    return units.convert(arr, unit, "mg/dL", substance="glucose")


def _insulin_uU_ml(x, unit: str, factor: float, name: str) -> np.ndarray:
    unit = _unit("insulin_unit", unit)
    if unit not in ("µU/mL", "pmol/L"):
        raise ValueError(f"insulin_unit: the insulin unit must be µU/mL (= mU/L) or pmol/L, got {unit!r}")
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be greater than 0 {unit} (an insulin of 0 makes HOMA-IR 0 and QUICKI "
                         f"undefined), got {_fmt_vals(arr)}")
    try:
        uU = np.atleast_1d(units.convert(arr, unit, "µU/mL", substance="insulin", insulin_factor=factor))
    except ValueError:  # too large to convert: outside the range below anyway
        uU = np.array([math.inf])
    lo, hi = INSULIN_PLAUSIBLE_UU_ML
    if np.any(uU < lo) or np.any(uU > hi):
        raise ValueError(f"{name} must be between {lo:g} and {hi:g} µU/mL ({lo * 6:g}–{hi * 6:g} pmol/L) in this "
                         f"calculator, got {_fmt_vals(arr)} {unit}; check the number and its unit")
    return uU


def _factor_str(factor: float) -> str:
    return "6.00" if factor == units.INSULIN_PMOL_L_PER_UU_ML else f"{factor:g}"


def _fmt_vals(arr) -> str:
    arr = np.atleast_1d(arr)
    return ", ".join(f"{v:g}" for v in arr) if arr.size <= 6 else f"{arr.size} values"


def quicki_position(q: float) -> str:
    """Where a QUICKI value lies relative to the typical values of Yokoyama et al. 2003."""
    q = in_range("q", q, 0.0, 5.0, low_inclusive=False)
    healthy_mean, healthy_sd = indices.QUICKI_TYPICAL["healthy"]
    z = (q - healthy_mean) / healthy_sd
    means = sorted(((m, name) for name, (m, _) in indices.QUICKI_TYPICAL.items()), reverse=True)
    if q >= means[0][0]:
        where = f"at or above the healthy mean ({means[0][0]:.3f})"
    elif q <= means[-1][0]:
        where = f"at or below the mean of {means[-1][1]} ({means[-1][0]:.3f})"
    else:
        for (hi_m, hi_n), (lo_m, lo_n) in zip(means, means[1:]):
            if lo_m <= q < hi_m:
                where = f"between the means of {lo_n} ({lo_m:.3f}) and {hi_n} ({hi_m:.3f})"
    return (f"{abs(z):.1f} SD {'below' if z < 0 else 'above'} the healthy mean of Yokoyama 2003 "
            f"({healthy_mean:.3f} ± {healthy_sd:.3f}); {where}")


def index_report(glucose: Any, glucose_unit: str, insulin: Any, insulin_unit: str, *,
                 insulin_factor: float = units.INSULIN_PMOL_L_PER_UU_ML,
                 ogtt_glucose: Any = None, ogtt_insulin: Any = None) -> dict:
    """Compute HOMA-IR, QUICKI (fasting values) and the Matsuda index (OGTT series, optional).

    Values are converted with :func:`mgcourse.units.convert` (insulin with
    ``insulin_factor`` pmol/L per µU/mL) and the indices come from
    :mod:`mgcourse.indices`. Raises ValueError with a sentence for bad input.
    Returns a dict with the converted inputs, the indices and interpretation text.
    """
    g_mg = float(np.ravel(_glucose_mg_dl(_parse_number("fasting glucose", glucose), glucose_unit,
                                         "fasting glucose"))[0])
    factor = in_range("insulin_factor", insulin_factor, 5.0, 8.0, unit="pmol/L per µU/mL")
    i_uU = float(_insulin_uU_ml(_parse_number("fasting insulin", insulin), insulin_unit, factor, "fasting insulin")[0])
    g_mmol = float(units.convert(g_mg, "mg/dL", "mmol/L", substance="glucose"))
    out = {"glucose_mg_dl": g_mg, "glucose_mmol_l": g_mmol, "insulin_uU_ml": i_uU, "insulin_factor": factor,
           "homa_ir": indices.homa_ir(g_mmol, i_uU), "quicki": indices.quicki(g_mg, i_uU),
           "glucose_category": indices.fasting_glucose_category(g_mg), "matsuda": None, "matsuda_arithmetic": None}
    og = _parse_series("OGTT glucose", ogtt_glucose)
    oi = _parse_series("OGTT insulin", ogtt_insulin)
    if (og is None) != (oi is None):
        raise ValueError("for the Matsuda index enter both OGTT series (glucose and insulin), or leave both empty")
    if og is not None:
        if og.size != oi.size or og.size < 2:
            raise ValueError(f"the OGTT series need the same number of samples (≥ 2, fasting first); got "
                             f"{og.size} glucose and {oi.size} insulin values")
        og_mg = _glucose_mg_dl(og, glucose_unit, "OGTT glucose")
        oi_uU = _insulin_uU_ml(oi, insulin_unit, factor, "OGTT insulin")
        out["matsuda"] = indices.matsuda(og_mg, oi_uU)  # trapezoidal means, equally spaced samples
        out["matsuda_arithmetic"] = indices.matsuda(og_mg, oi_uU, mean="arithmetic")  # comparison only
    if units.normalise_unit(insulin_unit) == "pmol/L":
        other = (units.INSULIN_PMOL_L_PER_UU_ML_LEGACY if factor == units.INSULIN_PMOL_L_PER_UU_ML
                 else units.INSULIN_PMOL_L_PER_UU_ML)
        i_other = float(units.convert(_parse_number("fasting insulin", insulin), "pmol/L", "µU/mL",
                                      substance="insulin", insulin_factor=other))
        out["homa_ir_other_factor"] = (other, indices.homa_ir(g_mmol, i_other))
    return out


def index_table(report: dict):
    """The indices of :func:`index_report` as a small table (pandas DataFrame)."""
    import pandas as pd

    instance_of("report", report, dict, what="dict returned by index_report()")
    missing = [k for k in ("homa_ir", "quicki") if k not in report]
    if missing:
        raise ValueError(f"report must be the dict returned by index_report(); it has no {', '.join(missing)}")
    rows = [("HOMA-IR", f"{report['homa_ir']:.2f}", "G (mmol/L) × I (µU/mL) / 22.5",
             "higher = more resistant; no universal cut-off"),
            ("QUICKI", f"{report['quicki']:.3f}", "1 / (log10 I (µU/mL) + log10 G (mg/dL))",
             "lower = more resistant; healthy mean ≈ 0.39 (Yokoyama 2003)")]
    m = report.get("matsuda")
    rows.append(("Matsuda index", "–" if m is None else f"{m:.2f}",
                 "10,000 / √(G0 · I0 · Gmean · Imean), OGTT; time-averaged (trapezoidal) means",
                 "enter OGTT series to compute" if m is None else "higher = more sensitive"))
    return pd.DataFrame(rows, columns=["index", "value", "formula", "how to read it"]).set_index("index")


def _index_figure(report: dict):
    """The calculator's figure (QUICKI against Yokoyama's groups, HOMA-IR bar) and its named artists."""
    fig, (ax_q, ax_h) = new_figure(1, 2, figsize=(9.0, 3.6), gridspec_kw={"width_ratios": [3, 2]})
    groups = list(indices.QUICKI_TYPICAL.items())
    labels = []
    for k, (name, (mean, sd)) in enumerate(groups):
        y = len(groups) - k
        ax_q.errorbar(mean, y, xerr=sd, fmt="o", color=OKABE_ITO["black"], capsize=4)
        labels.append(ax_q.text(mean, y + 0.22, name, ha="center", fontsize=10))
    q = report["quicki"]
    q_line = ax_q.axvline(q, color=ROLE_COLORS["glucose"], linewidth=2.2, label="this person (QUICKI in the table)")
    q_ref = ax_q.axvline(QUICKI_CONTRADICTED_THRESHOLD, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.4,
                         label="'> 0.45 = normal' (contradicted)")
    ax_q.set_ylim(-0.6, len(groups) + 0.7)
    ax_q.set_yticks([])
    ax_q.set_xlim(*_quicki_xlim(q))
    ax_q.set_xlabel("QUICKI (dimensionless)")
    ax_q.set_title("QUICKI vs Yokoyama 2003 (mean ± SD)", fontsize=11)
    legend = ax_q.legend(loc="lower left", fontsize=9)
    h = report["homa_ir"]
    bars = ax_h.barh([0], [h], color=ROLE_COLORS["glucose"], height=0.5)
    h_ref = [ax_h.axvline(1.0, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.2)]
    ax_h.text(1.0, 0.42, " 4.5 mmol/L × 5 µU/mL\n = 1.0", fontsize=9, va="bottom")
    h_ref.append(ax_h.axvline(HOMA_CUTOFF_WANG_2013, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2))
    ax_h.text(HOMA_CUTOFF_WANG_2013, -0.42, " > 3.6: 'high'\n (one study)", fontsize=9, va="top")
    ax_h.set_xlim(*_homa_xlim(h))
    ax_h.set_ylim(-0.9, 0.9)
    ax_h.set_yticks([])
    ax_h.set_xlabel("HOMA-IR (dimensionless)")
    ax_h.set_title(f"HOMA-IR = {h:.2f}", fontsize=11)
    # A typed value moves the QUICKI line and the HOMA-IR bar on axes that stay fixed while the values lie in the
    # usual range (QUICKI 0.29-0.47, HOMA-IR up to 5.2): the live panel then redraws only these artists
    # (blitting). A value beyond widens its axis, as before (the whole figure is redrawn then). Animated with
    # them: what must stay on top of them (the group names, the 0.45 line, the legend whose value changes; the
    # reference lines over the bar) and the HOMA-IR title, whose value changes.
    animated = (q_line, q_ref, *labels, legend, bars, *h_ref, ax_h.title)
    artists = {"ax_q": ax_q, "ax_h": ax_h, "q_line": q_line, "legend": legend, "bar": bars.patches[0]}
    return fig, artists, animated


def _quicki_xlim(q: float) -> tuple:
    return min(0.28, q - 0.01), max(0.48, q + 0.01)


def _homa_xlim(h: float) -> tuple:
    return 0.0, max(6.0, h * 1.15)


def _index_figure_fill(artists: dict, report: dict) -> None:
    """Move the QUICKI line and the HOMA-IR bar to ``report``'s values; an axis limit changes only when a value
    lies beyond the usual range (see :func:`_index_figure`)."""
    q, h = report["quicki"], report["homa_ir"]
    artists["q_line"].set_xdata([q, q])
    for ax, xlim in ((artists["ax_q"], _quicki_xlim(q)), (artists["ax_h"], _homa_xlim(h))):
        if tuple(ax.get_xlim()) != xlim:
            ax.set_xlim(*xlim)
    artists["bar"].set_width(h)
    title = artists["ax_h"].title
    if title.get_text() != f"HOMA-IR = {h:.2f}":
        title.set_text(f"HOMA-IR = {h:.2f}")


@register("02.index_calculator", title="Insulin-resistance index calculator (HOMA-IR, QUICKI, Matsuda)",
          glucose=Text("Fasting glucose", "92", examples=("-5", "abc", "0", "5.1", "1e9", "nan")),
          glucose_unit=Dropdown("Glucose unit", ("mg/dL", "mmol/L"), "mg/dL"),
          insulin=Text("Fasting insulin", "7.3", examples=("0", "-1", "x", "60", "1e6")),
          insulin_unit=Dropdown("Insulin unit", ("µU/mL", "pmol/L"), "µU/mL"),
          insulin_factor=Dropdown("pmol/L per µU/mL", INSULIN_FACTORS, units.INSULIN_PMOL_L_PER_UU_ML),
          ogtt_glucose=Text("OGTT glucose, 0/30/60/90/120 min (optional, same unit)", "",
                            examples=("92, 150, 165, 140, 115", "1, 2", "a, b")),
          ogtt_insulin=Text("OGTT insulin, 0/30/60/90/120 min (optional, same unit)", "",
                            examples=("7.3, 55, 65, 50, 35", "0, 0", "q")))
def index_calculator_view(glucose: str, glucose_unit: str, insulin: str, insulin_unit: str, insulin_factor: float,
                          ogtt_glucose: str, ogtt_insulin: str) -> View:
    """Compute the indices from typed values and place them against published typical values."""
    r = index_report(glucose, glucose_unit, insulin, insulin_unit, insulin_factor=insulin_factor,
                     ogtt_glucose=ogtt_glucose, ogtt_insulin=ogtt_insulin)
    fig, artists, animated = _index_figure(r)
    return _index_calculator_fill(fig, artists, animated, r)


def _index_calculator_fill(fig, artists: dict, animated: tuple, r: dict) -> View:
    """Set the figure's moving artists to the report's values and build the readout (callback and update)."""
    _index_figure_fill(artists, r)
    lines = [f"Fasting glucose **{r['glucose_mg_dl']:.1f} mg/dL = {r['glucose_mmol_l']:.2f} mmol/L**: "
             f"{r['glucose_category']} (ADA; one reading is not a diagnosis). "
             f"Fasting insulin **{r['insulin_uU_ml']:.2f} µU/mL**.",
             f"- **HOMA-IR = {r['homa_ir']:.2f}.** There is no universal cut-off: values depend on the insulin assay "
             f"and the population. By construction 4.5 mmol/L × 5 µU/mL gives 1.0; one trial in this course "
             f"(Wang 2013) called > {HOMA_CUTOFF_WANG_2013} 'high'.",
             f"- **QUICKI = {r['quicki']:.3f}**: {quicki_position(r['quicki'])}. Calculator sites that call only "
             f"QUICKI > {QUICKI_CONTRADICTED_THRESHOLD} 'normal' are contradicted by these data: most healthy "
             f"people would fail that test.",
             ("- **Matsuda index**: enter both OGTT series to compute it." if r["matsuda"] is None else
              f"- **Matsuda index = {r['matsuda']:.2f}** (whole-body insulin sensitivity; higher = more sensitive; "
              f"time-averaged means as in Matsuda & DeFronzo's calculator, samples assumed equally spaced; the checked "
              f"sources of this course give no reference values). For comparison only, the arithmetic mean of the "
              f"samples would give {r['matsuda_arithmetic']:.2f}.")]
    if "homa_ir_other_factor" in r:
        other, h_other = r["homa_ir_other_factor"]
        lines.append(f"- **Unit pitfall:** with {_factor_str(other)} pmol/L per µU/mL instead of "
                     f"{_factor_str(r['insulin_factor'])}, "
                     f"the same report would give HOMA-IR = {h_other:.2f}.")
    lines.append("\n*Surrogate indices, for learning; not a diagnosis.*")
    alt = (f"Left: QUICKI of {r['quicki']:.3f} drawn against the mean ± SD of healthy, normal-weight type 2 diabetes "
           f"and moderately obese type 2 diabetes groups (Yokoyama 2003). Right: a bar of HOMA-IR {r['homa_ir']:.2f} "
           f"with reference lines at 1.0 and 3.6.")
    return View(text="\n".join(lines), table=index_table(r), figure=fig, alt=alt, data=r, artists=artists,
                animated=animated)


@index_calculator_view.updater
def _index_calculator_update(view, glucose: str, glucose_unit: str, insulin: str, insulin_unit: str,
                             insulin_factor: float, ogtt_glucose: str, ogtt_insulin: str):
    """In place for every input (the figure's artists are the same for all of them): the QUICKI line, the legend,
    the HOMA-IR bar and title move; a bad input raises and becomes a message, as in the callback."""
    r = index_report(glucose, glucose_unit, insulin, insulin_unit, insulin_factor=insulin_factor,
                     ogtt_glucose=ogtt_glucose, ogtt_insulin=ogtt_insulin)
    return _index_calculator_fill(view.figure, view.artists, view.animated, r)


__all__ = ["cascade_figure", "homeostasis_figure", "mg_factor", "receptor_activation", "insulin_to_match",
           "index_report", "index_table", "quicki_position", "receptor_toy_view", "index_calculator_view",
           "TOY_EC50_UU_ML", "TOY_K_MG_RELATIVE", "BASAL_INSULIN_UU_ML"]
