"""Intestinal magnesium absorption that falls with dose (chapter 6).

The shape is taken from Fine et al. 1991, "Intestinal absorption of magnesium
from food and supplements", J Clin Invest 88:396–402 (PubMed 1864954). Healthy volunteers ate a standard meal with 0, 10, 20, 40 or
80 mEq of magnesium acetate added (0, 122, 243, 486, 972 mg Mg). Net absorption
rose along a curve that is the sum of a **saturable** (hyperbolic) term and a
**linear** term::

    A(I) = Vmax · I / (Km + I) + 0.07 · I          (I, A: Mg per meal)

so the fraction absorbed, ``f(I) = A(I) / I = Vmax / (Km + I) + 0.07``, falls as
the dose rises.

What is sourced and what is not
-------------------------------
* **Sourced** (Fine 1991 abstract): the equation's structure; the linear
  (paracellular) term absorbs a fixed 7 % of intake (:data:`PARACELLULAR_FRACTION`);
  fractional absorption was ≈65 % at the lowest intake and ≈11 % at the highest
  (80 mEq = 972 mg added).
* **Not sourced**: the paper's own Vmax and Km are in its full text, which the
  course could not check. :data:`VMAX_MG` and :data:`KM_MG` are **fitted for
  teaching, not from the paper**: they are the unique values that make the model
  pass exactly through the two sourced endpoints under the assumption below.

The interpretation of "the lowest intake" (an assumption, stated once)
----------------------------------------------------------------------
The lowest intake in Fine 1991 was the standard meal with **0 mEq added**. The
meal's own magnesium content is not in the course's sources. The course
therefore treats the meal's own Mg as negligible: the 65 % is read as the
fraction absorbed as the dose tends to 0 (``f(0) = Vmax/Km + 0.07 = 0.65``), and
the 11 % as the fraction at the added dose of 80 mEq = 972.2 mg
(``f(972.2) = 0.11``). Solving the two equations gives
``Km = 0.04 × 972.2 / 0.54 ≈ 72.0 mg`` and ``Vmax = 0.58 × Km ≈ 41.8 mg``.
:func:`fit_saturable_parameters` redoes the fit for any assumed meal content,
so the notebook can show how much the (unverified) parameters depend on it.

Scope: the model describes Mg acetate taken with a standard meal (Fine 1991). It
is used in the course as a *teaching model* of how any single portion of Mg is
absorbed; it does not distinguish supplement forms. The one per-form absolute
figure in the course's sources is magnesium oxide ≈4 % (Firoz & Graber 2001),
measured with a different method in a different setting
(:data:`REPORTED_FORM_ABSORPTION`); it is offered only as ``form="oxide"`` and is
not mixed into the dose model.

Units: doses and absorbed amounts in mg of elemental magnesium (1 mEq = 12.1525 mg).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .._validate import ArgumentTypeError, as_array, in_range
from ..units import MG_MOLAR_MASS_G_PER_MOL, MG_VALENCE

#: mg of elemental Mg per mEq (24.305 g/mol ÷ valence 2).
MG_PER_MEQ = MG_MOLAR_MASS_G_PER_MOL / MG_VALENCE

#: Fraction of intake absorbed by the linear (paracellular) term. **Sourced**: Fine 1991.
PARACELLULAR_FRACTION = 0.07
#: Mg acetate added to the standard meal in Fine 1991, mEq (sourced) and mg (computed).
FINE_ADDED_DOSES_MEQ = (0.0, 10.0, 20.0, 40.0, 80.0)
FINE_ADDED_DOSES_MG = tuple(d * MG_PER_MEQ for d in FINE_ADDED_DOSES_MEQ)
#: Sourced endpoints (Fine 1991 abstract): ≈65 % at the lowest intake, ≈11 % at the highest.
LOW_END_FRACTION = 0.65
HIGH_END_FRACTION = 0.11
#: The highest intake: 80 mEq added = 972.2 mg Mg (computed from the sourced 80 mEq).
HIGH_END_DOSE_MG = 80.0 * MG_PER_MEQ
#: Assumed Mg content of Fine's meal itself, mg: **course assumption** (not in the sources).
ASSUMED_MEAL_MG = 0.0

#: Doses outside this range are rejected (mg per portion / per day): far beyond any label.
MAX_DOSE_MG = 5000.0
#: Most portions a day the model accepts (equal portions, separated in time).
MAX_PORTIONS = 12


def fit_saturable_parameters(meal_mg: float = ASSUMED_MEAL_MG, *,
                             low_fraction: float = LOW_END_FRACTION,
                             high_fraction: float = HIGH_END_FRACTION,
                             high_added_mg: float = HIGH_END_DOSE_MG,
                             linear_fraction: float = PARACELLULAR_FRACTION) -> tuple[float, float]:
    """Vmax and Km (both mg per meal) that put the model through the two sourced endpoints.

    ``meal_mg`` is the Mg assumed to be in Fine's meal with nothing added (mg; it
    must be small enough for a positive Km, ≈72 mg with the default endpoints);
    the lowest intake is then ``meal_mg`` and the highest ``meal_mg + high_added_mg``.
    With ``meal_mg = 0`` the low endpoint is the limit of the fraction as the dose
    tends to 0. With f(I) = Vmax/(Km + I) + c, the two points give::

        Km = [(f2 − c)·I2 − (f1 − c)·I1] / [(f1 − c) − (f2 − c)],   Vmax = (f1 − c)(Km + I1)

    The result is **fitted for teaching, not from the paper**.
    """
    meal = in_range("meal_mg", meal_mg, 0, 500, unit="mg")
    c = in_range("linear_fraction", linear_fraction, 0, 1)
    f1 = in_range("low_fraction", low_fraction, c, 1, low_inclusive=False)
    f2 = in_range("high_fraction", high_fraction, c, f1, low_inclusive=False, high_inclusive=False)
    added = in_range("high_added_mg", high_added_mg, 0, MAX_DOSE_MG, low_inclusive=False, unit="mg")
    i1, i2 = meal, meal + added
    s1, s2 = f1 - c, f2 - c
    km = (s2 * i2 - s1 * i1) / (s1 - s2)
    if km <= 0:
        limit = s2 * added / (s1 - s2)
        raise ValueError(f"meal_mg must be less than {limit:.1f} mg for these endpoints (a positive Km), got {meal:g} mg")
    vmax = s1 * (km + i1)
    return vmax, km


#: Saturable capacity, mg per portion: **fitted for teaching, not from the paper** (≈41.8 mg).
#: Km: dose at half-saturation, mg per portion: **fitted for teaching, not from the paper** (≈72.0 mg).
VMAX_MG, KM_MG = fit_saturable_parameters()


@dataclass(frozen=True)
class ReportedAbsorption:
    """An absolute fractional-absorption figure for one form, as reported by one study."""

    form_id: str
    fraction: float
    source: str
    method: str


#: Per-form absolute figures that the course's sources support. Only one exists.
REPORTED_FORM_ABSORPTION: dict[str, ReportedAbsorption] = {
    "oxide": ReportedAbsorption(
        "oxide", 0.04, "Firoz & Graber 2001, Magnes Res 14:257–262",
        "fractional absorption estimated from the rise in urinary Mg after ≈21 mEq/day (≈255 mg/day) of a US "
        "commercial MgO preparation; a different method, dose and setting from Fine 1991, so the two "
        "numbers must not be put side by side as if comparable"),
}


def _dose(name: str, value) -> float:
    return in_range(name, value, 0, MAX_DOSE_MG, unit="mg")


def _portions(portions) -> int:
    if isinstance(portions, bool) or not isinstance(portions, Real):
        raise ValueError(f"portions must be a whole number between 1 and {MAX_PORTIONS}, got {portions!r}")
    if not isinstance(portions, Integral):
        p = float(portions)
        if not math.isfinite(p) or p != int(p):
            raise ValueError(f"portions must be a whole number between 1 and {MAX_PORTIONS}, got {portions!r}")
    p = int(portions)
    if not 1 <= p <= MAX_PORTIONS:
        raise ValueError(f"portions must be a whole number between 1 and {MAX_PORTIONS}, got {p}")
    return p


def _form(form):
    if form is None:
        return None
    if not isinstance(form, str) or form not in REPORTED_FORM_ABSORPTION:
        raise ValueError(
            f"form must be None (the dose model: Mg acetate with a meal, Fine 1991) or one of "
            f"{', '.join(map(repr, REPORTED_FORM_ABSORPTION))}, got {form!r}: the course's sources give no "
            "absolute absorption figure for other forms, and the course does not invent one")
    return REPORTED_FORM_ABSORPTION[form]


def _fraction(dose_mg: float) -> float:
    return VMAX_MG / (KM_MG + dose_mg) + PARACELLULAR_FRACTION


def fraction_absorbed(dose_mg: float, *, form: str | None = None) -> float:
    """Fraction (0–1) of a **single portion** of ``dose_mg`` mg of Mg that is absorbed.

    Teaching model after Fine 1991: ``Vmax/(Km + dose) + 0.07``, equal to 0.65 as
    the dose tends to 0 and to 0.11 at 972 mg. ``dose_mg`` = 0 returns that
    limit (0.65). With ``form="oxide"`` the fixed 4 % reported by Firoz & Graber
    2001 is returned instead (a different method; no dose dependence reported).

    >>> round(fraction_absorbed(0), 2), round(fraction_absorbed(972.2), 2)
    (0.65, 0.11)
    """
    dose = _dose("dose_mg", dose_mg)
    reported = _form(form)
    if reported is not None:
        return reported.fraction
    return _fraction(dose)


def absorbed_mg(daily_dose_mg: float, portions: int = 1, *, form: str | None = None) -> float:
    """Mg absorbed (mg/day) from ``daily_dose_mg`` taken as ``portions`` equal portions.

    The portions are assumed to be far enough apart in time to be absorbed
    independently (course assumption), so absorbed = portions × A(dose/portions).
    Because A is concave with A(0) = 0, splitting never absorbs less.

    ``form="oxide"`` applies the fixed 4 % of Firoz & Graber 2001 (no dose
    dependence, so splitting changes nothing there). Any other form raises
    ValueError: no sourced figure exists.
    """
    dose = _dose("daily_dose_mg", daily_dose_mg)
    n = _portions(portions)
    reported = _form(form)
    if reported is not None:
        return dose * reported.fraction
    per = dose / n
    return n * per * _fraction(per)


def absorbed_mg_curve(doses_mg) -> np.ndarray:
    """Vectorised A(I) (mg per portion) for an array of single-portion doses (mg), for plotting."""
    d = as_array("doses_mg", doses_mg, low=0.0, high=MAX_DOSE_MG, unit="mg")
    return d * (VMAX_MG / (KM_MG + d) + PARACELLULAR_FRACTION)


def fraction_absorbed_curve(doses_mg) -> np.ndarray:
    """Vectorised f(I) (0–1) for an array of single-portion doses (mg), for plotting."""
    d = as_array("doses_mg", doses_mg, low=0.0, high=MAX_DOSE_MG, unit="mg")
    return VMAX_MG / (KM_MG + d) + PARACELLULAR_FRACTION


def splitting_table(daily_dose_mg: float, portions=(1, 2, 3)):
    """A table: the same daily dose in 1, 2, 3 … portions → mg per portion, mg absorbed, % absorbed.

    For a dose of 0 the "% of dose" column gives its limit as the dose tends to 0 (the
    fraction absorbed from a vanishing portion), not NaN.
    """
    import pandas as pd

    dose = _dose("daily_dose_mg", daily_dose_mg)
    if isinstance(portions, (str, bytes, bool)) or not hasattr(portions, "__iter__"):
        raise ArgumentTypeError(f"portions must be a list of whole numbers between 1 and {MAX_PORTIONS}, "
                                f"got {portions!r}")
    portions = list(portions)
    if not portions:
        raise ValueError(f"portions must not be empty (give whole numbers between 1 and {MAX_PORTIONS})")
    rows = []
    for p in portions:
        n = _portions(p)
        a = absorbed_mg(dose, n)
        rows.append({"portions per day": n, "mg per portion": dose / n, "absorbed (mg/day)": a,
                     "absorbed (% of dose)": 100 * a / dose if dose > 0 else 100 * _fraction(0.0)})
    return pd.DataFrame(rows).set_index("portions per day")


def saturable_share(dose_mg: float) -> float:
    """Share (0–1) of the absorbed amount that goes through the saturable route at one portion of ``dose_mg``."""
    dose = _dose("dose_mg", dose_mg)
    if dose == 0:
        return (VMAX_MG / KM_MG) / (VMAX_MG / KM_MG + PARACELLULAR_FRACTION)
    sat = VMAX_MG * dose / (KM_MG + dose)
    return sat / (sat + PARACELLULAR_FRACTION * dose)


__all__ = ["fraction_absorbed", "absorbed_mg", "fit_saturable_parameters", "splitting_table",
           "absorbed_mg_curve", "fraction_absorbed_curve", "saturable_share", "VMAX_MG", "KM_MG",
           "PARACELLULAR_FRACTION", "FINE_ADDED_DOSES_MEQ", "FINE_ADDED_DOSES_MG", "LOW_END_FRACTION",
           "HIGH_END_FRACTION", "HIGH_END_DOSE_MG", "REPORTED_FORM_ABSORPTION", "MG_PER_MEQ"]
