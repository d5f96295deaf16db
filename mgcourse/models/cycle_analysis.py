"""Analysis of the vicious-cycle model: bifurcation, folds, phase plane, outcome map, sensitivity.

Plus the chapter-4 figures (``figures/ch04_*.png``) and widget callbacks (``04.*``).

**Quasi-steady-state (QSS) reduction.** Glucose (time constant ≈ 1/18.7 day ≈ 1.3 h)
and insulin (1/432 day ≈ 3.3 min) relax within hours; β-cell mass and the Mg pool
change over months. Setting dG/dt = dI/dt = 0 leaves a 2-D *slow* system in (M, β),
or equivalently in (M, G), because for given M the QSS glucose is a monotone
function of β. What that buys: a phase plane we can draw, nullclines with explicit
formulas, fixed points from a 1-D equation, and a non-stiff system that can be
integrated for thousands of initial conditions at once with a fixed step of days.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validate import as_array, as_bool, as_int, in_range
from . import cycle as _c
from .cycle import Parameters

__all__ = ["Branch", "Bifurcation", "Folds", "bifurcation", "fold_intakes", "jacobian_batch", "qss_glucose",
           "mg_nullcline", "beta_nullclines", "phase_plane_field", "outcome_map", "sensitivity",
           "ILLUSTRATIVE_PARAMETERS"]


# --------------------------------------------------------------------------- vectorised Jacobian
def jacobian_batch(Y: np.ndarray, params: Parameters | None = None) -> np.ndarray:
    """Jacobians at many states at once: ``Y`` of shape (N, 4) → array (N, 4, 4)."""
    p = _c._params(params)
    Y = np.atleast_2d(as_array("Y", Y))
    if Y.ndim != 2 or Y.shape[1] != 4:
        raise ValueError(f"Y must have shape (N, 4) (glucose, insulin, β-cell mass, Mg pool per row), got {np.shape(Y)}")
    G, I, B, M = Y.T
    if not p.mg_dynamics:
        M = np.full_like(G, p.mg_pool_fixed)
    f = _c._factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    fd = _c._factor_d(M, p.si_floor, p.si_half_mg, p.si_hill)
    g = _c._factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    gd = _c._factor_d(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    x = g * G
    H = x * x / (p.alpha + x * x)
    Hd = 2.0 * p.alpha * x / (p.alpha + x * x) ** 2
    gr = -p.d0 + p.r1 * x - p.r2 * x * x
    grd = p.r1 - 2.0 * p.r2 * x
    J = np.zeros((G.size, 4, 4))
    J[:, 0, 0] = -(p.eg0 + p.si * f * I)
    J[:, 0, 1] = -p.si * f * G
    J[:, 1, 0] = p.sigma * B * Hd * g
    J[:, 1, 1] = -p.k
    J[:, 1, 2] = p.sigma * H
    J[:, 2, 0] = grd * g * B
    J[:, 2, 2] = gr
    if p.mg_dynamics:
        J[:, 0, 3] = -p.si * fd * I * G
        J[:, 1, 3] = p.sigma * B * Hd * G * gd
        J[:, 2, 3] = grd * G * gd * B
        n = p.renal_loss_exponent
        s = p.si * f * I / _c._ACTION_REF
        rg, rgd = _c._glycosuria_factor(G, p), _c._glycosuria_factor_d(G, p)
        cc, cd = _c._conservation_factor(s, p), _c._conservation_factor_d(s, p)
        Mp = np.maximum(M, 0.0)
        pre = p.renal_loss_ref_mg_per_day / _c._norm(p) / p.mg_pool_ref_mg
        Mn = Mp ** n
        dMn = np.where(Mp > 0, n * np.maximum(Mp, 1e-300) ** (n - 1.0), 0.0)
        J[:, 3, 0] = -pre * Mn * rgd * cc
        J[:, 3, 1] = -pre * Mn * rg * cd * p.si * f / _c._ACTION_REF
        J[:, 3, 3] = -pre * (dMn * rg * cc + Mn * rg * cd * p.si * fd * I / _c._ACTION_REF)
    return J


def _stable_batch(Y, p) -> np.ndarray:
    ev = np.linalg.eigvals(jacobian_batch(Y, p))
    return np.max(ev.real, axis=1) < 0


# --------------------------------------------------------------------------- bifurcation over intake
@dataclass
class Branch:
    """One branch of fixed points as intake varies. Arrays share one length; ``stable`` is boolean."""

    name: str
    intake_mg_per_day: np.ndarray
    glucose_mg_dl: np.ndarray
    insulin_uU_ml: np.ndarray
    beta_mg: np.ndarray
    mg_pool: np.ndarray
    stable: np.ndarray


@dataclass
class Folds:
    """Where the bistable range ends (mg/day). ``None`` when there is no such fold."""

    healthy_lost_below_mg_per_day: float | None
    diabetic_lost_above_mg_per_day: float | None

    @property
    def bistable(self) -> bool:
        return self.healthy_lost_below_mg_per_day is not None and self.diabetic_lost_above_mg_per_day is not None

    @property
    def width_mg_per_day(self) -> float:
        return (self.diabetic_lost_above_mg_per_day - self.healthy_lost_below_mg_per_day) if self.bistable else 0.0


@dataclass
class Bifurcation:
    branches: list
    folds: Folds
    params: Parameters


def _check_dynamic(p: Parameters):
    if not p.mg_dynamics:
        raise ValueError("mg_dynamics is False: the Mg pool is fixed, so intake has no effect (use Parameters())")
    if p.absorbed_fraction == 0:
        raise ValueError("absorbed_fraction must be greater than 0 for a bifurcation over intake")


def _lower_branch_intake(M, p: Parameters, x: float):
    G, I, B = _c._branch_state(M, x, p)
    L = _c._renal_loss(G, I, M, p)
    return L / p.absorbed_fraction, G, I, B


def _branch_over_m(p: Parameters, x: float, n: int):
    g_floor = p.sensing_floor
    # the branch exists where G = x/g(M) < R0/EG0 (insulin > 0)
    M = np.concatenate([np.linspace(1e-3, 0.3, n // 4, endpoint=False), np.linspace(0.3, 3.0, n - n // 4)])
    with np.errstate(all="ignore"):
        J, G, I, B = _lower_branch_intake(M, p, x)
    ok = np.isfinite(J) & (I > 0) & (G > 0) & np.isfinite(B)
    del g_floor
    return M[ok], J[ok], G[ok], I[ok], B[ok]


def fold_intakes(params: Parameters | None = None) -> Folds:
    """Intakes (mg/day) at the two folds of the lower-root branch (saddle-node bifurcations).

    Along the branch the intake that balances the Mg pool is J(M) (explicit). The healthy
    state disappears at the local minimum of J on the high-M side; the Mg-depleted
    diabetic state disappears at the local maximum on the low-M side.
    """
    p = _c._params(params)
    _check_dynamic(p)
    roots = _c.topp_roots(p)
    if not roots:
        return Folds(None, None)
    x = roots[0]
    M, J, *_ = _branch_over_m(p, x, 4000)
    if M.size < 3:
        return Folds(None, None)
    dJ = np.diff(J)
    idx = np.where(np.sign(dJ[1:]) != np.sign(dJ[:-1]))[0] + 1
    lost_healthy = lost_diabetic = None

    minima, maxima = [], []
    for i in idx:
        is_min = J[i] < J[i - 1]
        a, b = M[i - 1], M[i + 1]
        sign = 1.0 if is_min else -1.0
        # refinement of the extremum on nested grids, each evaluated in one vectorised call: every round narrows
        # the bracket 100-fold (to about 1e-11 in M after 4 rounds; J is flat there, so its error is ~1e-22)
        for _ in range(4):
            m = np.linspace(a, b, 201)
            with np.errstate(all="ignore"):
                k = int(np.nanargmin(sign * _lower_branch_intake(m, p, x)[0]))
            a, b = m[max(k - 1, 0)], m[min(k + 1, m.size - 1)]
        (minima if is_min else maxima).append(
            (M[i], float(_lower_branch_intake(np.array(0.5 * (a + b)), p, x)[0])))
    # healthy fold: the minimum on the high-M side; diabetic fold: the maximum below it
    if minima:
        m_h, lost_healthy = max(minima)
        below = [v for m, v in maxima if m < m_h]
        lost_diabetic = max(below) if below else None
    if lost_healthy is None or lost_diabetic is None:
        return Folds(None, None)
    return Folds(lost_healthy, lost_diabetic)


def bifurcation(params: Parameters | None = None, *, intake_max_mg_per_day: float = 700.0, n: int = 1200) -> Bifurcation:
    """Fixed points and their stability as the Mg intake varies from 0 to ``intake_max_mg_per_day``.

    Each β > 0 branch is computed *parametrically*: for a grid of M the intake that
    balances the Mg pool is explicit, so no root finding is needed; stability comes from
    the eigenvalues of all Jacobians at once (:func:`jacobian_batch`). The β = 0 branch
    (G = R0/EG0, I = 0) has M explicit in the intake.
    """
    p = _c._params(params)
    _check_dynamic(p)
    jmax = in_range("intake_max_mg_per_day", intake_max_mg_per_day, 10.0, 5000.0, unit="mg/day")
    n = as_int("n", n, 10, 100_000)
    branches = []
    for name, x in zip(("lower root", "upper root"), _c.topp_roots(p)):
        M, J, G, I, B = _branch_over_m(p, x, n)
        keep = J <= jmax * 1.02
        M, J, G, I, B = M[keep], J[keep], G[keep], I[keep], B[keep]
        if M.size == 0:
            continue
        stable = _stable_batch(np.column_stack([G, I, B, M]), p)
        branches.append(Branch(name, J, G, I, B, M, stable))
    if p.eg0 > 0:
        J = np.linspace(0.0, jmax, 300)
        G0 = p.r0 / p.eg0
        denom = p.renal_loss_ref_mg_per_day * float(_c._glycosuria_factor(G0, p)) * float(_c._conservation_factor(0.0, p))
        M = (p.absorbed_fraction * J * _c._norm(p) / denom) ** (1.0 / p.renal_loss_exponent)
        Y = np.column_stack([np.full_like(J, G0), np.zeros_like(J), np.zeros_like(J), M])
        branches.append(Branch("beta = 0", J, Y[:, 0], Y[:, 1], Y[:, 2], M, _stable_batch(Y, p)))
    return Bifurcation(branches, fold_intakes(p), p)


# --------------------------------------------------------------------------- QSS and phase plane
def qss_glucose(beta_mg, mg_pool, params: Parameters | None = None, *, guess=None, iterations: int = 60):
    """Quasi-steady-state glucose (mg/dL) for given β-cell mass and Mg pool (vectorised).

    Solves R0 = G·(EG0 + SI·f(M)·I) with I = β·σ·H(g(M)·G)/k (both fast equations at
    rest). The right side rises with G, so the root is unique in (0, R0/EG0]; safeguarded
    Newton from ``guess`` (default R0/EG0).
    """
    p = _c._params(params)
    B = as_array("beta_mg", beta_mg, low=0.0, high=_c.STATE_MAX["beta_mg"], unit="mg")
    M = as_array("mg_pool", mg_pool, low=0.0, high=_c.STATE_MAX["mg_pool"])
    iterations = as_int("iterations", iterations, 1, 10_000)
    try:
        B, M = np.broadcast_arrays(B, M)
    except ValueError:
        raise ValueError(f"beta_mg (shape {B.shape}) and mg_pool (shape {M.shape}) must have matching shapes") from None
    if guess is not None:
        guess = as_array("guess", guess, low=0.0, high=_c.STATE_MAX["glucose_mg_dl"], low_inclusive=False,
                         unit="mg/dL")
    f = _c._factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    g = _c._factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    c = p.si * f * p.sigma * B / p.k
    hi = np.full(B.shape, p.r0 / p.eg0 if p.eg0 > 0 else 1e5)
    lo = np.zeros(B.shape)
    G = np.array(hi if guess is None else np.clip(np.broadcast_to(guess, B.shape), 1e-9, hi), dtype=float)
    for _ in range(iterations):
        x = g * G
        H = x * x / (p.alpha + x * x)
        F = p.r0 - G * (p.eg0 + c * H)
        lo = np.where(F > 0, np.maximum(lo, G), lo)
        hi = np.where(F < 0, np.minimum(hi, G), hi)
        dF = -(p.eg0 + c * H) - G * c * 2.0 * p.alpha * x / (p.alpha + x * x) ** 2 * g
        Gn = G - F / dF
        bad = ~((Gn > lo) & (Gn < hi))
        Gn = np.where(bad, 0.5 * (lo + hi), Gn)
        if np.all(np.abs(Gn - G) <= 1e-10 * np.maximum(G, 1.0)):
            G = Gn
            break
        G = Gn
    else:
        if not np.all(np.abs(F) <= 1e-6 * p.r0):
            raise ValueError(f"qss_glucose did not converge in iterations={iterations}; use more iterations "
                             f"(the default 60 is enough for every valid input)")
    return G


def mg_nullcline(glucose_mg_dl, params: Parameters | None = None):
    """M on the Mg nullcline (dM/dt = 0 at QSS) for given glucose: explicit.

    At QSS the glucose equation gives the insulin action SI·f·I = R0/G − EG0, so the
    renal loss depends on G and M only, and uptake = loss solves for M.
    """
    p = _c._params(params)
    G = as_array("glucose_mg_dl", glucose_mg_dl, low=0.0, high=_c.STATE_MAX["glucose_mg_dl"], low_inclusive=False,
                 unit="mg/dL")
    s = np.maximum(p.r0 / G - p.eg0, 0.0) / _c._ACTION_REF
    denom = p.renal_loss_ref_mg_per_day * _c._glycosuria_factor(G, p) * _c._conservation_factor(s, p)
    return (p.absorbed_fraction * p.mg_intake_mg_per_day * _c._norm(p) / denom) ** (1.0 / p.renal_loss_exponent)


def beta_nullclines(mg_pool, params: Parameters | None = None) -> dict:
    """Glucose on the β-nullclines (β > 0) for given M: G = x/g(M) for each Topp root x; plus β = 0 at G = R0/EG0."""
    p = _c._params(params)
    M = as_array("mg_pool", mg_pool, low=0.0, high=_c.STATE_MAX["mg_pool"], low_inclusive=False)
    g = _c._factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    out = {f"sensed {x:.0f} mg/dL": x / g for x in _c.topp_roots(p)}
    if p.eg0 > 0:
        out["beta = 0"] = np.full_like(M, p.r0 / p.eg0)
    return out


def phase_plane_field(params: Parameters | None = None, *, m_range=(0.1, 1.5), g_range=(60.0, 590.0), n: int = 25):
    """Slow vector field (dM/dt, dG/dt) on a regular (M, G) grid, per day.

    On the slow manifold β = B(G, M) = k·(R0/G − EG0)/(SI·f(M)·σ·H(g(M)·G)) is explicit, and
    d(ln β)/dt = ∂lnB/∂G·dG/dt + ∂lnB/∂M·dM/dt gives dG/dt without solving anything.
    """
    p = _c._params(params)
    m_range = as_array("m_range", m_range, low=0.0, high=_c.STATE_MAX["mg_pool"], low_inclusive=False, length=2)
    g_range = as_array("g_range", g_range, low=0.0, high=_c.STATE_MAX["glucose_mg_dl"], low_inclusive=False,
                       length=2, unit="mg/dL")
    n = as_int("n", n, 2, 500)
    m = np.linspace(*m_range, n)
    gl = np.linspace(*g_range, n)
    MM, GG = np.meshgrid(m, gl)
    with np.errstate(all="ignore"):
        dM, dG = _slow_field(MM, GG, p.absorbed_fraction * p.mg_intake_mg_per_day, p)
    return MM, GG, dM, dG


# --------------------------------------------------------------------------- outcome map
def _slow_field(M, G, uptake, p: Parameters):
    """(dM/dt, dG/dt) of the QSS-reduced system at (M, G); ``uptake`` in mg/day (array or scalar)."""
    f = _c._factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    fd = _c._factor_d(M, p.si_floor, p.si_half_mg, p.si_hill)
    g = _c._factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    gd = _c._factor_d(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    x = g * G
    a2x2 = p.alpha + x * x
    Hd_over_H = 2.0 * p.alpha / (x * a2x2)
    act = p.r0 / G - p.eg0
    s = act / _c._ACTION_REF  # insulin action at QSS: SI·f·I = R0/G − EG0
    Mp = np.maximum(M, 0.0)
    L = (p.renal_loss_ref_mg_per_day * Mp ** p.renal_loss_exponent * _c._glycosuria_factor(G, p)
         * _c._conservation_factor(s, p) / _c._norm(p))
    dM = (uptake - L) / p.mg_pool_ref_mg
    lnB_G = (-p.r0 / (G * G)) / act - Hd_over_H * g
    lnB_M = -fd / f - Hd_over_H * G * gd
    gr = -p.d0 + p.r1 * x - p.r2 * x * x
    return dM, (gr - lnB_M * dM) / lnB_G


@lru_cache(maxsize=16)
def _outcome_map_cached(p: Parameters, intakes: tuple, m0s: tuple, years: float, beta0: float, dt: float):
    JJ, MM = np.meshgrid(np.array(intakes), np.array(m0s))
    M = MM.ravel().copy()
    G = qss_glucose(np.full(M.size, beta0), M, p)
    uptake = p.absorbed_fraction * JJ.ravel()
    g_max = (p.r0 / p.eg0 if p.eg0 > 0 else 1e5) * (1 - 1e-9)
    steps = int(round(years * 365.25 / dt))
    with np.errstate(all="ignore"):
        for _ in range(steps):  # loop over time steps only: each step advances the whole grid at once
            k1m, k1g = _slow_field(M, G, uptake, p)
            k2m, k2g = _slow_field(M + 0.5 * dt * k1m, np.minimum(G + 0.5 * dt * k1g, g_max), uptake, p)
            k3m, k3g = _slow_field(M + 0.5 * dt * k2m, np.minimum(G + 0.5 * dt * k2g, g_max), uptake, p)
            k4m, k4g = _slow_field(M + dt * k3m, np.minimum(G + dt * k3g, g_max), uptake, p)
            M = np.maximum(M + dt / 6 * (k1m + 2 * k2m + 2 * k3m + k4m), 0.0)
            G = np.clip(G + dt / 6 * (k1g + 2 * k2g + 2 * k3g + k4g), 1.0, g_max)
            if np.max(np.abs(k1m)) < 1e-7 and np.max(np.abs(k1g)) < 1e-4:  # every point has settled
                break
    f = _c._factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    g = _c._factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    x = g * G
    B = p.k * (p.r0 / G - p.eg0) / (p.si * f) * (p.alpha + x * x) / (p.sigma * x * x)
    return G.reshape(MM.shape), M.reshape(MM.shape), B.reshape(MM.shape)


def outcome_map(params: Parameters | None = None, *, intakes_mg_per_day=None, start_mg_pool=None, years: float = 15.0,
                beta0_mg: float = 300.0, dt_days: float = 10.0):
    """Long-run glucose for a grid of intake × starting Mg pool (start: β = ``beta0_mg``, G and I at QSS).

    Vectorised: the QSS-reduced slow system is integrated for every grid point at once
    (fixed-step RK4 in the (M, G) coordinates of :func:`phase_plane_field`, step ``dt_days``). Returns ``(intakes, start_mg_pool,
    glucose (n_m0, n_intake), mg_pool, beta_mg)``; cached.
    """
    p = _c._params(params)
    _check_dynamic(p)
    J = as_array("intakes_mg_per_day", np.linspace(50, 600, 40) if intakes_mg_per_day is None else intakes_mg_per_day,
                 low=0.0, high=5000.0, ndim=1, unit="mg/day")
    M0 = as_array("start_mg_pool", np.linspace(0.1, 1.3, 30) if start_mg_pool is None else start_mg_pool,
                  low=0.0, high=_c.STATE_MAX["mg_pool"], ndim=1)
    if np.any(J < 0):
        raise ValueError("intakes_mg_per_day must be ≥ 0 mg/day")
    if np.any(M0 < 0):
        raise ValueError("start_mg_pool must be ≥ 0")
    years = in_range("years", years, 0.1, 100.0, unit="years")
    beta0 = in_range("beta0_mg", beta0_mg, 1e-3, 1e4, unit="mg")
    dt = in_range("dt_days", dt_days, 0.1, 20.0, unit="days")
    G, M, B = _outcome_map_cached(p, tuple(np.round(J, 9)), tuple(np.round(M0, 9)), float(years), float(beta0), float(dt))
    return J, M0, G.copy(), M.copy(), B.copy()


# --------------------------------------------------------------------------- sensitivity
#: The illustrative Mg parameters whose effect the chapter shows.
ILLUSTRATIVE_PARAMETERS = ("absorbed_fraction", "renal_loss_exponent", "renal_threshold_mg_dl", "glycosuria_gain",
                           "insulin_conservation_gain", "sensing_floor", "sensing_half_mg", "sensing_hill",
                           "si_floor", "si_half_mg", "mg_pool_ref_mg")


def sensitivity(params: Parameters | None = None, *, names=ILLUSTRATIVE_PARAMETERS, rel_change: float = 0.2):
    """How the two fold intakes move when each illustrative parameter changes by ±``rel_change``.

    Returns a pandas DataFrame (one row per parameter and direction) with the fold intakes
    (mg/day), the width of the bistable range, and the glucose of the diabetic state at
    the default intake (NaN when that state does not exist).
    """
    import pandas as pd

    p = _c._params(params)
    rel = in_range("rel_change", rel_change, 0.0, 0.9, low_inclusive=False)
    rows = []
    base = fold_intakes(p)
    for name in names:
        for sgn in (-1, +1):
            val = getattr(p, name) * (1 + sgn * rel)
            low, high, _ = Parameters.RANGES[name]
            val = min(max(val, low), high)
            try:
                q = p.with_(**{name: val})
                fo = fold_intakes(q)
            except ValueError:
                continue
            diab = [s for s in _c.steady_states(q) if s.stable and s.glucose_mg_dl >= 126]
            rows.append({"parameter": name, "change": f"{sgn * rel:+.0%}", "value": val,
                         "healthy lost below (mg/day)": fo.healthy_lost_below_mg_per_day,
                         "diabetic lost above (mg/day)": fo.diabetic_lost_above_mg_per_day,
                         "bistable width (mg/day)": fo.width_mg_per_day,
                         "diabetic glucose at this intake (mg/dL)": diab[0].glucose_mg_dl if diab else float("nan")})
    df = pd.DataFrame(rows)
    df.attrs["baseline"] = base
    return df


# =========================================================================== figures and widget callbacks
from ..style import ROLE_COLORS, new_diagram, new_figure, register_figure  # noqa: E402
from .._stamped_text import legend_entries  # noqa: E402
from ..widgets import Slider, View, register  # noqa: E402

_YEAR = 365.25
_DIABETES_FPG = 126.0  # mg/dL, ADA fasting threshold (fact sheet 5a)


def _healthy_start(mg_pool: float, p: Parameters, beta_mg: float = 300.0) -> tuple:
    """A start with a normal β-cell mass, given Mg pool, glucose and insulin at quasi-steady state."""
    G = float(qss_glucose(beta_mg, mg_pool, p))
    g = float(_c.sensing_factor(mg_pool, p))
    x = g * G
    return (G, p.sigma * beta_mg * x * x / (p.alpha + x * x) / p.k, beta_mg, mg_pool)


@lru_cache(maxsize=256)
def _cached_run(p: Parameters, days: float, y0: tuple, t_switch: float = -1.0, new_intake: float = -1.0):
    if t_switch < 0:
        return _c.simulate(p, days=days, y0=y0, t_eval=np.linspace(0, days, 400))
    return _c.simulate_intervention(p, days=days, t_switch_days=t_switch, new_intake_mg_per_day=new_intake, y0=y0)


def loop_diagram():
    """The positive feedback loop of the model, drawn by code."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = new_diagram(figsize=(8.0, 6.0), xlim=(-1.9, 1.9), ylim=(-1.45, 1.45))
    nodes = [
        ((0.0, 1.05), "Intracellular Mg ↓\n(pool M)", ROLE_COLORS["magnesium"]),
        ((1.12, 0.3), "Insulin resistance: S_I·f(M) ↓\nβ-cells sense less glucose: g(M) ↓", ROLE_COLORS["beta"]),
        ((0.8, -0.95), "Glucose set point ↑\n(β-cells settle where g(M)·G = 100)", ROLE_COLORS["glucose"]),
        ((-0.8, -0.95), "Glycosuria above ≈180 mg/dL;\nless insulin action on renal TRPM6", ROLE_COLORS["insulin"]),
        ((-1.12, 0.3), "Renal Mg loss ↑", ROLE_COLORS["reference"]),
    ]
    for (x, y), text, color in nodes:
        ax.add_patch(FancyBboxPatch((x - 0.72, y - 0.2), 1.44, 0.4, boxstyle="round,pad=0.03", fc="white",
                                    ec=color, lw=2.5))
        ax.text(x, y, text, ha="center", va="center", fontsize=10.5)
    pts = [n[0] for n in nodes]
    for i in range(len(pts)):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
        u, v = (0.455, 0.545) if abs(y1 - y0) < 0.1 else (0.35, 0.65)
        a = FancyArrowPatch((x0 + u * (x1 - x0), y0 + u * (y1 - y0)), (x0 + v * (x1 - x0), y0 + v * (y1 - y0)),
                            arrowstyle="-|>", mutation_scale=22, lw=2.2, color="#333333", connectionstyle="arc3,rad=-0.15")
        ax.add_patch(a)
    ax.text(0, 0.05, "positive feedback\n(a vicious cycle)", ha="center", va="center", fontsize=12, style="italic")
    ax.annotate("", xy=(-0.76, 1.05), xytext=(-1.55, 1.05),
                arrowprops=dict(arrowstyle="-|>", lw=2, color=ROLE_COLORS["magnesium"], mutation_scale=20))
    ax.text(-1.4, 1.15, "intake ×\nabsorbed fraction", ha="center", va="bottom", fontsize=10)
    ax.set_title("The vicious cycle in the model (each arrow: an assumption with a source)")
    return fig


def _branch_style(stable: bool, beta0: bool) -> dict:
    """Line style of a branch of fixed points: stable solid, unstable dashed; the β = 0 branch has its own line
    style and marker, so its legend entry is not a copy of another."""
    return dict(color=ROLE_COLORS["stable" if stable else "unstable"],
                ls=("-" if stable else "--") if not beta0 else (":" if not stable else (0, (6, 2, 1, 2))),
                lw=2.5 if stable else 1.8, marker="x" if beta0 else None, ms=5)


def bifurcation_figure(params: Parameters | None = None, *, intake_max_mg_per_day: float = 600.0, ax=None,
                       quantity: str = "glucose_mg_dl"):
    """Fixed points vs intake: stable branches solid, unstable dashed; the folds marked."""
    p = _c._params(params)
    if quantity not in _c.STATE_NAMES:
        from .._validate import choice
        choice("quantity", quantity, _c.STATE_NAMES)
    bif = bifurcation(p, intake_max_mg_per_day=intake_max_mg_per_day)
    fig = None
    if ax is None:
        fig, ax = new_figure()
    labelled = set()
    for br in bif.branches:
        y = getattr(br, quantity)
        for stable in (True, False):
            yy = np.where(br.stable == stable, y, np.nan)
            if np.all(np.isnan(yy)):
                continue
            beta0 = br.name == "beta = 0"
            lab = ("stable" if stable else "unstable") + (" (β = 0)" if beta0 else "")
            ax.plot(br.intake_mg_per_day, yy, **_branch_style(stable, beta0),
                    markevery=max(1, len(yy) // 12) if beta0 else None, label=None if lab in labelled else lab)
            labelled.add(lab)
    fo = bif.folds
    if fo.bistable:
        ax.axvspan(fo.healthy_lost_below_mg_per_day, fo.diabetic_lost_above_mg_per_day, color="#bbbbbb", alpha=0.3,
                   label=f"two stable states ({fo.healthy_lost_below_mg_per_day:.0f}–{fo.diabetic_lost_above_mg_per_day:.0f} mg/day)")
    ax.axvline(p.mg_intake_mg_per_day, color=ROLE_COLORS["reference"], ls=":", lw=1.5, label="model default intake")
    ax.set_xlim(0, intake_max_mg_per_day)
    if quantity == "glucose_mg_dl":
        ax.set_ylim(50, 650)
        ax.set_ylabel("steady-state glucose (mg/dL)")
    else:
        ax.set_ylabel("steady-state Mg pool M (1 = replete)")
    ax.set_xlabel("Mg intake (mg/day)")
    ax.legend(loc="center right", fontsize=9.5)  # clear of the beta = 0 branch along the top
    return fig if fig is not None else ax.figure


def _quiver_one_path(ax, *args, **kwargs):
    """``ax.quiver``, drawn on an Agg canvas as one path of all its arrows instead of a collection of 625 paths.

    A live panel redraws the arrow field on every slider move: matplotlib's Quiver builds a Path object per arrow
    and draws them one by one (about 9 ms for 25 × 25 arrows on this machine class); as one compound path the same
    polygons, with the same colour, clipping and antialiasing, take about 2 ms. Other renderers draw it as usual.
    """
    import inspect

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.path import Path
    from matplotlib.quiver import Quiver
    from matplotlib.transforms import IdentityTransform

    class OnePathQuiver(Quiver):
        def draw(self, renderer):
            if type(renderer) is not RendererAgg or not self.get_visible():
                return super().draw(renderer)
            self._init()
            # a masked arrow (undefined field) has NaN corners, which Agg leaves out
            # matplotlib's private arrow builder: (XY, U, V, angles) from 3.9, (U, V, angles) before
            args = (self.U, self.V, self.angles)
            if len(inspect.signature(self._make_verts).parameters) == 4:
                args = (self.XY, *args)
            verts = np.ma.filled(np.ma.asarray(self._make_verts(*args), float), np.nan)
            if verts.size:
                # what Collection.draw does per arrow: the arrow's shape (pixels per arrow-width unit) placed at its
                # offset (the grid point in data coordinates)
                shape = self.get_transform().transform(verts.reshape(-1, 2)).reshape(verts.shape)
                pts = shape + self.get_offset_transform().transform(self.XY)[:, None, :]
                gc = renderer.new_gc()
                self._set_gc_clip(gc)
                gc.set_linewidth(0)
                gc.set_antialiased(bool(self.get_antialiased()[0]))
                gc.set_alpha(self.get_alpha())
                renderer.draw_path(gc, Path.make_compound_path_from_polys(pts), IdentityTransform(),
                                   tuple(self.get_facecolor()[0]))
                gc.restore()
            self.stale = False

    q = OnePathQuiver(ax, *args, **kwargs)
    ax.add_collection(q, autolim=True)
    ax._request_autoscale_view()  # as ax.quiver does
    return q


#: The phase plane's axes: M over 0.1-1.4, G over 60-600 mg/dL (fixed, whatever the intake).
_PP_M, _PP_G = (0.1, 1.4), (60.0, 600.0)


@lru_cache(maxsize=96)  # the 41 intakes of the panel's slider and the static figures
def _phase_plane_data(p: Parameters, starts: tuple, years: float) -> dict:
    """Everything of the phase plane that depends on the parameters, computed once per setting (pure: cached)."""
    MM, GG, dM, dG = phase_plane_field(p, m_range=_PP_M, g_range=(60.0, 590.0), n=25)
    # scale so that arrows reflect direction in the plotted units
    speed = np.hypot(dM / 1.3, dG / 530.0)
    # arrows of equal length (4 % of each axis), direction correct in data coordinates
    u = 0.04 * (dM / 1.3) / (speed + 1e-30) * 1.3
    v = 0.04 * (dG / 530.0) / (speed + 1e-30) * 530.0
    g_line = np.linspace(60.0, 595.0, 400)
    trajectories = []
    for m0, b0 in starts:
        sim = _cached_run(p, years * _YEAR, _healthy_start(m0, p, b0))
        trajectories.append((sim.mg_pool, sim.glucose_mg_dl))
    states = tuple(s for s in _c.steady_states(p) if _PP_M[0] <= s.mg_pool <= _PP_M[1])
    return {"field": (MM, GG, dM, dG), "arrows": (u, v), "mg_nullcline": (mg_nullcline(g_line, p), g_line),
            "trajectories": trajectories, "states": states}


#: The live panel's arrow field: every other point of the 25 × 25 grid (13 × 13 arrows), each 1.5 times as long
#: (6 % of each axis). The field is as readable, and a slider move changes far fewer pixels (a smaller frame to
#: encode, send and decode); the chapter's static figure draws stream lines from the full grid.
_PP_ARROW_STEP = 2
_PP_ARROW_GAIN = 1.5


_PP_ARROW_SUB = (slice(None, None, _PP_ARROW_STEP), slice(None, None, _PP_ARROW_STEP))


def _pp_live_uv(u, v):
    """The live arrow field's components: every other grid point, 1.5 times as long."""
    return _PP_ARROW_GAIN * u[_PP_ARROW_SUB], _PP_ARROW_GAIN * v[_PP_ARROW_SUB]


def _phase_plane_build(p: Parameters, data: dict, stream: bool):
    """The phase plane's figure with every artist a change of intake moves (filled by :func:`_phase_plane_fill`)."""
    fig, ax = new_figure(figsize=(7.2, 5.0))
    MM, GG, dM, dG = data["field"]
    arrows = None
    if stream:
        ax.streamplot(MM, GG, dM, dG, color="#aaaaaa", density=0.9, linewidth=0.8, arrowsize=0.9)
    else:
        # above the grid (z-order 1.5), below the curves: the same order in a full draw as when a live panel
        # redraws the arrows over its background (the grid)
        arrows = _quiver_one_path(ax, MM[_PP_ARROW_SUB], GG[_PP_ARROW_SUB], *_pp_live_uv(*data["arrows"]),
                                  color="#aaaaaa", angles="xy", scale_units="xy", scale=1.0, width=0.003, zorder=1.6)
    mg_line = ax.plot([], [], color=ROLE_COLORS["magnesium"], lw=2.5, label="Mg nullcline (dM/dt = 0)")[0]
    m_line = np.linspace(*_PP_M, 300)
    beta_lines = []
    for i, (name, gl) in enumerate(beta_nullclines(m_line, p).items()):
        # the beta = 0 nullcline gets its own style (dotted, x markers): no two legend entries look alike
        style_kw = ({"ls": ":", "marker": "x", "markevery": 25, "ms": 5} if "beta = 0" in name
                    else {"ls": "-" if i == 0 else (0, (3, 2))})
        # above 600 mg/dL masked (a gap, as NaN would be; a masked array keeps its numbers, so two builds compare
        # equal)
        beta_lines += ax.plot(m_line, np.ma.masked_greater(gl, 600), color=ROLE_COLORS["beta"],
                              lw=2.5 if i == 0 else 1.5, label=f"β-nullcline ({name})", **style_kw)
    trajectories = []
    for k in range(len(data["trajectories"])):
        line = ax.plot([], [], color="black", lw=1.4, ls="-", label="trajectories (full model)" if k == 0 else None)[0]
        start = ax.plot([], [], "o", color="black", ms=5)[0]
        arrow = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0),
                            arrowprops=dict(arrowstyle="-|>", color="black", lw=1.4))
        trajectories.append((line, start, arrow))
    # fixed points: one marker line per kind, never cut in half at the axes' edge
    points = {kind: ax.plot([], [], "o" if kind == "stable" else "s", ls="none", ms=11, clip_on=False, zorder=5,
                            mfc=ROLE_COLORS["stable"] if kind == "stable" else "white", mew=2.2,
                            mec=ROLE_COLORS[kind])[0]
              for kind in ("stable", "unstable")}
    ax.plot([], [], "o", ms=9, mfc=ROLE_COLORS["stable"], mec=ROLE_COLORS["stable"], label="stable fixed point")
    ax.plot([], [], "s", ms=9, mfc="white", mec=ROLE_COLORS["unstable"], mew=2, label="saddle / unstable")
    threshold = ax.axhline(p.renal_threshold_mg_dl, color=ROLE_COLORS["reference"], lw=1, ls=":")
    threshold_text = ax.text(1.38, p.renal_threshold_mg_dl + 6, "renal glucose threshold", ha="right", fontsize=9,
                             color="#555555")
    ax.set_xlim(*_PP_M)
    ax.set_ylim(_PP_G[0], _PP_G[1])
    ax.set_xlabel("intracellular Mg pool M (1 = replete)")
    ax.set_ylabel("glucose G at quasi-steady state (mg/dL)")
    # the title's fixed words in the centre (clear of a saddle at the top left, whose marker reaches above the
    # axes); the intake, set by the fill, on the right: a slider move redraws only this short string (a new
    # string is laid out anew on every draw)
    ax.set_title("Slow phase plane")
    intake_title = ax.set_title(" ", loc="right")
    # framed and opaque: the arrow field and the trajectories never run through the legend's text
    legend = ax.legend(loc="upper right", fontsize=8.5, frameon=True, framealpha=1.0, edgecolor="#999999")
    legend.set_zorder(10)
    return fig, {"ax": ax, "arrows": arrows, "mg_line": mg_line, "beta_lines": beta_lines,
                 "trajectories": trajectories, "points": points, "threshold": threshold,
                 "threshold_text": threshold_text, "legend": legend, "intake_title": intake_title}


def _phase_plane_fill(artists: dict, p: Parameters, data: dict) -> tuple:
    """Set what the intake changes; return the artists a live panel redraws over the background: everything inside
    the axes (the arrows, the nullclines, the trajectories, the fixed points, the threshold line and its label, so
    that they keep the order in which they are drawn), the intake in the title and the legend.

    The arrow field covers the whole plane, so the threshold label and the opaque legend are redrawn too (on top of
    the arrows, as in the static figure); their texts are composited from kept pixels
    (the live panel stamps animated texts and keeps an animated legend's pixels: :mod:`mgcourse._stamped_text`)."""
    ax = artists["ax"]
    if artists["arrows"] is not None:
        artists["arrows"].set_UVC(*_pp_live_uv(*data["arrows"]))
    artists["mg_line"].set_data(*data["mg_nullcline"])
    for (line, start, arrow), (m, g) in zip(artists["trajectories"], data["trajectories"]):
        line.set_data(m, g)
        start.set_data([m[0]], [g[0]])
        arrow.xy = (m[40], g[40])
        arrow.set_position((m[35], g[35]))
    for kind, line in artists["points"].items():
        pts = [s for s in data["states"] if s.stable == (kind == "stable")]
        line.set_data([s.mg_pool for s in pts], [s.glucose_mg_dl for s in pts])
    artists["intake_title"].set_text(f"intake: {p.mg_intake_mg_per_day:.0f} mg/day")
    moving = (*([artists["arrows"]] if artists["arrows"] is not None else []), artists["mg_line"],
              *artists["beta_lines"], *(a for t in artists["trajectories"] for a in t), *artists["points"].values(),
              artists["threshold"], artists["threshold_text"], artists["intake_title"], artists["legend"])
    return moving


def phase_plane_figure(params: Parameters | None = None, *, starts=((0.3, 150.0), (0.45, 300.0), (0.8, 60.0), (1.0, 60.0)),
                       years: float = 12.0, stream: bool = True):
    """The slow (M, G) phase plane: QSS vector field, nullclines, fixed points and trajectories of the full model."""
    p = _c._params(params)
    years = in_range("years", years, 0, 100, low_inclusive=False, unit="years")
    stream = as_bool("stream", stream)
    starts = tuple((float(m0), float(b0)) for m0, b0 in starts)
    data = _phase_plane_data(p, starts, float(years))
    fig, artists = _phase_plane_build(p, data, stream)
    _phase_plane_fill(artists, p, data)
    return fig


def outcome_map_figure(params: Parameters | None = None, *, years: float = 12.0):
    """Long-run glucose over intake × starting Mg pool (vectorised QSS integration)."""
    p = _c._params(params)
    J, M0, G, *_ = outcome_map(p, years=years)
    fig, ax = new_figure(figsize=(7.2, 4.6))
    mesh = ax.pcolormesh(J, M0, G, shading="nearest", cmap="cividis", vmin=80, vmax=360)
    ax.grid(False)
    ax.contour(J, M0, G, levels=[230.0], colors="white", linewidths=2.0)
    cb = fig.colorbar(mesh, ax=ax)
    cb.set_label(f"glucose after {years:.0f} years (mg/dL)")
    fo = fold_intakes(p)
    if fo.bistable:
        for v in (fo.healthy_lost_below_mg_per_day, fo.diabetic_lost_above_mg_per_day):
            ax.axvline(v, color="white", ls="--", lw=1.2)
    ax.set_xlabel("Mg intake (mg/day)")
    ax.set_ylabel("starting Mg pool M (1 = replete)")
    ax.set_title("Where history decides: same intake, different start")
    ax.text(0.02, 0.03, "white line: boundary between the two outcomes; dashed: the folds", transform=ax.transAxes,
            color="white", fontsize=9)
    return fig


def hysteresis_sweep(params: Parameters | None = None, *, intakes=None, years_each: float = 8.0):
    """Quasi-static sweep: intake stepped down then up, each step starting where the last ended.

    Returns ``(intakes_down, glucose_down, intakes_up, glucose_up)``: the end glucose of each step.
    """
    p = _c._params(params)
    J = np.arange(500.0, 99.0, -20.0) if intakes is None else as_array("intakes", intakes, low=0.0, high=5000.0,
                                                                       ndim=1, unit="mg/day")
    years_each = in_range("years_each", years_each, 0, 100, low_inclusive=False, unit="years")
    y = _c.HEALTHY_STATE
    down = []
    for j in J:
        s = _c.simulate(p.with_(mg_intake_mg_per_day=float(j)), days=years_each * _YEAR, y0=y, t_eval=[0, years_each * _YEAR])
        y = tuple(float(getattr(s, n)[-1]) for n in _c.STATE_NAMES)
        down.append(y[0])
    up = []
    for j in J[::-1]:
        s = _c.simulate(p.with_(mg_intake_mg_per_day=float(j)), days=years_each * _YEAR, y0=y, t_eval=[0, years_each * _YEAR])
        y = tuple(float(getattr(s, n)[-1]) for n in _c.STATE_NAMES)
        up.append(y[0])
    return J, np.array(down), J[::-1].copy(), np.array(up)


def hysteresis_figure(params: Parameters | None = None):
    p = _c._params(params)
    Jd, Gd, Ju, Gu = hysteresis_sweep(p)
    fig, ax = new_figure()
    bifurcation_figure(p, ax=ax)
    ax.plot(Jd, Gd, "v", color=OKABE_DOWN, ms=8, label="sweep: intake lowered step by step")
    ax.plot(Ju, Gu, "^", color=OKABE_UP, ms=8, mfc="none", mew=1.8, label="sweep: intake raised step by step")
    ax.legend(loc="upper right", fontsize=8.5)
    ax.set_title("Hysteresis: the way back needs more intake than the way down")
    return fig


OKABE_DOWN = "#CC79A7"
OKABE_UP = "#000000"


@register_figure("ch04_feedback_loop", alt="A circular diagram: low intracellular magnesium lowers insulin sensitivity and "
                 "beta-cell glucose sensing, which raises glucose, which raises renal magnesium loss through glycosuria "
                 "and weaker insulin action at the kidney, which lowers magnesium further.")
def _fig_loop():
    return loop_diagram()


@register_figure("ch04_bifurcation", alt="Steady-state glucose against magnesium intake in the toy model: a healthy stable "
                 "branch near 100 mg/dL at high intake, a diabetic stable branch near 330 mg/dL at low intake, joined by "
                 "an unstable branch, with two stable states between about 190 and 350 mg/day.")
def _fig_bifurcation():
    return bifurcation_figure()


@register_figure("ch04_phase_plane", alt="Slow phase plane of magnesium pool against glucose with the magnesium nullcline, "
                 "the beta-cell nullclines and trajectories that end either at the healthy or at the diabetic fixed point.")
def _fig_phase_plane():
    return phase_plane_figure()


@register_figure("ch04_outcome_map", alt="Map of long-run glucose over magnesium intake and starting magnesium pool: "
                 "low intakes always end diabetic, high intakes always healthy, and in between the outcome depends on "
                 "the starting pool.")
def _fig_outcome_map():
    return outcome_map_figure()


# --------------------------------------------------------------------------- widget callbacks
_EXPLORER_MAX_YEARS = 20  # the horizon slider's maximum: the explorer's time axis spans it


def _explorer_figure():
    """The explorer's figure and the artists a slider move changes (a live panel updates them in place)."""
    fig, axes = new_figure(3, 1, figsize=(7.0, 5.6), sharex=True)
    lines = [axes[0].plot([], [], color=ROLE_COLORS["glucose"])[0],
             axes[1].plot([], [], color=ROLE_COLORS["beta"], ls="--")[0],
             axes[2].plot([], [], color=ROLE_COLORS["magnesium"], ls="-.")[0]]
    threshold = Parameters().renal_threshold_mg_dl
    # both reference lines are labelled on the plot (not grey lines without a meaning)
    axes[0].axhline(_DIABETES_FPG, color=ROLE_COLORS["reference"], ls=":", lw=1.2)
    axes[0].axhline(threshold, color=ROLE_COLORS["reference"], ls="--", lw=1.0)
    # labels just outside the plot area, on the right: they never cover the curves
    tr = axes[0].get_yaxis_transform()
    axes[0].text(1.01, _DIABETES_FPG, f"diabetes\n{_DIABETES_FPG:.0f}", transform=tr, ha="left", va="center",
                 fontsize=8.5, color="#555555", clip_on=False)
    axes[0].text(1.01, threshold, f"renal\nthreshold\n{threshold:.0f}", transform=tr, ha="left", va="bottom",
                 fontsize=8.5, color="#555555", clip_on=False)
    axes[0].set_ylabel("glucose\n(mg/dL)")
    axes[1].set_ylabel("β-cell mass\n(mg)")
    axes[2].set_ylabel("Mg pool M\n(1 = replete)")
    axes[2].set_xlabel("time (years)")
    # Fixed axes over the sliders' whole range (intake 50-700 mg/day, starting pool 0.2-1.4, 1-20 years): over
    # that range glucose stays within 92-334 mg/dL, β-cell mass within 148-301 mg and the Mg pool within
    # 0.14-1.50, so a move shows as a moving curve, not as rescaled axes, and the panel redraws only the three
    # curves (blitting). The time axis spans the longest horizon: a shorter horizon ends the curves early.
    axes[0].set_ylim(50, 400)
    axes[1].set_ylim(0, 450)
    axes[2].set_ylim(0, 1.6)
    axes[2].set_xlim(-0.02 * _EXPLORER_MAX_YEARS, 1.02 * _EXPLORER_MAX_YEARS)
    return fig, {"axes": axes, "lines": lines}


def _explorer_fill(fig, artists, intake, start_mg_pool, years) -> View:
    p = Parameters(mg_intake_mg_per_day=round(float(intake), 3))
    m0 = in_range("start_mg_pool", start_mg_pool, 0.0, 3.0)
    y0 = tuple(round(v, 10) for v in _healthy_start(round(m0, 4), p))
    sim = _cached_run(p, float(years) * _YEAR, y0)
    axes, lines = artists["axes"], artists["lines"]
    t = sim.t_years
    for line, name in zip(lines, ("glucose_mg_dl", "beta_mg", "mg_pool")):
        line.set_data(t, getattr(sim, name))
    end = sim.final()
    status = "diabetic range" if end["glucose_mg_dl"] >= _DIABETES_FPG else "below the diabetes threshold"
    n_st = _n_stable(p)
    text = (f"After {int(years)} years: glucose **{end['glucose_mg_dl']:.0f} mg/dL** ({status}), "
            f"β-cell mass {end['beta_mg']:.0f} mg, Mg pool {end['mg_pool']:.2f}. "
            f"At {p.mg_intake_mg_per_day:.0f} mg/day the model has {n_st} stable state{'s' if n_st != 1 else ''}"
            + (": the end depends on where you start." if n_st > 1 else "."))
    alt = (f"Three panels (time axis 0 to {_EXPLORER_MAX_YEARS} years) with curves over {int(years)} years at "
           f"{p.mg_intake_mg_per_day:.0f} mg/day starting from Mg pool "
           f"{m0:.2f}: glucose ends at {end['glucose_mg_dl']:.0f} mg/dL, beta-cell mass at {end['beta_mg']:.0f} mg "
           f"and the Mg pool at {end['mg_pool']:.2f}; dotted line: diabetes cut-off (126 mg/dL), dashed line: "
           f"renal glucose threshold (180 mg/dL).")
    # redrawn on each move: the three curves (nothing else changes; the reference labels sit outside the axes)
    return View(text=text, figure=fig, alt=alt, artists=artists, animated=tuple(lines))


@lru_cache(maxsize=256)
def _n_stable(p: Parameters) -> int:
    return sum(s.stable for s in _c.steady_states(p))


@register("04.explorer", title="Magnesium intake and the vicious cycle",
          intake=Slider("Mg intake (mg/day)", 50, 700, 320, 10),
          start_mg_pool=Slider("Starting Mg pool M (1 = replete)", 0.2, 1.4, 1.0, 0.05),
          years=Slider("Horizon (years)", 1, _EXPLORER_MAX_YEARS, 10, 1, integer=True))
def explorer_view(intake, start_mg_pool, years):
    """Time courses of glucose, β-cell mass and Mg pool for one intake and starting Mg pool."""
    fig, artists = _explorer_figure()
    return _explorer_fill(fig, artists, intake, start_mg_pool, years)


@explorer_view.updater
def _explorer_update(view, intake, start_mg_pool, years):
    """In place: new data for the three lines (the axes are fixed); nothing else is redrawn."""
    return _explorer_fill(view.figure, view.artists, intake, start_mg_pool, years)


#: The bifurcation panel's branch lines, one per branch and stability (a branch may have no such part).
_BIF_SLOTS = (("lower root", True), ("lower root", False), ("upper root", True), ("upper root", False),
              ("beta = 0", True), ("beta = 0", False))
#: Its legend entries, in the order :func:`bifurcation_figure` labels them (an absent entry is hidden).
_BIF_LABELS = ("stable", "unstable", "stable (β = 0)", "unstable (β = 0)", "two stable states (shaded)",
               "model default intake")


@lru_cache(maxsize=128)
def _panel_bifurcation(p: Parameters) -> Bifurcation:
    return bifurcation(p, intake_max_mg_per_day=600.0)


def _bifurcation_panel_figure(p: Parameters):
    """The bifurcation panel's figure: every branch line, the bistable span and the legend, built once (a slider
    move changes their data and shows or hides legend entries). Axes fixed: intake 0-600 mg/day, glucose
    50-650 mg/dL as in :func:`bifurcation_figure` (every branch lies between 75 and 600 mg/dL)."""
    fig, ax = new_figure()
    lines = {slot: ax.plot([], [], **_branch_style(slot[1], slot[0] == "beta = 0"))[0] for slot in _BIF_SLOTS}
    # above the grid (z-order 1.5), below the branches: the same order in a full draw as when a live panel redraws
    # the span over its background (the grid)
    # a Rectangle spanning the axes' height (axvspan gives a Polygon, without set_x, on matplotlib < 3.9)
    from matplotlib.patches import Rectangle

    span = ax.add_patch(Rectangle((0.0, 0.0), 0.0, 1.0, transform=ax.get_xaxis_transform(), color="#bbbbbb",
                                  alpha=0.3, zorder=1.6, linewidth=0))
    default = ax.axvline(p.mg_intake_mg_per_day, color=ROLE_COLORS["reference"], ls=":", lw=1.5)
    ax.set_xlim(0, 600.0)
    ax.set_ylim(50, 650)
    ax.set_ylabel("steady-state glucose (mg/dL)")
    ax.set_xlabel("Mg intake (mg/day)")
    handles = (lines[("lower root", True)], lines[("lower root", False)], lines[("beta = 0", True)],
               lines[("beta = 0", False)], span, default)
    legend = ax.legend(handles, _BIF_LABELS, loc="center right", fontsize=9.5)  # clear of the beta = 0 branch
    return fig, {"lines": lines, "span": span, "default": default, "legend": legend}


def _bifurcation_fill(fig, artists, bif: Bifurcation) -> View:
    """Branch data, bistable span and legend entries for one setting (shared by the callback and the update)."""
    branches = {br.name: br for br in bif.branches}
    present = {"model default intake"}
    for (name, stable), line in artists["lines"].items():
        br = branches.get(name)
        if br is None or not np.any(br.stable == stable):
            line.set_data([], [])
            continue
        # the other stability's points masked: gaps in the line, as the NaN of bifurcation_figure (a masked array
        # keeps its numbers, so two builds of the same setting compare equal, which NaN never do)
        yy = np.ma.masked_where(br.stable != stable, br.glucose_mg_dl)
        line.set_data(br.intake_mg_per_day, yy)
        if name == "beta = 0":
            line.set_markevery(max(1, len(yy) // 12))
        present.add(("stable" if stable else "unstable") + (" (β = 0)" if name == "beta = 0" else ""))
    fo = bif.folds
    span = artists["span"]
    span.set_visible(fo.bistable)
    if fo.bistable:
        lo, hi = fo.healthy_lost_below_mg_per_day, fo.diabetic_lost_above_mg_per_day
        span.set_x(lo)
        span.set_width(hi - lo)
        present.add("two stable states (shaded)")
    else:
        span.set_x(0.0)
        span.set_width(0.0)
    # the legend names the span (_BIF_LABELS); the readout gives its edges (a label that changed on every move
    # would make the live panel draw the legend anew each time instead of reusing its kept pixels)
    for label, entry in zip(_BIF_LABELS, legend_entries(artists["legend"])):
        entry.set_visible(label in present)
    if fo.bistable:
        text = (f"Two stable states between **{fo.healthy_lost_below_mg_per_day:.0f}** and "
                f"**{fo.diabetic_lost_above_mg_per_day:.0f} mg/day** (width {fo.width_mg_per_day:.0f} mg/day).")
        alt = (f"Steady-state glucose against intake with two stable states between "
               f"{fo.healthy_lost_below_mg_per_day:.0f} and {fo.diabetic_lost_above_mg_per_day:.0f} mg/day.")
    else:
        text = "No fold with these settings: one stable state at every intake, so no bistability and no hysteresis."
        alt = "Steady-state glucose against intake with a single stable state at every intake."
    # redrawn on each move: the span (below), the branches, the default-intake line (kept above the span, as in
    # the static figure) and the legend (its entries change, and it must stay on top of the branches)
    return View(text=text, figure=fig, alt=alt, artists=artists,
                animated=(artists["span"], *artists["lines"].values(), artists["default"], artists["legend"]))


def _bifurcation_params(glycosuria_gain, insulin_conservation_gain, sensing_half_mg) -> Parameters:
    return Parameters(glycosuria_gain=float(glycosuria_gain), insulin_conservation_gain=float(insulin_conservation_gain),
                      sensing_half_mg=float(sensing_half_mg))


@register("04.bifurcation", title="How the illustrative parameters move the folds",
          glycosuria_gain=Slider("Glycosuria gain (fractional extra Mg loss per 100 mg/dL above threshold)", 0.0, 6.0, 3.0, 0.25),
          insulin_conservation_gain=Slider("Insulin conservation gain (fractional extra loss without insulin action)", 0.0, 0.9, 0.5, 0.05),
          sensing_half_mg=Slider("Half-effect Mg pool of β-cell sensing K_g (fraction of replete)", 0.5, 0.9, 0.7, 0.02))
def bifurcation_view(glycosuria_gain, insulin_conservation_gain, sensing_half_mg):
    """Bifurcation diagram (steady-state glucose vs intake) for three illustrative parameters."""
    p = _bifurcation_params(glycosuria_gain, insulin_conservation_gain, sensing_half_mg)
    fig, artists = _bifurcation_panel_figure(p)
    return _bifurcation_fill(fig, artists, _panel_bifurcation(p))


@bifurcation_view.updater
def _bifurcation_update(view, glycosuria_gain, insulin_conservation_gain, sensing_half_mg):
    """In place: the branches, the span and the legend entries change; the axes stay."""
    p = _bifurcation_params(glycosuria_gain, insulin_conservation_gain, sensing_half_mg)
    return _bifurcation_fill(view.figure, view.artists, _panel_bifurcation(p))


def _intervention_figure():
    """The intervention panel's figure: both runs, the switch line and the legend, built once."""
    fig, axes = new_figure(2, 1, figsize=(7.0, 5.2), sharex=True)
    base, switched, switch = [], [], []
    for ax, name, lab in ((axes[0], "glucose_mg_dl", "glucose (mg/dL)"), (axes[1], "mg_pool", "Mg pool M")):
        base += ax.plot([], [], color=ROLE_COLORS["reference"], ls="--", label="no change")
        switched += ax.plot([], [], color=ROLE_COLORS["glucose" if name == "glucose_mg_dl" else "magnesium"],
                            label="raised at the switch")
        switch.append(ax.axvline(0.0, color="black", lw=1, ls=":"))
        ax.set_ylabel(lab)
    cutoff = axes[0].axhline(_DIABETES_FPG, color=ROLE_COLORS["reference"], lw=1, ls=":",
                             label="diabetes cut-off (126 mg/dL)")
    legend = axes[0].legend(loc="upper left", fontsize=9, frameon=True, framealpha=0.9)
    axes[1].set_xlabel("time (years)")
    # Fixed axes over the sliders' whole range (intake before 50-300 and after 100-700 mg/day, switch at 0-6
    # years): glucose stays within 92-335 mg/dL and the Mg pool within 0.14-1.50 over the 10 years, so a
    # move shows as moving curves, not as rescaled axes, and the panel redraws only the curves (blitting).
    axes[1].set_xlim(-0.5, 10.5)
    axes[0].set_ylim(50, 400)
    axes[1].set_ylim(0, 1.6)
    return fig, {"axes": axes, "base": base, "switched": switched, "switch": switch, "cutoff": cutoff,
                 "legend": legend}


def _intervention_fill(fig, artists, start_intake, new_intake, switch_year) -> View:
    """Both runs and the readout for one setting (shared by the callback and the in-place update)."""
    p = Parameters(mg_intake_mg_per_day=round(float(start_intake), 3))
    days = 10 * _YEAR
    ts = in_range("switch_year", switch_year, 0.0, 10.0, unit="years") * _YEAR
    sw = _cached_run(p, days, _c.HEALTHY_STATE, round(ts, 6), round(float(new_intake), 3))
    base = _cached_run(p, days, _c.HEALTHY_STATE)
    for k, name in enumerate(("glucose_mg_dl", "mg_pool")):
        artists["base"][k].set_data(base.t_years, getattr(base, name))
        artists["switched"][k].set_data(sw.t_years, getattr(sw, name))
        artists["switch"][k].set_xdata([ts / _YEAR, ts / _YEAR])
    g_end = float(sw.glucose_mg_dl[-1])
    ok = g_end < _DIABETES_FPG
    text = (f"Switch at {ts / _YEAR:.2f} years to {float(new_intake):.0f} mg/day: glucose after 10 years "
            f"**{g_end:.0f} mg/dL**: " + ("the system **recovers**." if ok else "**no recovery** within 10 years."))
    alt = (f"Glucose and Mg pool over 10 years with intake raised from {float(start_intake):.0f} to "
           f"{float(new_intake):.0f} mg/day after {ts / _YEAR:.2f} years; glucose ends at {g_end:.0f} mg/dL.")
    # redrawn on each move: both runs, the switch lines, the cut-off line (kept above the curves, as drawn) and the
    # legend (its text changes, and the curves pass under it)
    return View(text=text, figure=fig, alt=alt, artists=artists,
                animated=(*artists["base"], *artists["switched"], *artists["switch"], artists["cutoff"],
                          artists["legend"]))


@register("04.intervention", title="Raise the intake: when is it too late?",
          start_intake=Slider("Intake before the switch (mg/day)", 50, 300, 150, 10),
          new_intake=Slider("Intake after the switch (mg/day)", 100, 700, 320, 10),
          switch_year=Slider("Switch after (years)", 0.0, 6.0, 1.0, 0.25))
def intervention_view(start_intake, new_intake, switch_year):
    """Glucose and Mg pool when the intake is raised at a chosen time, against no change."""
    fig, artists = _intervention_figure()
    return _intervention_fill(fig, artists, start_intake, new_intake, switch_year)


@intervention_view.updater
def _intervention_update(view, start_intake, new_intake, switch_year):
    """In place: the two runs, the switch line and the legend's text change; the axes stay."""
    return _intervention_fill(view.figure, view.artists, start_intake, new_intake, switch_year)


_PP_STARTS = ((0.3, 150.0), (0.45, 300.0), (0.8, 60.0), (1.0, 60.0))  # (M, β) of the trajectories' starts


def _phase_plane_panel_fill(fig, artists, p: Parameters, data: dict) -> View:
    moving = _phase_plane_fill(artists, p, data)
    inside = data["states"]
    desc = ", ".join(f"{'stable' if s.stable else 'unstable'} at M = {s.mg_pool:.2f}, G = {s.glucose_mg_dl:.0f} mg/dL"
                     for s in inside)
    text = f"Fixed points shown: {desc}."
    alt = (f"Phase plane at {p.mg_intake_mg_per_day:.0f} mg/day: the Mg nullcline crosses the beta-cell nullcline "
           f"{len(inside)} time{'s' if len(inside) != 1 else ''}; trajectories end at the stable points.")
    return View(text=text, figure=fig, alt=alt, artists=artists, animated=moving)


_PP_INTAKE = Slider("Mg intake (mg/day)", 100, 500, 320, 10)


def _phase_plane_params(intake) -> Parameters:
    return Parameters(mg_intake_mg_per_day=round(float(intake), 3))


@lru_cache(maxsize=1)
def _phase_plane_precompute() -> int:
    """The phase plane at every intake the slider offers (41 settings, under a second once, at the panel's first
    build): a slider move then only draws. Returns the number of settings."""
    n = int(round((_PP_INTAKE.max - _PP_INTAKE.min) / _PP_INTAKE.step)) + 1
    for k in range(n):
        _phase_plane_data(_phase_plane_params(_PP_INTAKE.min + k * _PP_INTAKE.step), _PP_STARTS, 12.0)
    return n


@register("04.phase_plane", title="The slow phase plane (M, G)", intake=_PP_INTAKE)
def phase_plane_view(intake):
    """Nullclines, fixed points and trajectories in the (M, G) plane for one intake."""
    p = _phase_plane_params(intake)
    _phase_plane_precompute()
    data = _phase_plane_data(p, _PP_STARTS, 12.0)
    fig, artists = _phase_plane_build(p, data, stream=False)
    return _phase_plane_panel_fill(fig, artists, p, data)


@phase_plane_view.updater
def _phase_plane_update(view, intake):
    """In place: the arrow field, the Mg nullcline, the trajectories, the fixed points and the title change."""
    p = _phase_plane_params(intake)
    return _phase_plane_panel_fill(view.figure, view.artists, p, _phase_plane_data(p, _PP_STARTS, 12.0))


from .. import _registry as _bench  # noqa: E402


@_bench.register_benchmark("04.bifurcation_diagram")
def _bench_bifurcation():
    """The full bifurcation computation over intake (branches, stability, folds)."""
    return bifurcation(Parameters())
