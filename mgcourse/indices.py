"""Fasting and OGTT surrogate indices of insulin resistance and sensitivity.

Formulas (sources in notebook 02's references):

* HOMA-IR (Matthews et al. 1985, Diabetologia 28:412): glucose (mmol/L) × insulin
  (µU/mL) / 22.5, equivalently glucose (mg/dL) × insulin / 405.
* HOMA-%B: 20 × insulin (µU/mL) / (glucose (mmol/L) − 3.5).
* QUICKI (Katz et al. 2000, J Clin Endocrinol Metab 85:2402):
  1 / (log10 insulin (µU/mL) + log10 glucose (mg/dL)).
* Matsuda index (Matsuda & DeFronzo 1999, Diabetes Care 22:1462): a whole-body
  insulin-sensitivity index, 10,000 / √(G0 × I0 × Gmean × Imean) over an OGTT,
  glucose in mg/dL and insulin in µU/mL, fasting sample first. As in Matsuda &
  DeFronzo's own calculator, Gmean and Imean are **time-averaged (trapezoidal)**
  means over the test (area under the curve ÷ duration); the arithmetic mean of
  the samples is available only as a labelled comparison (``mean="arithmetic"``),
  and runs high because it over-weights the peak samples.

All functions take the units in their argument names; convert first with
:func:`mgcourse.units.convert`. Inputs must be finite and greater than zero.
They accept scalars or numpy arrays (element-wise) except :func:`matsuda`,
which takes one OGTT series.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.integrate import trapezoid

from ._validate import as_array, choice, in_range, scalar_or_array

#: HOMA-IR denominator with glucose in mmol/L (4.5 mmol/L × 5 µU/mL).
HOMA_DENOMINATOR_MMOL = 22.5
#: HOMA-IR denominator with glucose in mg/dL (22.5 × 18.0).
HOMA_DENOMINATOR_MG_DL = 405.0

#: Typical QUICKI values, mean ± SD (Yokoyama et al. 2003, Diabetes Care 26:2426).
QUICKI_TYPICAL = {
    "healthy": (0.389, 0.041),
    "normal-weight type 2 diabetes": (0.371, 0.037),
    "moderately obese type 2 diabetes": (0.338, 0.030),
}

#: ADA fasting plasma glucose categories, mg/dL: (lower bound inclusive, label).
FASTING_GLUCOSE_CATEGORIES_MG_DL = (
    (0.0, "normal (< 100 mg/dL)"),
    (100.0, "impaired fasting glucose (100–125 mg/dL)"),
    (126.0, "diabetes range (≥ 126 mg/dL, if confirmed)"),
)


#: Upper limits accepted by the index functions: far above any survivable value, low enough that the
#: results stay finite (``homa_ir(1e308, 9)`` is refused instead of overflowing to inf).
MAX_GLUCOSE_MMOL_L = 100.0
MAX_GLUCOSE_MG_DL = 1800.0
MAX_INSULIN_UU_ML = 10_000.0
MAX_OGTT_MIN = 1440.0  # sampling times of one OGTT lie within a day


def _arg(name, value, high, unit):
    return as_array(name, value, low=0.0, high=high, low_inclusive=False, unit=unit)


def homa_ir(glucose_mmol_l: Any, insulin_uU_ml: Any):
    """HOMA-IR from fasting glucose (mmol/L) and fasting insulin (µU/mL).

    >>> homa_ir(5.0, 9.0)
    2.0
    """
    g = _arg("glucose_mmol_l", glucose_mmol_l, MAX_GLUCOSE_MMOL_L, "mmol/L")
    i = _arg("insulin_uU_ml", insulin_uU_ml, MAX_INSULIN_UU_ML, "µU/mL")
    out = g * i / HOMA_DENOMINATOR_MMOL
    return scalar_or_array(out, glucose_mmol_l, insulin_uU_ml)


def homa_beta(glucose_mmol_l: Any, insulin_uU_ml: Any):
    """HOMA-%B (β-cell function, %) = 20 × insulin / (glucose − 3.5).

    Glucose must be above 3.5 mmol/L, where the formula is defined.
    """
    g = _arg("glucose_mmol_l", glucose_mmol_l, MAX_GLUCOSE_MMOL_L, "mmol/L")
    i = _arg("insulin_uU_ml", insulin_uU_ml, MAX_INSULIN_UU_ML, "µU/mL")
    if np.any(g <= 3.5):
        raise ValueError(f"glucose_mmol_l must be greater than 3.5 mmol/L for HOMA-%B, got {glucose_mmol_l}")
    out = 20.0 * i / (g - 3.5)
    return scalar_or_array(out, glucose_mmol_l, insulin_uU_ml)


def quicki(glucose_mg_dl: Any, insulin_uU_ml: Any):
    """QUICKI = 1 / (log10 insulin (µU/mL) + log10 glucose (mg/dL)).

    Lower means more insulin resistant; healthy adults average ≈0.39
    (:data:`QUICKI_TYPICAL`).

    >>> round(quicki(90, 5), 3)
    0.377
    """
    g = _arg("glucose_mg_dl", glucose_mg_dl, MAX_GLUCOSE_MG_DL, "mg/dL")
    i = _arg("insulin_uU_ml", insulin_uU_ml, MAX_INSULIN_UU_ML, "µU/mL")
    denom = np.log10(i) + np.log10(g)
    if np.any(denom <= 0):
        raise ValueError("glucose_mg_dl × insulin_uU_ml must be greater than 1 for QUICKI to be defined")
    out = 1.0 / denom
    return scalar_or_array(out, glucose_mg_dl, insulin_uU_ml)


#: The standard OGTT sampling times of Matsuda & DeFronzo's calculator, min.
MATSUDA_TIMES_MIN = (0.0, 30.0, 60.0, 90.0, 120.0)
MATSUDA_MEANS = ("trapezoidal", "arithmetic")


def ogtt_mean(values: Any, times_min: Any = None, *, mean: str = "trapezoidal") -> float:
    """Mean of one OGTT series: time-averaged by the trapezoid rule (AUC ÷ duration), or the arithmetic mean.

    ``times_min=None`` means equally spaced samples (0, 30, …, 120 min for five), for which the
    trapezoidal mean is (x0/2 + x1 + … + x(n−2) + x(n−1)/2) / (n − 1) whatever the spacing.
    """
    x = as_array("values", values, low=0.0, high=max(MAX_GLUCOSE_MG_DL, MAX_INSULIN_UU_ML), ndim=1,
                 min_length=2)
    choice("mean", mean, MATSUDA_MEANS)
    if mean == "arithmetic":
        if times_min is not None:
            as_array("times_min", times_min, low=0.0, high=MAX_OGTT_MIN, ndim=1, unit="min")
        return float(x.mean())
    t = (np.arange(x.size, dtype=float) if times_min is None
         else as_array("times_min", times_min, low=0.0, high=MAX_OGTT_MIN, ndim=1, unit="min"))
    if t.size != x.size:
        raise ValueError(f"times_min has {t.size} values but the series has {x.size}; they must match")
    if np.any(np.diff(t) <= 0):
        raise ValueError(f"times_min must be strictly increasing (min), got {t.tolist()}")
    return float(trapezoid(x, t) / (t[-1] - t[0]))  # scipy's: np.trapezoid needs NumPy >= 2.0


def matsuda(glucose_mg_dl: Any, insulin_uU_ml: Any, times_min: Any = None, *, mean: str = "trapezoidal") -> float:
    """Matsuda index of whole-body insulin sensitivity from one OGTT (Matsuda & DeFronzo 1999).

    Parameters
    ----------
    glucose_mg_dl, insulin_uU_ml : sequences of equal length ≥ 2
        Samples of one OGTT, fasting value first (typically 0, 30, 60, 90, 120 min).
    times_min : sequence, optional
        Sampling times (min, increasing). Default: equally spaced samples.
    mean : {"trapezoidal", "arithmetic"}
        How Gmean and Imean are taken. ``"trapezoidal"`` (default) is the time-averaged
        mean of Matsuda & DeFronzo's calculator; ``"arithmetic"`` (the plain mean of the
        samples) is only a comparison: it gives higher values.

    Returns
    -------
    float
        10,000 / √(G0 × I0 × Gmean × Imean).
    """
    g = _arg("glucose_mg_dl", glucose_mg_dl, MAX_GLUCOSE_MG_DL, "mg/dL").ravel()
    i = _arg("insulin_uU_ml", insulin_uU_ml, MAX_INSULIN_UU_ML, "µU/mL").ravel()
    if g.size < 2 or i.size < 2:
        raise ValueError("glucose_mg_dl and insulin_uU_ml must each hold at least 2 OGTT samples (fasting first)")
    if g.size != i.size:
        raise ValueError(f"glucose_mg_dl has {g.size} samples but insulin_uU_ml has {i.size}; they must match")
    g_mean = ogtt_mean(g, times_min, mean=mean)
    i_mean = ogtt_mean(i, times_min, mean=mean)
    return float(10_000.0 / np.sqrt(g[0] * i[0] * g_mean * i_mean))


def fasting_glucose_category(glucose_mg_dl: float) -> str:
    """ADA category of a fasting plasma glucose value in mg/dL (one reading; diagnosis needs confirmation)."""
    g = in_range("glucose_mg_dl", glucose_mg_dl, 0.0, MAX_GLUCOSE_MG_DL, low_inclusive=False, unit="mg/dL")
    label = FASTING_GLUCOSE_CATEGORIES_MG_DL[0][1]
    for lower, name in FASTING_GLUCOSE_CATEGORIES_MG_DL:
        if g >= lower:
            label = name
    return label


__all__ = ["homa_ir", "homa_beta", "quicki", "matsuda", "ogtt_mean", "fasting_glucose_category",
           "MATSUDA_TIMES_MIN", "MATSUDA_MEANS",
           "QUICKI_TYPICAL", "HOMA_DENOMINATOR_MMOL", "HOMA_DENOMINATOR_MG_DL"]
