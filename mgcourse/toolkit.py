"""Reference versions of what chapter 01 (the Python toolkit) builds in visible code, and its widget.

The chapter writes each of these itself; the library keeps a tested version for the exercise checks and
the widget.

- :func:`clearance_glucose_mg_dl`: the one-compartment glucose clearance model dG/dt = −k (G − G_b), solved
  exactly: G(t) = G_b + (G_0 − G_b) e^{−k t}. The rate constant k is an **illustrative assumption** (a value
  of the order of the glucose effectiveness S_G ≈ 0.03 min⁻¹ that chapter 02 measures), not a measured
  clearance of any person.
- :func:`time_to_reach_min`: when that curve reaches a target glucose (closed form).
- :func:`eigen_stability`: eigenvalues of a 2×2 linear system dx/dt = A x and what their signs mean.
"""

from __future__ import annotations

import functools

import numpy as np

from ._validate import as_array, in_range
from .style import ROLE_COLORS, new_figure
from .widgets import Slider, View, register

#: Illustrative clearance rate constant (per minute): a toy-model assumption, see the module docstring.
K_ILLUSTRATIVE_PER_MIN = 0.03
#: Basal (fasting) glucose used in the chapter's examples, mg/dL (a typical normal fasting value, < 100 mg/dL).
GB_EXAMPLE_MG_DL = 90.0


#: Ranges accepted by the chapter's functions (glucose as in the minimal model; times up to a week).
MAX_GLUCOSE_MG_DL = 1000.0
MIN_K_PER_MIN = 1e-6  # a half-life of about 1.3 years: slower is no clearance at all
MAX_K_PER_MIN = 10.0
MAX_T_MIN = 10_080.0
#: Largest matrix entry eigen_stability accepts (beyond it the eigenvalues overflow).
MAX_MATRIX_ENTRY = 1e100


def _k(k_per_min) -> float:
    return in_range("k_per_min", k_per_min, MIN_K_PER_MIN, MAX_K_PER_MIN, unit="per min")


def _glucose(name: str, value) -> float:
    return in_range(name, value, 0.0, MAX_GLUCOSE_MG_DL, unit="mg/dL")


def clearance_rhs(t_min: float, g_mg_dl, k_per_min: float, gb_mg_dl: float):
    """Right-hand side of dG/dt = −k (G − G_b), in mg/dL per minute (the form ``solve_ivp`` expects)."""
    in_range("t_min", t_min, 0.0, MAX_T_MIN, unit="min")
    g = as_array("g_mg_dl", g_mg_dl, low=0.0, high=MAX_GLUCOSE_MG_DL, unit="mg/dL")
    k = _k(k_per_min)
    gb = _glucose("gb_mg_dl", gb_mg_dl)
    return -k * (g - gb)


def clearance_glucose_mg_dl(t_min, k_per_min: float, g0_mg_dl: float, gb_mg_dl: float = GB_EXAMPLE_MG_DL):
    """Exact solution G(t) = G_b + (G_0 − G_b) e^{−k t} (mg/dL) at times ``t_min`` (minutes, ≥ 0)."""
    k = _k(k_per_min)
    g0 = _glucose("g0_mg_dl", g0_mg_dl)
    gb = _glucose("gb_mg_dl", gb_mg_dl)
    t = as_array("t_min", t_min, low=0.0, high=MAX_T_MIN, unit="min")
    return gb + (g0 - gb) * np.exp(-k * t)


def time_to_reach_min(target_mg_dl: float, k_per_min: float, g0_mg_dl: float,
                      gb_mg_dl: float = GB_EXAMPLE_MG_DL) -> float:
    """Minutes until G(t) reaches ``target_mg_dl``; the target must lie between G_b and G_0 (exclusive of G_b)."""
    k = _k(k_per_min)
    g0 = _glucose("g0_mg_dl", g0_mg_dl)
    gb = _glucose("gb_mg_dl", gb_mg_dl)
    target = _glucose("target_mg_dl", target_mg_dl)
    if target == g0:
        return 0.0
    lo, hi = sorted((gb, g0))
    if not (lo < target < hi):
        raise ValueError(f"target_mg_dl must lie strictly between gb_mg_dl={gb:g} and g0_mg_dl={g0:g} "
                         f"(or equal g0_mg_dl), got {target_mg_dl!r}")
    return float(np.log((g0 - gb) / (target - gb)) / k)


def eigen_stability(a) -> tuple[np.ndarray, str]:
    """Eigenvalues of the 2×2 matrix ``a`` of dx/dt = A x, and the verdict in words.

    All real parts < 0: stable (deviations die out; oscillating on the way if the eigenvalues are complex).
    Any real part > 0: unstable. A real part of exactly 0 (to 1e-12) is the borderline case.
    Entries must be finite numbers of magnitude ≤ 1e100.
    """
    m = as_array("a", a, low=-MAX_MATRIX_ENTRY, high=MAX_MATRIX_ENTRY)
    if m.shape != (2, 2):
        raise ValueError(f"a must be a 2×2 matrix, got shape {m.shape}")
    lam = np.linalg.eigvals(m)
    re = lam.real
    if np.all(re < -1e-12):
        verdict = "stable (damped oscillation)" if np.any(np.abs(lam.imag) > 1e-12) else "stable"
    elif np.any(re > 1e-12):
        verdict = "unstable"
    else:
        verdict = "borderline (a zero real part)"
    return lam, verdict


@functools.lru_cache(maxsize=256)
def _curve(k_per_min: float, g0_mg_dl: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 180.0, 361)
    return t, clearance_glucose_mg_dl(t, k_per_min, g0_mg_dl)


#: The target glucose the readout times (mg/dL).
_TARGET_MG_DL = 120.0


@register("01.clearance", title="Glucose clearance: dG/dt = −k (G − G_b), with G_b = 90 mg/dL",
          k_per_min=Slider("Clearance rate constant k (per min; illustrative)", 0.005, 0.10,
                           K_ILLUSTRATIVE_PER_MIN, 0.005, readout_format=".3f"),
          g0_mg_dl=Slider("Starting glucose G₀ (mg/dL)", 100.0, 400.0, 300.0, 10.0, readout_format=".0f"))
def clearance_view(k_per_min: float, g0_mg_dl: float) -> View:
    """Glucose falling back to baseline after a rise, for the chosen k and G₀ (toy model)."""
    _curve(round(float(k_per_min), 6), round(float(g0_mg_dl), 6))  # bad input fails before the figure is built
    fig, ax = new_figure(figsize=(7.0, 3.8))
    (curve,) = ax.plot([], [], color=ROLE_COLORS["glucose"], label="G(t), exact solution")
    ax.axhline(GB_EXAMPLE_MG_DL, color="0.35", linestyle=":", label=f"baseline G_b = {GB_EXAMPLE_MG_DL:.0f} mg/dL")
    ax.axhline(_TARGET_MG_DL, color="0.35", linestyle="--", label=f"target {_TARGET_MG_DL:.0f} mg/dL")
    ax.set_xlabel("time (min)")
    ax.set_ylabel("plasma glucose (mg/dL)")
    # fixed over the sliders' whole range (G₀ 100-400 mg/dL, the curve stays between 90 and G₀): a move shows
    # as a moving curve, and the live panel redraws only the curve over the rest of the figure (blitting)
    ax.set_ylim(0, 420)
    ax.set_xlim(0, 180)
    ax.legend(loc="upper right", frameon=True)
    return _clearance_fill(fig, {"curve": curve}, k_per_min, g0_mg_dl)


def _clearance_fill(fig, artists: dict, k_per_min: float, g0_mg_dl: float) -> View:
    """Set the curve and build the readout (shared by the callback and the in-place update)."""
    k, g0 = round(float(k_per_min), 6), round(float(g0_mg_dl), 6)
    t, g = _curve(k, g0)
    target = _TARGET_MG_DL
    artists["curve"].set_data(t, g)
    half_life = np.log(2) / k
    if g0 > target:
        t_target = time_to_reach_min(target, k, g0)
        reach = f"reaches {target:.0f} mg/dL after {t_target:.0f} min"
    else:
        reach = f"starts at or below {target:.0f} mg/dL"
    text = (f"k = {k:.3f} per min: the excess over baseline halves every {half_life:.0f} min; "
            f"glucose {reach}. Toy model, k illustrative.")
    alt = (f"Glucose falls from {g0:.0f} mg/dL towards the 90 mg/dL baseline with k = {k:.3f} per minute; "
           f"the excess halves every {half_life:.0f} minutes.")
    # only the curve moves. The legend stays in the background: the curve never reaches it (the legend starts at
    # t ≈ 110 min and 320 mg/dL; the slowest, highest curve, k = 0.005 and G₀ = 400, is at 268 mg/dL there), and
    # redrawing its three texts would cost most of a frame
    return View(text=text, figure=fig, alt=alt, artists=artists, animated=(artists["curve"],))


@clearance_view.updater
def _clearance_update(view, k_per_min: float, g0_mg_dl: float):
    """In place: only the curve moves (the axes are fixed over the sliders' range)."""
    return _clearance_fill(view.figure, view.artists, k_per_min, g0_mg_dl)
