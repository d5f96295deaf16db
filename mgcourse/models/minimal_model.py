"""The Bergman minimal model of the intravenous glucose tolerance test (IVGTT).

Equations (Bergman et al. 1979, Am J Physiol 236:E667; as written by De Gaetano &
Arino 2000, J Math Biol 40:136 and the course fact sheet, section 5c)::

    dG/dt = −(p1 + X)·G + p1·Gb                  glucose, mg/dL
    dX/dt = −p2·X + p3·(I − Ib)                  remote insulin action, 1/min
    dI/dt = −n·I + γ·[G − h]⁺·t                  insulin, µU/mL (as published)

t is minutes since the glucose bolus. Insulin sensitivity is S_I = p3/p2
(min⁻¹ per µU/mL) and glucose effectiveness is S_G = p1 (min⁻¹).

**The basal state and our choice of insulin equation.** Printed as above, the
insulin equation has no basal state: without a bolus (G = Gb, I = Ib, X = 0)
the term −n·I pulls insulin towards 0 rather than Ib, and because the published
Gb (92 mg/dL) lies above the threshold h (89.5 mg/dL), the term γ·[Gb − h]·t makes
secretion grow with the clock. The ×t factor ties the equation to the time since
the bolus (De Gaetano & Arino 2000): it was built to describe an IVGTT, not a
resting person. So by default (``insulin_equation="basal-corrected"``) the course
writes the same sub-model for the insulin *above basal*::

    dI/dt = −n·(I − Ib) + γ·[G − max(h, Gb)]⁺·t

Basal secretion is counted in Ib and only glucose above both the threshold and
the basal level stimulates extra secretion, so (Gb, 0, Ib) is an exact fixed
point. With the example values the threshold moves by 2.5 mg/dL, a small change
next to the ≈190 mg/dL rise after the bolus. ``insulin_equation="as-published"``
keeps the printed form, so the difference can be shown. A third option is the one
Bergman's method uses when it fits data: the glucose/X subsystem driven by
*measured* insulin (``insulin_input=(t_min, insulin_uU_ml)``), where insulin is an
input, not a state.

**Initial insulin (an assumption).** The fact sheet gives no value for the
first-phase insulin peak seen in the first minutes of an IVGTT, so by default
insulin starts at its basal value (I(0) = Ib) and rises through the γ term only.
Pass ``insulin0_uU_ml`` to explore a first-phase peak.

Parameters (fact sheet, section 5c; sources in :data:`Parameters.SOURCES`):
p1 = 3.082 × 10⁻² min⁻¹, p2 = 2.093 × 10⁻² min⁻¹, p3 = 1.062 × 10⁻⁵ min⁻² per µU/mL
(example MLAB/MINMOD fit quoted on the uprh.edu minimal-model page); Gb = 92 mg/dL,
Ib = 7.3 µU/mL, G(0) = 280 mg/dL (the example fits give Gb 90–92, Ib 7–7.3,
G(0) 279–287); n = 0.3 min⁻¹, h = 89.5 mg/dL, γ = 0.3349 × 10⁻² µU/mL per min² per
mg/dL (Bergman MINMOD fit, INSSIM page). Group means of S_I and S_G for normal
glucose tolerance, IGT and type 2 diabetes: :data:`BERGMAN_GROUPS` (Bergman's
review in *Diabetes*, table "Physiologic parameters emerging from the minimal model").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from scipy.integrate import odeint, trapezoid  # scipy's: np.trapezoid needs NumPy >= 2.0
from scipy.optimize import least_squares

from .._validate import as_array, choice, in_range, instance_of

INSULIN_EQUATIONS = ("basal-corrected", "as-published")

#: Bergman's group means (± SD): S_I in 10⁻⁴ min⁻¹ per µU/mL, S_G in min⁻¹,
#: AIR_glucose in µU/mL × min (review in *Diabetes*, "Physiologic parameters
#: emerging from the minimal model"; fact sheet 5c).
BERGMAN_GROUPS = {
    "normal": {"si_e4": (2.62, 2.21), "sg_per_min": (0.021, 0.008), "air_uU_ml_min": (59.6, 54.8)},
    "IGT": {"si_e4": (1.27, 1.20), "sg_per_min": (0.016, 0.007), "air_uU_ml_min": (42.4, 42.6)},
    "type 2 diabetes": {"si_e4": (0.57, 0.82), "sg_per_min": (0.015, 0.011), "air_uU_ml_min": (6.7, 18.5)},
}

#: A frequent-sampling schedule (min) for the synthetic IVGTT. Our choice: dense
#: early samples, then every 10–20 min up to 180 min.
FSIGT_SAMPLE_TIMES_MIN = (0, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 19, 22, 25, 30, 40, 50, 60, 70, 80, 90, 100,
                          120, 140, 160, 180)


@dataclass(frozen=True)
class Parameters:
    """Parameters of the minimal model, with units in :data:`UNITS` and sources in :data:`SOURCES`.

    Defaults are the published example fit (fact sheet 5c). ``i0_uU_ml=None``
    means I(0) = Ib (no first-phase peak; an assumption, see the module docstring).
    Use :meth:`with_si_sg` to change insulin sensitivity and glucose effectiveness.
    """

    p1: float = 3.082e-2
    p2: float = 2.093e-2
    p3: float = 1.062e-5
    gb_mg_dl: float = 92.0
    ib_uU_ml: float = 7.3
    n: float = 0.3
    h_mg_dl: float = 89.5
    gamma: float = 0.3349e-2
    g0_mg_dl: float = 280.0
    i0_uU_ml: float | None = None

    UNITS: ClassVar[dict] = {
        "p1": "min⁻¹ (= S_G)", "p2": "min⁻¹", "p3": "min⁻² per µU/mL", "gb_mg_dl": "mg/dL",
        "ib_uU_ml": "µU/mL", "n": "min⁻¹", "h_mg_dl": "mg/dL", "gamma": "µU/mL per min² per mg/dL",
        "g0_mg_dl": "mg/dL", "i0_uU_ml": "µU/mL",
    }
    DESCRIPTIONS: ClassVar[dict] = {
        "p1": "glucose effectiveness: fractional glucose disappearance at basal insulin",
        "p2": "rate at which remote insulin action X decays",
        "p3": "rate at which insulin above basal builds up X",
        "gb_mg_dl": "basal (fasting) glucose", "ib_uU_ml": "basal (fasting) insulin",
        "n": "insulin clearance rate", "h_mg_dl": "glucose threshold for insulin secretion",
        "gamma": "second-phase secretion gain (× time since the bolus)",
        "g0_mg_dl": "glucose just after the bolus", "i0_uU_ml": "insulin just after the bolus",
    }
    SOURCES: ClassVar[dict] = {
        "p1": "example MLAB/Bergman fit (uprh.edu minimal-model page; fact sheet 5c)",
        "p2": "same", "p3": "same",
        "gb_mg_dl": "example fits: 90–92 mg/dL (uprh; INSSIM page)",
        "ib_uU_ml": "example fits: 7–7.3 µU/mL (uprh; INSSIM page)",
        "n": "Bergman MINMOD fit (INSSIM page)", "h_mg_dl": "same", "gamma": "same",
        "g0_mg_dl": "example fits: 279–287 mg/dL (uprh; INSSIM page)",
        "i0_uU_ml": "assumption: I(0) = Ib (no first-phase peak; not in the fact sheet)",
    }
    _RANGES: ClassVar[dict] = {
        "p1": (0.0, 0.5), "p2": (1e-4, 1.0), "p3": (0.0, 1e-2), "gb_mg_dl": (40.0, 400.0),
        "ib_uU_ml": (0.0, 300.0), "n": (1e-3, 5.0), "h_mg_dl": (0.0, 400.0), "gamma": (0.0, 1.0),
        "g0_mg_dl": (1.0, 1000.0), "i0_uU_ml": (0.0, 2000.0),
    }

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "i0_uU_ml" and v is None:
                continue
            lo, hi = self._RANGES[f.name]
            unit = self.UNITS[f.name].split(" (")[0]
            object.__setattr__(self, f.name, in_range(f.name, v, lo, hi, unit=unit))

    @property
    def si(self) -> float:
        """Insulin sensitivity S_I = p3/p2, min⁻¹ per µU/mL."""
        return self.p3 / self.p2

    @property
    def sg(self) -> float:
        """Glucose effectiveness S_G = p1, min⁻¹."""
        return self.p1

    @property
    def insulin0(self) -> float:
        """I(0) in µU/mL: ``i0_uU_ml``, or Ib when it is None."""
        return self.ib_uU_ml if self.i0_uU_ml is None else self.i0_uU_ml

    def with_si_sg(self, si: float | None = None, sg: float | None = None) -> "Parameters":
        """A copy with S_I (min⁻¹ per µU/mL; sets p3 = S_I·p2, p2 kept) and/or S_G (sets p1)."""
        changes = {}
        if si is not None:
            si = in_range("si", si, 0.0, 1e-2, unit="min⁻¹ per µU/mL")
            changes["p3"] = si * self.p2
        if sg is not None:
            changes["p1"] = in_range("sg", sg, 0.0, 0.5, unit="min⁻¹")
        return replace(self, **changes)

    def table(self):
        """The parameters as a pandas DataFrame (symbol, value, unit, meaning, source)."""
        import pandas as pd

        rows = []
        for f in fields(self):
            v = getattr(self, f.name)
            value = f"{self.insulin0:g} (= Ib)" if (f.name == "i0_uU_ml" and v is None) else f"{v:.4g}"
            rows.append((f.name, value, self.UNITS[f.name], self.DESCRIPTIONS[f.name], self.SOURCES[f.name]))
        return pd.DataFrame(rows, columns=["parameter", "value", "unit", "meaning", "source"]).set_index("parameter")


@dataclass
class MinimalModelResult:
    """A simulated IVGTT: arrays sampled at ``t_min`` (minutes since the bolus)."""

    t_min: np.ndarray
    glucose_mg_dl: np.ndarray
    insulin_uU_ml: np.ndarray
    x_per_min: np.ndarray
    params: Parameters
    insulin_equation: str = "basal-corrected"
    info: dict = field(default_factory=dict)

    def glucose_at(self, t_min: float) -> float:
        """Glucose (mg/dL) at ``t_min``, linearly interpolated between output points."""
        t = in_range("t_min", t_min, float(self.t_min[0]), float(self.t_min[-1]), unit="min")
        return float(np.interp(t, self.t_min, self.glucose_mg_dl))

    def glucose_auc_above_basal(self) -> float:
        """Area between the glucose curve and Gb, mg/dL × min (trapezoid rule)."""
        return float(trapezoid(self.glucose_mg_dl - self.params.gb_mg_dl, self.t_min))

    def si_from_areas(self) -> float:
        """S_I read off the curves: (∫X dt + X(T)/p2) / ∫(I − Ib) dt.

        Integrating dX/dt = −p2·X + p3·(I − Ib) from 0 to T with X(0) = 0 gives
        X(T) + p2·∫X = p3·∫(I − Ib); dividing by p2·∫(I − Ib) gives S_I. Once X has
        returned to 0, S_I is simply the area under X over the area of insulin above basal.
        """
        excess = trapezoid(self.insulin_uU_ml - self.params.ib_uU_ml, self.t_min)
        if not excess > 0:
            raise ValueError("insulin never rose above basal, so S_I cannot be read off the curves")
        area_x = trapezoid(self.x_per_min, self.t_min)
        return float((area_x + self.x_per_min[-1] / self.params.p2) / excess)


# --------------------------------------------------------------------------- equations
def _check_equation(insulin_equation: str) -> str:
    return choice("insulin_equation", insulin_equation, INSULIN_EQUATIONS)


#: Time range of the model, min (an IVGTT lasts 180 min; simulate accepts up to 1440).
T_RANGE_MIN = (0.0, 1440.0)
#: Admissible state (G mg/dL, X 1/min, I µU/mL) for derivatives and euler_step.
STATE_RANGES = (("G", 0.0, 1000.0, "mg/dL"), ("X", -1.0, 1.0, "min⁻¹"), ("I", 0.0, 2000.0, "µU/mL"))


def _check_t(t_min) -> float:
    return in_range("t_min", t_min, *T_RANGE_MIN, unit="min")


def _check_state(state) -> np.ndarray:
    s = as_array("state", state, ndim=1, length=3)
    for v, (sym, lo, hi, unit) in zip(s, STATE_RANGES):
        if not lo <= v <= hi:
            allowed = ", ".join(f"{k} between {a:g} and {b:g} {u}" for k, a, b, u in STATE_RANGES)
            raise ValueError(f"state must be (G, X, I) with {allowed}; got {sym} = {v:g} {unit}")
    return s


def derivatives(t_min: float, state: Any, params: Parameters | None = None, *,
                insulin_equation: str = "basal-corrected") -> np.ndarray:
    """Right-hand side (dG/dt, dX/dt, dI/dt) of the model at time ``t_min`` for ``state`` = (G, X, I).

    Units: mg/dL/min, min⁻², µU/mL/min. See the module docstring for the two insulin equations.
    """
    p = _params(params)
    _check_equation(insulin_equation)
    t_min = _check_t(t_min)
    g, x, i = (float(v) for v in _check_state(state))
    return np.array(_rhs(t_min, g, x, i, p, insulin_equation == "as-published"))


def _params(params) -> "Parameters":
    """``params`` checked; ``None`` means the defaults (tested with ``is None``, not truthiness)."""
    if params is None:
        return Parameters()
    return instance_of("params", params, Parameters, what="minimal_model.Parameters")


def _rhs(t, g, x, i, p: Parameters, published: bool):
    dg = -(p.p1 + x) * g + p.p1 * p.gb_mg_dl
    dx = -p.p2 * x + p.p3 * (i - p.ib_uU_ml)
    if published:
        di = -p.n * i + p.gamma * max(g - p.h_mg_dl, 0.0) * t
    else:
        di = -p.n * (i - p.ib_uU_ml) + p.gamma * max(g - max(p.h_mg_dl, p.gb_mg_dl), 0.0) * t
    return dg, dx, di


def euler_step(state: Any, t_min: float, dt_min: float, params: Parameters | None = None) -> np.ndarray:
    """One explicit Euler step of the (basal-corrected) model: state + dt · derivatives(t, state).

    ``state`` = (G mg/dL, X 1/min, I µU/mL); returns the new state as a numpy array.
    """
    s = as_array("state", state).ravel()
    if s.size != 3:
        raise ValueError(f"state must hold 3 numbers (G, X, I), got {s.size}")
    s = _check_state(s)
    dt = in_range("dt_min", dt_min, 0.0, 60.0, low_inclusive=False, unit="min")
    return s + dt * derivatives(_check_t(t_min), s, params)


def euler_simulate(params: Parameters | None = None, *, minutes: float = 180.0, dt_min: float = 0.1) -> MinimalModelResult:
    """The (basal-corrected) model integrated with explicit Euler steps of ``dt_min`` (for teaching)."""
    p = _params(params)
    minutes = in_range("minutes", minutes, 1.0, 1440.0, unit="min")
    dt = in_range("dt_min", dt_min, 1e-3, 10.0, unit="min")
    n_steps = int(round(minutes / dt))
    t = np.arange(n_steps + 1) * dt
    out = np.empty((n_steps + 1, 3))
    out[0] = (p.g0_mg_dl, 0.0, p.insulin0)
    for k in range(n_steps):
        g, x, i = out[k]
        dg, dx, di = _rhs(t[k], g, x, i, p, False)
        out[k + 1] = (g + dt * dg, x + dt * dx, i + dt * di)
    return MinimalModelResult(t, out[:, 0], out[:, 2], out[:, 1], p, "basal-corrected", {"method": f"Euler, dt = {dt:g} min"})


# --------------------------------------------------------------------------- solver
def simulate(params: Parameters | None = None, *, minutes: float = 180.0, glucose0_mg_dl: float | None = None,
             insulin0_uU_ml: float | None = None, insulin_equation: str = "basal-corrected",
             insulin_input: tuple | None = None, dt_output_min: float = 1.0,
             rtol: float = 1e-7, atol: float = 1e-9) -> MinimalModelResult:
    """Simulate an IVGTT with the minimal model (``scipy.integrate.odeint``, LSODA).

    Parameters
    ----------
    params : Parameters, optional
        Model parameters; default: the published example fit.
    minutes : float, default 180
        Length of the simulation, min (1–1440).
    glucose0_mg_dl : float, optional
        Glucose right after the bolus; default ``params.g0_mg_dl`` (280 mg/dL).
        Use ``params.gb_mg_dl`` for "no bolus" (the basal state).
    insulin0_uU_ml : float, optional
        Insulin at t = 0; default ``params.insulin0`` (= Ib unless set).
    insulin_equation : {"basal-corrected", "as-published"}
        Which insulin equation to use (module docstring).
    insulin_input : (t_min, insulin_uU_ml), optional
        Measured insulin to drive the glucose/X subsystem instead of the insulin
        equation (linear interpolation; held constant outside the samples).
    dt_output_min : float, default 1
        Spacing of the output points, min.
    rtol, atol : float
        Solver tolerances (atol applies to G and I; X uses atol × 10⁻³).

    Returns
    -------
    MinimalModelResult
        ``t_min``, ``glucose_mg_dl``, ``insulin_uU_ml``, ``x_per_min`` as numpy arrays.

    Examples
    --------
    >>> r = simulate()
    >>> round(float(r.glucose_mg_dl[0]), 1), round(float(r.insulin_uU_ml[0]), 1)
    (280.0, 7.3)
    """
    p = _params(params)
    if not isinstance(p, Parameters):
        raise ValueError(f"params must be a minimal_model.Parameters, got {type(p).__name__}")
    _check_equation(insulin_equation)
    minutes = in_range("minutes", minutes, 1.0, 1440.0, unit="min")
    dt_out = in_range("dt_output_min", dt_output_min, 0.01, minutes, unit="min")
    g0 = p.g0_mg_dl if glucose0_mg_dl is None else in_range("glucose0_mg_dl", glucose0_mg_dl, 0.0, 1000.0,
                                                              low_inclusive=False, unit="mg/dL")
    i0 = p.insulin0 if insulin0_uU_ml is None else in_range("insulin0_uU_ml", insulin0_uU_ml, 0.0, 2000.0, unit="µU/mL")
    rtol = in_range("rtol", rtol, 1e-13, 1e-2)
    atol = in_range("atol", atol, 1e-15, 1e-2)
    n_out = int(round(minutes / dt_out))
    t = np.linspace(0.0, n_out * dt_out, n_out + 1)
    return _solve(p, t, g0, i0, insulin_equation, insulin_input, rtol, atol)


def _solve(p, t, g0, i0, insulin_equation, insulin_input, rtol, atol) -> MinimalModelResult:
    published = insulin_equation == "as-published"
    if insulin_input is not None:
        try:
            t_in, i_in = insulin_input
        except (TypeError, ValueError):
            raise ValueError("insulin_input must be a pair (t_min, insulin_uU_ml) of equal-length arrays") from None
        t_in, i_in = as_array("insulin_input t_min", t_in).ravel(), as_array("insulin_input insulin_uU_ml", i_in).ravel()
        if t_in.size != i_in.size or t_in.size < 2:
            raise ValueError(f"insulin_input needs ≥ 2 samples with matching times, got {t_in.size} times and {i_in.size} values")
        if np.any(np.diff(t_in) <= 0):
            raise ValueError("insulin_input t_min must be strictly increasing")
        if np.any(i_in < 0):
            raise ValueError("insulin_input insulin_uU_ml must be ≥ 0 µU/mL")
        p1, gb, p2, p3, ib = p.p1, p.gb_mg_dl, p.p2, p.p3, p.ib_uU_ml

        def rhs2(y, tt):
            g, x = y
            ins = np.interp(tt, t_in, i_in)
            return (-(p1 + x) * g + p1 * gb, -p2 * x + p3 * (ins - ib))

        y, info = odeint(rhs2, (g0, 0.0), t, rtol=rtol, atol=[atol, atol * 1e-3], full_output=True, mxstep=20000,
                         hmax=float(np.min(np.diff(t_in))))
        ins = np.interp(t, t_in, i_in)
        _check_ok(info, y)
        return MinimalModelResult(t, y[:, 0], ins, y[:, 1], p, "measured insulin input", {"nfe": int(info["nfe"][-1])})

    def rhs(y, tt):
        return _rhs(tt, y[0], y[1], y[2], p, published)

    y, info = odeint(rhs, (g0, 0.0, i0), t, rtol=rtol, atol=[atol, atol * 1e-3, atol], full_output=True, mxstep=20000)
    _check_ok(info, y)
    return MinimalModelResult(t, y[:, 0], y[:, 2], y[:, 1], p, insulin_equation, {"nfe": int(info["nfe"][-1])})


def _check_ok(info, y):
    if info.get("message", "").lower().startswith("integration successful") and np.all(np.isfinite(y)):
        return
    raise ValueError(f"the ODE solver failed for these parameters ({info.get('message', 'non-finite result')})")


@lru_cache(maxsize=512)
def _cached(si_e4: float, sg: float, minutes: float) -> MinimalModelResult:
    res = simulate(Parameters().with_si_sg(si=si_e4 * 1e-4, sg=sg), minutes=minutes)
    for arr in (res.t_min, res.glucose_mg_dl, res.insulin_uU_ml, res.x_per_min):
        arr.setflags(write=False)
    return res


def simulate_cached(si_e4: float, sg_per_min: float, minutes: float = 180.0) -> MinimalModelResult:
    """:func:`simulate` with S_I (in 10⁻⁴ min⁻¹ per µU/mL) and S_G, cached on rounded values (read-only arrays)."""
    si_e4 = in_range("si_e4", si_e4, 0.0, 100.0, unit="× 10⁻⁴ min⁻¹ per µU/mL")
    sg = in_range("sg_per_min", sg_per_min, 0.0, 0.5, unit="min⁻¹")
    minutes = in_range("minutes", minutes, 1.0, 1440.0, unit="min")
    return _cached(round(si_e4, 4), round(sg, 5), round(minutes, 3))


# --------------------------------------------------------------------------- synthetic data and fitting
@dataclass
class SyntheticIVGTT:
    """Synthetic (computer-generated) IVGTT samples; **not patient data**."""

    t_min: np.ndarray
    glucose_mg_dl: np.ndarray
    insulin_uU_ml: np.ndarray
    true_si: float
    true_sg: float
    noise_sd_mg_dl: float
    seed: int
    label: str = "SYNTHETIC data made by mgcourse.models.minimal_model.synthetic_ivgtt (not from a person)"

    def table(self):
        import pandas as pd

        return pd.DataFrame({"t_min": self.t_min, "glucose_mg_dl": self.glucose_mg_dl,
                             "insulin_uU_ml": self.insulin_uU_ml}).set_index("t_min")


def synthetic_ivgtt(seed: int = 0, si: float = 5.07e-4, noise_sd_mg_dl: float = 5.0, *, sg: float | None = None,
                    params: Parameters | None = None, sample_times_min=FSIGT_SAMPLE_TIMES_MIN) -> SyntheticIVGTT:
    """Noisy synthetic IVGTT data from the (basal-corrected) model: labelled synthetic, seeded.

    Glucose gets independent Gaussian noise with SD ``noise_sd_mg_dl`` (an assumption
    standing in for assay and sampling error); insulin is returned without noise.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    noise = in_range("noise_sd_mg_dl", noise_sd_mg_dl, 0.0, 50.0, unit="mg/dL")
    si = in_range("si", si, 0.0, 1e-2, unit="min⁻¹ per µU/mL")  # not optional here (None is not the default)
    p = _params(params).with_si_sg(si=si, sg=sg)
    ts = as_array("sample_times_min", sample_times_min).ravel()
    if ts[0] < 0 or np.any(np.diff(ts) <= 0) or ts[-1] > 1440:
        raise ValueError("sample_times_min must be increasing times between 0 and 1440 min")
    sim = simulate(p, minutes=max(float(ts[-1]), 1.0), dt_output_min=0.5)
    g = np.interp(ts, sim.t_min, sim.glucose_mg_dl)
    ins = np.interp(ts, sim.t_min, sim.insulin_uU_ml)
    rng = np.random.default_rng(int(seed))
    g_noisy = np.maximum(g + rng.normal(0.0, noise, size=g.size), 1.0)
    return SyntheticIVGTT(ts, g_noisy, ins, p.si, p.sg, noise, int(seed))


@dataclass
class FitResult:
    """Least-squares estimate of S_I (and S_G if fitted), with approximate standard errors."""

    si: float
    sg: float
    si_se: float
    sg_se: float | None
    residual_sd_mg_dl: float
    nfev: int
    success: bool
    params: Parameters


def model_glucose(t_min: Any, params: Parameters, insulin_input: tuple | None = None) -> np.ndarray:
    """Model glucose (mg/dL) at the sample times ``t_min`` (which must start at or after 0)."""
    instance_of("params", params, Parameters, what="minimal_model.Parameters")
    t = as_array("t_min", t_min, low=T_RANGE_MIN[0], high=T_RANGE_MIN[1], unit="min").ravel()
    if np.any(np.diff(t) <= 0):
        raise ValueError("t_min must be increasing times ≥ 0 min")
    grid = np.unique(np.concatenate(([0.0], t)))
    res = _solve(params, grid, params.g0_mg_dl, params.insulin0, "basal-corrected", insulin_input, 1e-10, 1e-10)
    return np.interp(t, grid, res.glucose_mg_dl)


def fit_si(t_min: Any, glucose_mg_dl: Any, insulin_uU_ml: Any = None, *, params: Parameters | None = None,
           fit_sg: bool = False, si0: float = 3e-4) -> FitResult:
    """Fit S_I (and optionally S_G) to IVGTT glucose samples with ``scipy.optimize.least_squares``.

    If ``insulin_uU_ml`` is given, the measured insulin drives the glucose/X
    subsystem (Bergman's approach); otherwise the model's own insulin equation is
    used. Other parameters (p2, Gb, Ib, G(0) …) are taken from ``params``.
    """
    p = _params(params)
    t = as_array("t_min", t_min).ravel()
    g = as_array("glucose_mg_dl", glucose_mg_dl).ravel()
    if t.size != g.size or t.size < 3:
        raise ValueError(f"t_min and glucose_mg_dl need ≥ 3 matching samples, got {t.size} and {g.size}")
    ins_input = None
    if insulin_uU_ml is not None:
        ins = as_array("insulin_uU_ml", insulin_uU_ml).ravel()
        if ins.size != t.size:
            raise ValueError(f"insulin_uU_ml has {ins.size} samples but t_min has {t.size}")
        ins_input = (t, ins)
    si0 = in_range("si0", si0, 1e-7, 1e-2)
    x0 = [si0 * 1e4] + ([p.sg] if fit_sg else [])
    lo = [1e-3] + ([1e-4] if fit_sg else [])
    hi = [100.0] + ([0.5] if fit_sg else [])

    def residuals(x):
        q = p.with_si_sg(si=x[0] * 1e-4, sg=x[1] if fit_sg else None)
        return model_glucose(t, q, ins_input) - g

    sol = least_squares(residuals, x0, bounds=(lo, hi), diff_step=1e-4)
    dof = max(t.size - len(x0), 1)
    s2 = float(sol.fun @ sol.fun) / dof
    try:
        cov = np.linalg.inv(sol.jac.T @ sol.jac) * s2
        se = np.sqrt(np.diag(cov))
    except np.linalg.LinAlgError:
        se = np.full(len(x0), math.nan)
    best = p.with_si_sg(si=sol.x[0] * 1e-4, sg=sol.x[1] if fit_sg else None)
    return FitResult(best.si, best.sg, float(se[0]) * 1e-4, float(se[1]) if fit_sg else None,
                     math.sqrt(s2), int(sol.nfev), bool(sol.success), best)


#: The published minimal-model fit usually quoted for the Pacini & Bergman (1986) example FSIGT
#: (``data/fsigt_pacini_bergman_1986.csv``): S_I = p3/p2 = 1.062e-5 / 2.093e-2 (fact sheet 5c).
PUBLISHED_FSIGT_FIT = {"si": 5.07e-4, "sg": 0.0308, "p2": 2.093e-2, "gb_mg_dl": 90.0, "ib_uU_ml": 7.0}


@dataclass
class FSIGTFit:
    """A fit of S_I, S_G and G(0) to a measured FSIGT, with standard errors from the Jacobian.

    ``si`` in min⁻¹ per µU/mL, ``sg`` in min⁻¹, ``g0_mg_dl`` in mg/dL; ``*_se`` are the
    approximate standard errors sqrt(diag(s²·(JᵀJ)⁻¹)); ``corr_si_sg`` is the correlation of the
    S_I and S_G estimates. ``t_min``/``glucose_mg_dl`` are the samples used; ``fitted_mg_dl``
    the model glucose at those times.
    """

    si: float
    sg: float
    g0_mg_dl: float
    si_se: float
    sg_se: float
    g0_se: float
    corr_si_sg: float
    residual_sd_mg_dl: float
    n_samples: int
    gb_mg_dl: float
    ib_uU_ml: float
    min_time_min: float
    t_min: np.ndarray
    glucose_mg_dl: np.ndarray
    fitted_mg_dl: np.ndarray
    params: Parameters
    success: bool

    @property
    def at_si_bound(self) -> bool:
        """True if the fit stopped at the lower bound of S_I (:data:`FSIGT_SI_MIN`): it has no interior optimum, so
        the standard errors and the correlation from the curvature there mean nothing."""
        return self.si * 1e4 <= FSIGT_SI_MIN * 1.01

    def summary(self) -> dict:
        """The estimates as a flat dict (S_I in 10⁻⁴ units), for a table row."""
        return {"Ib (µU/mL)": self.ib_uU_ml, "Gb (mg/dL)": self.gb_mg_dl, "samples from (min)": self.min_time_min,
                "n": self.n_samples, "S_I (×10⁻⁴ min⁻¹ per µU/mL)": self.si * 1e4,
                "SE S_I (×10⁻⁴)": self.si_se * 1e4, "S_G (min⁻¹)": self.sg, "SE S_G": self.sg_se,
                "G(0) (mg/dL)": self.g0_mg_dl, "corr(S_I, S_G)": self.corr_si_sg,
                "residual SD (mg/dL)": self.residual_sd_mg_dl}


#: The lower bound of S_I in :func:`fit_fsigt` (×10⁻⁴ min⁻¹ per µU/mL): S_I cannot be negative.
FSIGT_SI_MIN = 1e-3


def fit_fsigt(t_min: Any, glucose_mg_dl: Any, insulin_uU_ml: Any, *, gb_mg_dl: float = 90.0,
              ib_uU_ml: float = 7.0, min_time_min: float = 8.0, p2: float = PUBLISHED_FSIGT_FIT["p2"],
              start: tuple = (3.0, 0.03, 280.0)) -> FSIGTFit:
    """Fit S_I, S_G and G(0) to measured FSIGT glucose, with measured insulin as the input (Bergman's method).

    Insulin is linearly interpolated between all its samples (including t = 0) and drives
    dX/dt = −p2·X + p3·(I − Ib); glucose samples before ``min_time_min`` are left out of the
    fit (the bolus is still mixing in the first minutes, which the one-compartment model
    cannot describe). p2 is held at the published 2.093 × 10⁻² min⁻¹ because these data
    cannot determine it (fitted freely, its standard error is larger than the estimate);
    G(0), the glucose just after the bolus, is fitted. Gb and Ib are *assumptions*: the
    published fit used about 90 mg/dL and 7 µU/mL, while the t = 0 sample here is
    92 mg/dL and 11 µU/mL. Standard errors: s²·(JᵀJ)⁻¹ from the Jacobian at the optimum,
    with s² = RSS/(n − 3).
    """
    t = as_array("t_min", t_min, low=0.0, high=1440.0, ndim=1, unit="min")
    g = as_array("glucose_mg_dl", glucose_mg_dl, low=0.0, high=1000.0, low_inclusive=False, ndim=1, unit="mg/dL")
    ins = as_array("insulin_uU_ml", insulin_uU_ml, low=0.0, high=2000.0, ndim=1, unit="µU/mL")
    if not (t.size == g.size == ins.size):
        raise ValueError(f"t_min, glucose_mg_dl and insulin_uU_ml must have the same length, got "
                         f"{t.size}, {g.size} and {ins.size}")
    if t.size and (t[0] < 0 or np.any(np.diff(t) <= 0)):
        raise ValueError("t_min must be strictly increasing times ≥ 0 min")
    gb = in_range("gb_mg_dl", gb_mg_dl, 40.0, 400.0, unit="mg/dL")
    ib = in_range("ib_uU_ml", ib_uU_ml, 0.0, 300.0, unit="µU/mL")
    tmin = in_range("min_time_min", min_time_min, 0.0, 600.0, unit="min")
    p2 = in_range("p2", p2, 1e-4, 1.0, unit="min⁻¹")
    start = as_array("start", start, length=3)
    lo_b, hi_b = np.array([FSIGT_SI_MIN, 1e-4, 50.0]), np.array([100.0, 0.5, 1000.0])
    if np.any(start < lo_b) or np.any(start > hi_b):
        raise ValueError(f"start must be (S_I ×10⁻⁴ in [{FSIGT_SI_MIN:g}, 100], S_G in [0.0001, 0.5] min⁻¹, "
                         f"G(0) in [50, 1000] mg/dL), got {start.tolist()}")
    keep = (t >= tmin) & (t > 0)
    if keep.sum() < 5:
        raise ValueError(f"min_time_min={tmin:g} leaves {int(keep.sum())} glucose samples; at least 5 are needed")
    tk, gk = t[keep], g[keep]
    insulin_input = (t, ins)

    def params_of(x):
        return Parameters(p1=x[1], p2=p2, p3=x[0] * 1e-4 * p2, gb_mg_dl=gb, ib_uU_ml=ib, g0_mg_dl=x[2])

    def residuals(x):
        return model_glucose(tk, params_of(x), insulin_input) - gk

    sol = least_squares(residuals, list(start), bounds=(lo_b, hi_b), diff_step=1e-4)
    dof = max(tk.size - 3, 1)
    s2 = float(sol.fun @ sol.fun) / dof
    try:
        cov = np.linalg.inv(sol.jac.T @ sol.jac) * s2
    except np.linalg.LinAlgError:
        cov = np.full((3, 3), math.nan)
    se = np.sqrt(np.abs(np.diag(cov)))
    corr = float(cov[0, 1] / (se[0] * se[1])) if se[0] > 0 and se[1] > 0 else math.nan
    best = params_of(sol.x)
    return FSIGTFit(si=best.si, sg=best.sg, g0_mg_dl=float(sol.x[2]), si_se=float(se[0]) * 1e-4, sg_se=float(se[1]),
                    g0_se=float(se[2]), corr_si_sg=corr, residual_sd_mg_dl=math.sqrt(s2), n_samples=int(tk.size),
                    gb_mg_dl=gb, ib_uU_ml=ib, min_time_min=tmin, t_min=tk, glucose_mg_dl=gk,
                    fitted_mg_dl=gk + sol.fun, params=best, success=bool(sol.success))


__all__ = ["Parameters", "MinimalModelResult", "simulate", "simulate_cached", "derivatives", "euler_step",
           "euler_simulate", "synthetic_ivgtt", "SyntheticIVGTT", "fit_si", "FitResult", "model_glucose",
           "BERGMAN_GROUPS", "INSULIN_EQUATIONS", "FSIGT_SAMPLE_TIMES_MIN", "fit_fsigt", "FSIGTFit",
           "PUBLISHED_FSIGT_FIT", "FSIGT_SI_MIN"]


# --------------------------------------------------------------------------- widget, figure, benchmarks
from .._registry import register_benchmark  # noqa: E402  (after the pure functions on purpose)
from ..style import ROLE_COLORS, new_figure, register_figure  # noqa: E402
from ..widgets import Checkbox, Slider, View, register  # noqa: E402

_GROUP_STYLES = {"normal": ("#0072B2", "--"), "IGT": ("#8F5800", "-."), "type 2 diabetes": ("#CC79A7", ":")}


def _plot_ivgtt(axes, res: MinimalModelResult, *, label: str, color: str, ls: str = "-", lw: float = 2.2):
    ax_g, ax_i, ax_r = axes
    ax_g.plot(res.t_min, res.glucose_mg_dl, color=color, linestyle=ls, linewidth=lw, label=label)
    ax_i.plot(res.t_min, res.insulin_uU_ml, color=color, linestyle=ls, linewidth=lw)
    ax_r.plot(res.t_min, res.params.p1 + res.x_per_min, color=color, linestyle=ls, linewidth=lw)


@register("02.minimal_model", title="Bergman minimal model: an IVGTT with your S_I and S_G",
          si_e4=Slider("Insulin sensitivity S_I (×10⁻⁴ min⁻¹ per µU/mL)", 0.2, 10.0, 5.07, 0.01),
          sg=Slider("Glucose effectiveness S_G (min⁻¹)", 0.005, 0.05, 0.0308, 0.0002, readout_format=".4f"),
          compare=Checkbox("Compare with Bergman's group means (normal, IGT, type 2 diabetes)", True))
def minimal_model_view(si_e4: float, sg: float, compare: bool) -> View:
    """Simulated IVGTT (glucose, insulin, fractional glucose disappearance) for the chosen S_I and S_G."""
    res = simulate_cached(si_e4, sg)
    fig, axes = new_figure(3, 1, figsize=(7.4, 6.0), sharex=True)
    ax_g, ax_i, ax_r = axes
    if compare:
        for name, grp in BERGMAN_GROUPS.items():
            color, ls = _GROUP_STYLES[name]
            g = simulate_cached(grp["si_e4"][0], grp["sg_per_min"][0])
            _plot_ivgtt(axes, g, label=f"{name} (S_I {grp['si_e4'][0]:.2f}, S_G {grp['sg_per_min'][0]:.3f})",
                        color=color, ls=ls, lw=1.4)
    # the legend names the curve, the readout gives its S_I and S_G: a legend that never changes is drawn once
    _plot_ivgtt(axes, res, label="your choice (the sliders' S_I and S_G)", color=ROLE_COLORS["glucose"])
    mine = [ax.get_lines()[-1] for ax in axes]
    p = res.params
    ax_g.axhline(p.gb_mg_dl, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2)
    ax_g.text(178, p.gb_mg_dl + 4, "Gb", ha="right", color=ROLE_COLORS["reference"], fontsize=10)
    ax_g.set_ylabel("glucose (mg/dL)")
    # opaque: the moving curve passes under it (the live panel draws it on top, from a cached bitmap)
    legend = ax_g.legend(fontsize=9, loc="upper right", frameon=True, framealpha=1.0)
    ax_i.axhline(p.ib_uU_ml, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2)
    ax_i.set_ylabel("insulin (µU/mL)")
    sg_line = ax_r.axhline(sg, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2)
    sg_text = ax_r.text(2, sg, "your S_G: the rate at basal insulin", ha="left", va="top",
                        color=ROLE_COLORS["reference"], fontsize=10)
    ax_r.set_ylabel("glucose disappearance\nS_G + X (min⁻¹)")
    ax_r.set_xlabel("time after the glucose bolus (min)")
    ax_r.set_xlim(0, 180)
    # Fixed axes over the sliders' whole range (S_I 0.2-10, S_G 0.005-0.05: glucose 49-280 mg/dL, insulin up to
    # 136 µU/mL, S_G + X up to 0.057 min⁻¹): a move shows as a moving curve, not as rescaled axes, and the
    # panel redraws only the curves (blitting). The rate axis starts at 0: a small rise must look small.
    ax_g.set_ylim(40, 300)
    ax_i.set_ylim(0, 150)
    ax_r.set_ylim(0, 0.065)
    artists = {"axes": axes, "mine": mine, "sg_line": sg_line, "sg_text": sg_text, "legend": legend,
               "compare": bool(compare)}
    return _minimal_model_fill(fig, artists, res, si_e4, sg, compare)


def _minimal_model_fill(fig, artists, res, si_e4, sg, compare) -> View:
    """Set the chosen curve, the S_G line and the readout (shared by the callback and the in-place update)."""
    ax_g, ax_i, ax_r = artists["axes"]
    lg, li, lr = artists["mine"]
    p = res.params
    lg.set_data(res.t_min, res.glucose_mg_dl)
    li.set_data(res.t_min, res.insulin_uU_ml)
    lr.set_data(res.t_min, res.params.p1 + res.x_per_min)
    artists["sg_line"].set_ydata([sg, sg])
    artists["sg_text"].set_y(sg)
    read = res.si_from_areas()
    x_area = float(trapezoid(res.x_per_min, res.t_min))
    i_area = float(trapezoid(res.insulin_uU_ml - p.ib_uU_ml, res.t_min))
    text = (f"S_I = {si_e4:.2f} × 10⁻⁴ min⁻¹ per µU/mL, S_G = {sg:.4f} min⁻¹. Glucose at 30 / 60 / 120 min: "
            f"**{res.glucose_at(30):.0f} / {res.glucose_at(60):.0f} / {res.glucose_at(120):.0f} mg/dL**; area above "
            f"Gb over 0–180 min: {res.glucose_auc_above_basal():,.0f} mg/dL·min.\n\n"
            f"Reading S_I off the curves: area under X = {x_area:.3f}, area of insulin above basal = "
            f"{i_area:,.0f} µU/mL·min; their ratio, corrected for the X still left at 180 min, is "
            f"**{read * 1e4:.2f} × 10⁻⁴**, the S_I you set.\n\n"
            "*Model: basal-corrected insulin equation, I(0) = Ib (assumptions explained in the chapter). "
            "The group curves change only S_I and S_G, not insulin secretion, which is also much lower in type 2 "
            "diabetes (AIR 6.7 vs 59.6 µU/mL·min).*")
    alt = (f"Three stacked panels over 180 min after a glucose bolus: glucose falling from 280 mg/dL towards basal, "
           f"insulin rising and falling, and the fractional glucose disappearance rate rising above S_G, for "
           f"S_I = {si_e4:.2f} × 10⁻⁴" + (", with Bergman's normal, IGT and type 2 diabetes means for comparison." if compare else "."))
    return View(text=text, figure=fig, alt=alt, artists=artists,
                # redrawn on each move: the chosen curves, the S_G line and label, and the legend (on top of them)
                animated=(*artists["mine"], artists["sg_line"], artists["sg_text"], artists["legend"]),
                data={"g60": res.glucose_at(60), "si_read": read, "auc": res.glucose_auc_above_basal()})


@minimal_model_view.updater
def _minimal_model_update(view, si_e4, sg, compare):
    """In place for S_I and S_G (the chosen curves move); the comparison checkbox rebuilds the figure."""
    if bool(compare) != view.artists.get("compare"):
        return None
    return _minimal_model_fill(view.figure, view.artists, simulate_cached(si_e4, sg), si_e4, sg, compare)


@register_figure("ch02_minimal_model_groups",
                 alt="Simulated IVGTT glucose curves of the Bergman minimal model with the group-mean S_I and S_G "
                     "of normal glucose tolerance, IGT and type 2 diabetes: the lower S_I, the slower glucose returns "
                     "to basal.")
def groups_figure():
    """Static figure: IVGTT glucose for Bergman's normal / IGT / T2D group means (only S_I and S_G differ)."""
    fig, ax = new_figure()
    for name, grp in BERGMAN_GROUPS.items():
        color, ls = _GROUP_STYLES[name]
        r = simulate_cached(grp["si_e4"][0], grp["sg_per_min"][0])
        ax.plot(r.t_min, r.glucose_mg_dl, color=color, linestyle=ls,
                label=f"{name}: S_I {grp['si_e4'][0]:.2f} × 10⁻⁴, S_G {grp['sg_per_min'][0]:.3f}")
    ax.axhline(Parameters().gb_mg_dl, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2)
    ax.set_xlabel("time after the glucose bolus (min)")
    ax.set_ylabel("glucose (mg/dL)")
    ax.set_xlim(0, 180)
    ax.legend(fontsize=10)
    ax.set_title("Minimal model, Bergman's group means")
    return fig


@register_benchmark("02.simulate_180min")
def _bench_simulate():
    return simulate()


@register_benchmark("02.fit_si_synthetic")
def _bench_fit():
    d = synthetic_ivgtt(seed=1, si=2.0e-4, noise_sd_mg_dl=5.0)
    return fit_si(d.t_min, d.glucose_mg_dl, d.insulin_uU_ml)
