"""The vicious cycle: Topp's β-cell–insulin–glucose model with a magnesium pool.

**Topp et al. (2000)**, *J Theor Biol* 206:605–619 (the βIG model; equations and
parameters as curated in BioModels BIOMD0000000341; course fact sheet, section 5d).
Time is in **days**::

    dG/dt = R0 − (EG0 + SI·I)·G                      glucose G, mg/dL
    dI/dt = β·σ·G²/(α + G²) − k·I                    insulin I, µU/mL
    dβ/dt = (−d0 + r1·G − r2·G²)·β                   β-cell mass β, mg

With the published parameters it has three fixed points: physiological
(100 mg/dL, 10 µU/mL, 300 mg, stable), a saddle (250, 2.8, 37) and pathological
(600, 0, 0, stable). The non-trivial glucose values are the roots of
r2·G² − r1·G + d0 = 0 and do not depend on SI: β-cell mass compensates insulin
resistance completely at steady state.

**The magnesium extension (toy-model assumptions, all illustrative).** A fourth
state M is the intracellular magnesium pool, normalised so that M = 1 is replete.

1. *Insulin sensitivity* (insulin-receptor autophosphorylation needs intracellular
   Mg; Gommers et al. 2016, *Diabetes* 65:3–13; Kostov 2019, *Int J Mol Sci*
   20:1351): ``SI_eff = SI·f(M)``.
2. *β-cell glucose sensing* (glucokinase, K_ATP channels and L-type Ca²⁺ channels
   of the β-cell depend on intracellular Mg; Gommers 2016): the β-cell responds to
   the glucose it *senses*, ``G_eff = g(M)·G``, in both Topp's secretion term and
   his β-cell growth/death term. Low Mg shifts the β-cell's glucose dose–response
   to the right, so the β-cell mass settles where G_eff = 100, i.e. at
   G* = 100/g(M) mg/dL: Mg depletion raises the glucose set point.
3. *Renal Mg loss* rises (a) with glycosuria when glucose exceeds the renal
   threshold (osmotic diuresis; Waanders et al. 2019, *Endocrine* 67:80) and
   (b) when insulin action falls, because insulin activates renal TRPM6 and
   insulin resistance reduces renal Mg conservation (Gommers 2016). Insulin
   action is A = SI_eff·I (per day), the term that removes glucose in Topp's
   glucose equation, relative to its value at the physiological point
   (0.72 × 10 = 7.2 per day).
4. *Balance*: dM/dt = (a·J − L(G, I, M)) / Q with intake J (mg/day), absorbed
   fraction a, renal loss L (mg/day, = 112 mg/day at the replete reference) and
   a replete exchangeable pool Q (mg).

f and g are normalised so that f(1) = g(1) = 1, and the renal loss is normalised
so that L = a·J at G = 100, I = 10, M = 1 with the default intake. So **with M
replete and the published parameters the model sits exactly at Topp's
physiological fixed point** (100, 10, 300, M = 1).

The loop closes: less Mg → higher glucose set point and insulin resistance →
glycosuria and less insulin action at the kidney → more Mg lost → less Mg. This
positive feedback creates a *fold*: over a range of intakes there are two stable
states (healthy and Mg-depleted hyperglycaemic), with hysteresis.

**What is bounded, and why.** In Topp's structure a lower SI is compensated by
more insulin and more β-cells (I* ∝ 1/SI, β* ∝ 1/SI). If f(M) fell to 0 the model
would demand unbounded insulin and β-cell mass. We bound it with a floor: f(M) ≥
f_min (part of insulin's action does not depend on intracellular Mg), so
I* ≤ I*(replete)/f_min. The sensing factor has a floor g_min too, which bounds
the glucose set point: G* ≤ 100/g_min mg/dL.

Solver: the system is stiff (insulin clearance k = 432 per day, i.e. minutes,
against β-cell and Mg changes over months), so :func:`simulate` uses LSODA
(``scipy.integrate.odeint``) with the analytic :func:`jacobian`. An explicit
method such as RK45 needs ~10⁶ steps for three years.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import ClassVar

import numpy as np
from scipy.integrate import odeint
from scipy.optimize import brentq

from .._validate import as_array, as_float, in_range, instance_of

__all__ = ["Parameters", "Simulation", "SteadyState", "rhs", "jacobian", "simulate", "simulate_intervention",
           "steady_states", "topp_roots", "si_factor", "sensing_factor", "renal_loss_mg_per_day",
           "HEALTHY_STATE", "STATE_NAMES"]

#: Names and units of the four state variables, in order.
STATE_NAMES = ("glucose_mg_dl", "insulin_uU_ml", "beta_mg", "mg_pool")
#: Topp's physiological fixed point with the Mg pool replete: (G mg/dL, I µU/mL, β mg, M).
HEALTHY_STATE = (100.0, 10.0, 300.0, 1.0)

#: Glucose (mg/dL) and insulin action SI·I (per day) at Topp's physiological point:
#: the reference at which the renal loss is normalised.
_G_REF = 100.0
_ACTION_REF = 0.72 * 10.0

# Bounds beyond which a trajectory is declared a blow-up (far outside physiology).
_BLOWUP = {"glucose_mg_dl": 1.0e5, "insulin_uU_ml": 1.0e6, "beta_mg": 1.0e6, "mg_pool": 1.0e3}


@dataclass(frozen=True)
class Parameters:
    """Parameters of the vicious-cycle model. Frozen: use ``dataclasses.replace`` or :meth:`with_`.

    **Topp et al. 2000** (J Theor Biol 206:605; BioModels BIOMD0000000341; fact sheet 5d).
    NB the CellML version has R0 = 846 and α = 2,000: transcription errors, not used.

    ========================  ===========  ==================  ==========================================
    field                     default      unit                meaning
    ========================  ===========  ==================  ==========================================
    r0                        864          mg/dL/day           glucose production at zero glucose
    eg0                       1.44         1/day               insulin-independent glucose uptake
    si                        0.72         mL/µU/day           insulin sensitivity
    sigma                     43.2         µU/mL/day/mg        maximal insulin secretion per mg β-cells
    alpha                     20,000       mg²/dL²             half-maximal secretion at G = √α ≈ 141 mg/dL
    k                         432          1/day               insulin clearance (half-life ≈ 2.3 min)
    d0                        0.06         1/day               β-cell death rate at zero glucose
    r1                        0.84e-3      dL/mg/day           glucose-driven β-cell replication
    r2                        0.24e-5      dL²/mg²/day         glucotoxic β-cell death
    ========================  ===========  ==================  ==========================================

    **Magnesium (all illustrative assumptions unless a source is named).**

    * ``mg_intake_mg_per_day`` = 320 mg/day: dietary intake J. 320 mg/day is the IOM RDA
      for women ≥31 y (IOM 1997; men 420); the model is calibrated so that this
      intake keeps the pool replete (M* = 1). Intakes in a metabolic-syndrome sample
      averaged 287 ± 93 mg/day (Wang et al. 2013, Nutrients 5:3910), so many people eat less.
    * ``absorbed_fraction`` = 0.35 (0–1): usual fractional absorption from a normal diet is
      30–40 % (NIH ODS as quoted in the fact sheet, section 3); here a constant (the
      saturable absorption of Fine et al. 1991 is the subject of chapter 6).
    * ``renal_loss_ref_mg_per_day`` = 112 mg/day: renal Mg loss at the replete reference,
      = 0.35 × 320. Urinary excretion is ≈100–150 mg/day and equals net absorption at
      steady state (fact sheet, section 3).
    * ``mg_pool_ref_mg`` = 10,000 mg: the replete exchangeable intracellular pool. Muscle and
      soft tissue hold 30–40 % of ≈25 g body Mg (IOM 1997; FAO/WHO 2004); which part of it
      exchanges with the plasma on the time scale of months is an assumption. Time constant
      Q/L_ref ≈ 89 days.
    * ``renal_loss_exponent`` = 2: renal loss ∝ M² (the kidney conserves Mg when stores fall:
      on a Mg-free diet urinary loss falls to ≈12.5 mg/day within a week, Merck Manual; the
      exponent itself is an assumption).
    * ``renal_threshold_mg_dl`` = 180 mg/dL, ``glycosuria_width_mg_dl`` = 20 mg/dL: glucose
      spills into the urine above roughly 180 mg/dL (170–200 mg/dL, typically quoted as 180, in
      people without diabetes, higher in type 2 diabetes: FPnotebook "Urine Glucose", citing Osaki
      et al. 2016, J Diabetes Investig 7:751, PMID 27181936; checked in that secondary source only,
      hence an illustrative round value); the width smooths the threshold.
    * ``glycosuria_gain`` = 3: fractional rise of renal Mg loss per 100 mg/dL of glucose above
      the threshold (osmotic diuresis raises Mg excretion, Waanders et al. 2019; size assumed).
    * ``insulin_conservation_gain`` = 0.5 (0 ≤ · < 1): renal loss is multiplied by
      1 + κ·(1 − s)/(1 + s), s = insulin action relative to normal; no insulin action → +50 %
      loss (insulin activates renal TRPM6, Gommers et al. 2016; size assumed).
    * ``si_floor`` = 0.3, ``si_half_mg`` = 0.7, ``si_hill`` = 4: f(M) = f_min + (1 − f_min)·h(M)/h(1),
      h(M) = Mⁿ/(Kⁿ + Mⁿ). Insulin sensitivity falls with intracellular Mg (Gommers 2016;
      Kostov 2019); shape assumed; the floor bounds insulin and β-cell mass.
    * ``sensing_floor`` = 0.3, ``sensing_half_mg`` = 0.7, ``sensing_hill`` = 6: g(M), same form,
      the β-cell's Mg-dependent glucose sensing (Gommers 2016); shape assumed.
    * ``mg_dynamics`` = True. False holds M fixed at ``mg_pool_fixed`` (with 1.0: Topp's model exactly).
    """

    r0: float = 864.0
    eg0: float = 1.44
    si: float = 0.72
    sigma: float = 43.2
    alpha: float = 20_000.0
    k: float = 432.0
    d0: float = 0.06
    r1: float = 0.84e-3
    r2: float = 0.24e-5
    mg_intake_mg_per_day: float = 320.0
    absorbed_fraction: float = 0.35
    renal_loss_ref_mg_per_day: float = 112.0
    mg_pool_ref_mg: float = 10_000.0
    renal_loss_exponent: float = 2.0
    renal_threshold_mg_dl: float = 180.0
    glycosuria_width_mg_dl: float = 20.0
    glycosuria_gain: float = 3.0
    insulin_conservation_gain: float = 0.5
    si_floor: float = 0.3
    si_half_mg: float = 0.7
    si_hill: float = 4.0
    sensing_floor: float = 0.3
    sensing_half_mg: float = 0.7
    sensing_hill: float = 6.0
    mg_dynamics: bool = True
    mg_pool_fixed: float = 1.0

    #: Allowed ranges (low, high, unit) checked on construction.
    RANGES: ClassVar[dict] = {
        "r0": (0.0, 1e4, "mg/dL/day"), "eg0": (0.0, 100.0, "1/day"), "si": (0.0, 100.0, "mL/µU/day"),
        "sigma": (0.0, 1e4, "µU/mL/day/mg"), "alpha": (1.0, 1e7, "mg²/dL²"), "k": (1e-3, 1e5, "1/day"),
        "d0": (0.0, 10.0, "1/day"), "r1": (0.0, 1.0, "dL/mg/day"), "r2": (0.0, 1.0, "dL²/mg²/day"),
        "mg_intake_mg_per_day": (0.0, 5000.0, "mg/day"), "absorbed_fraction": (0.0, 1.0, ""),
        "renal_loss_ref_mg_per_day": (1.0, 5000.0, "mg/day"), "mg_pool_ref_mg": (10.0, 1e6, "mg"),
        "renal_loss_exponent": (0.5, 6.0, ""), "renal_threshold_mg_dl": (50.0, 600.0, "mg/dL"),
        "glycosuria_width_mg_dl": (1.0, 200.0, "mg/dL"), "glycosuria_gain": (0.0, 50.0, "per 100 mg/dL"),
        "insulin_conservation_gain": (0.0, 0.95, ""), "si_floor": (0.01, 1.0, ""), "si_half_mg": (0.05, 5.0, ""),
        "si_hill": (0.5, 20.0, ""), "sensing_floor": (0.01, 1.0, ""), "sensing_half_mg": (0.05, 5.0, ""),
        "sensing_hill": (0.5, 20.0, ""), "mg_pool_fixed": (0.0, 10.0, ""),
    }
    SOURCES: ClassVar[dict] = {
        "topp": "Topp B, Promislow K, deVries G, Miura RM, Finegood DT (2000) J Theor Biol 206:605–619; "
                "BioModels BIOMD0000000341",
        "mg": "illustrative assumptions; directions from Gommers et al. 2016 Diabetes 65:3–13 and "
              "Waanders et al. 2019 Endocrine 67:80",
    }

    def __post_init__(self):
        for name, (low, high, unit) in self.RANGES.items():
            in_range(name, getattr(self, name), low, high, unit=unit)
        if not isinstance(self.mg_dynamics, (bool, np.bool_)):
            raise ValueError(f"mg_dynamics must be True or False, got {self.mg_dynamics!r}")

    def with_(self, **changes) -> "Parameters":
        """A copy with some fields changed (validated)."""
        unknown = [k for k in changes if k not in {f.name for f in fields(self)}]
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(f.name for f in fields(self))}")
        return replace(self, **changes)

    @classmethod
    def topp_only(cls, **changes) -> "Parameters":
        """Topp's original model: the Mg pool is held fixed at 1 (replete), so f = g = 1."""
        return cls(mg_dynamics=False, mg_pool_fixed=1.0).with_(**changes)

    def as_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- Mg-dependent factors
def _hill(m, K, n):
    mp = np.maximum(m, 0.0) ** n
    return mp / (K ** n + mp)


def _hill_d(m, K, n):
    m = np.maximum(m, 1e-300)
    return n * K ** n * m ** (n - 1) / (K ** n + m ** n) ** 2


def _factor(m, floor, K, n):
    return floor + (1.0 - floor) * _hill(m, K, n) / _hill(1.0, K, n)


def _factor_d(m, floor, K, n):
    return (1.0 - floor) * _hill_d(m, K, n) / _hill(1.0, K, n)


#: Upper limits of the state variables accepted by the public functions (far outside physiology).
STATE_MAX = {"glucose_mg_dl": 5000.0, "insulin_uU_ml": 1e4, "beta_mg": 1e5, "mg_pool": 10.0}


def _params(params) -> "Parameters":
    """``params`` checked (``None`` means the defaults; tested with ``is None``, not truthiness)."""
    if params is None:
        return Parameters()
    return instance_of("params", params, Parameters, what="cycle.Parameters")


def _state_arg(name: str, value, key: str):
    return as_array(name, value, low=0.0, high=STATE_MAX[key])


def si_factor(mg_pool, params: Parameters | None = None):
    """f(M): insulin sensitivity relative to replete (f(1) = 1, floor ``si_floor``). Illustrative."""
    p = _params(params)
    return _factor(_state_arg("mg_pool", mg_pool, "mg_pool"), p.si_floor, p.si_half_mg, p.si_hill)


def sensing_factor(mg_pool, params: Parameters | None = None):
    """g(M): β-cell glucose sensing relative to replete (g(1) = 1, floor ``sensing_floor``). Illustrative."""
    p = _params(params)
    return _factor(_state_arg("mg_pool", mg_pool, "mg_pool"), p.sensing_floor, p.sensing_half_mg, p.sensing_hill)


def _softplus(z):
    return np.logaddexp(0.0, z)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _glycosuria_factor(G, p: Parameters):
    w = p.glycosuria_width_mg_dl
    return 1.0 + p.glycosuria_gain * w * _softplus((G - p.renal_threshold_mg_dl) / w) / 100.0


def _glycosuria_factor_d(G, p: Parameters):
    w = p.glycosuria_width_mg_dl
    return p.glycosuria_gain * _sigmoid((G - p.renal_threshold_mg_dl) / w) / 100.0


def _conservation_factor(s, p: Parameters):
    return 1.0 + p.insulin_conservation_gain * (1.0 - s) / (1.0 + s)


def _conservation_factor_d(s, p: Parameters):
    return -2.0 * p.insulin_conservation_gain / (1.0 + s) ** 2


def _norm(p: Parameters) -> float:
    return float(_glycosuria_factor(_G_REF, p) * _conservation_factor(1.0, p))


def renal_loss_mg_per_day(glucose_mg_dl, insulin_uU_ml, mg_pool, params: Parameters | None = None):
    """Renal Mg loss L(G, I, M) in mg/day (illustrative; = ``renal_loss_ref_mg_per_day`` at (100, 10, 1)).

    L = L_ref · M^n · glycosuria(G) · conservation(insulin action) / normalisation.
    """
    p = _params(params)
    G = _state_arg("glucose_mg_dl", glucose_mg_dl, "glucose_mg_dl")
    I = _state_arg("insulin_uU_ml", insulin_uU_ml, "insulin_uU_ml")
    M = _state_arg("mg_pool", mg_pool, "mg_pool")
    out = _renal_loss(G, I, M, p)
    return out if any(np.ndim(v) for v in (glucose_mg_dl, insulin_uU_ml, mg_pool)) else np.float64(out)


def _renal_loss(G, I, M, p: Parameters):
    s = p.si * _factor(np.asarray(M, dtype=float), p.si_floor, p.si_half_mg, p.si_hill) * I / _ACTION_REF
    out = (p.renal_loss_ref_mg_per_day * np.maximum(M, 0.0) ** p.renal_loss_exponent
           * _glycosuria_factor(G, p) * _conservation_factor(s, p) / _norm(p))
    return out


# --------------------------------------------------------------------------- right-hand side and Jacobian
def rhs(t, y, params: Parameters | None = None):
    """dy/dt for y = (G mg/dL, I µU/mL, β mg, M). Works on arrays of shape (4,) or (4, N). ``t`` in days (unused)."""
    p = _params(params)
    as_float("t", t)
    G, I, B, M = _check_y("y", y, allow_batch=True)
    if not p.mg_dynamics:
        M = np.full_like(G, p.mg_pool_fixed)
    f = _factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    g = _factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    x = g * G
    dG = p.r0 - (p.eg0 + p.si * f * I) * G
    dI = p.sigma * B * x * x / (p.alpha + x * x) - p.k * I
    dB = (-p.d0 + p.r1 * x - p.r2 * x * x) * B
    if p.mg_dynamics:
        L = _renal_loss(G, I, M, p)
        dM = (p.absorbed_fraction * p.mg_intake_mg_per_day - L) / p.mg_pool_ref_mg
    else:
        dM = np.zeros_like(G)
    return np.array([dG, dI, dB, dM])


def jacobian(t, y, params: Parameters | None = None) -> np.ndarray:
    """Analytic Jacobian ∂(dy/dt)/∂y, a 4×4 array (rows: dG, dI, dβ, dM; columns: G, I, β, M)."""
    p = _params(params)
    as_float("t", t)
    return _jacobian(_check_y("y", y), p)


def _check_y(name: str, y, *, allow_batch: bool = False):
    """A state (G, I, β, M): 4 numbers (or a (4, N) array if ``allow_batch``), each within ±STATE_MAX.

    The vector field is defined for any finite state: solvers and finite differences
    probe tiny negative values, so only the magnitude is limited here.
    """
    arr = as_array(name, y, ndim=None)
    if not (arr.shape == (4,) or (allow_batch and arr.ndim == 2 and arr.shape[0] == 4)):
        shape = "4 numbers or a (4, N) array" if allow_batch else "4 numbers"
        raise ValueError(f"{name} must be {shape} (glucose mg/dL, insulin µU/mL, β-cell mass mg, Mg pool), "
                         f"got shape {arr.shape}")
    for row, key in zip(arr, STATE_MAX):
        as_array(f"{name} {key}", row, low=-STATE_MAX[key], high=STATE_MAX[key])
    return arr


def _jacobian(y, p: Parameters) -> np.ndarray:
    G, I, B, M = (float(v) for v in y)
    if not p.mg_dynamics:
        M = p.mg_pool_fixed
    f = float(_factor(M, p.si_floor, p.si_half_mg, p.si_hill))
    fd = float(_factor_d(M, p.si_floor, p.si_half_mg, p.si_hill))
    g = float(_factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill))
    gd = float(_factor_d(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill))
    x = g * G
    H = x * x / (p.alpha + x * x)
    Hd = 2.0 * p.alpha * x / (p.alpha + x * x) ** 2
    gr = -p.d0 + p.r1 * x - p.r2 * x * x
    grd = p.r1 - 2.0 * p.r2 * x
    J = np.zeros((4, 4))
    J[0, 0] = -(p.eg0 + p.si * f * I)
    J[0, 1] = -p.si * f * G
    J[1, 0] = p.sigma * B * Hd * g
    J[1, 1] = -p.k
    J[1, 2] = p.sigma * H
    J[2, 0] = grd * g * B
    J[2, 2] = gr
    if p.mg_dynamics:
        J[0, 3] = -p.si * fd * I * G
        J[1, 3] = p.sigma * B * Hd * G * gd
        J[2, 3] = grd * G * gd * B
        n = p.renal_loss_exponent
        s = p.si * f * I / _ACTION_REF
        rg, rgd = float(_glycosuria_factor(G, p)), float(_glycosuria_factor_d(G, p))
        c, cd = float(_conservation_factor(s, p)), float(_conservation_factor_d(s, p))
        Mp = max(M, 0.0)
        pre = p.renal_loss_ref_mg_per_day / _norm(p) / p.mg_pool_ref_mg
        Mn = Mp ** n
        J[3, 0] = -pre * Mn * rgd * c
        J[3, 1] = -pre * Mn * rg * cd * p.si * f / _ACTION_REF
        dMn = n * Mp ** (n - 1.0) if Mp > 0 else 0.0
        J[3, 3] = -pre * (dMn * rg * c + Mn * rg * cd * p.si * fd * I / _ACTION_REF)
    return J


# --------------------------------------------------------------------------- simulation
@dataclass
class Simulation:
    """A model run. Arrays are numpy arrays of the same length as ``t_days``."""

    t_days: np.ndarray
    glucose_mg_dl: np.ndarray
    insulin_uU_ml: np.ndarray
    beta_mg: np.ndarray
    mg_pool: np.ndarray
    intake_mg_per_day: np.ndarray
    params: Parameters = field(repr=False)

    @property
    def t_years(self) -> np.ndarray:
        return self.t_days / 365.25

    def final(self) -> dict:
        """The state at the last time point, as a dict keyed by :data:`STATE_NAMES`."""
        return {n: float(getattr(self, n)[-1]) for n in STATE_NAMES}

    def as_frame(self):
        import pandas as pd

        return pd.DataFrame({"t_days": self.t_days, **{n: getattr(self, n) for n in STATE_NAMES},
                             "intake_mg_per_day": self.intake_mg_per_day})


def _check_y0(y0, p: Parameters) -> np.ndarray:
    if y0 is None:
        return np.array(HEALTHY_STATE, dtype=float)
    y = as_array("y0", y0).ravel()
    if y.size != 4:
        raise ValueError(f"y0 must have 4 entries (glucose mg/dL, insulin µU/mL, β-cell mass mg, Mg pool), got {y.size}")
    names = ("y0 glucose (mg/dL)", "y0 insulin (µU/mL)", "y0 β-cell mass (mg)", "y0 Mg pool")
    highs = (5000.0, 1e4, 1e5, 10.0)
    for v, name, hi in zip(y, names, highs):
        in_range(name, v, 0.0, hi)
    return y


def _fast_functions(p: Parameters):
    """Scalar (pure-Python) right-hand side for odeint: ~5× faster than the numpy version."""
    r0, eg0, si, sigma, alpha, k, d0, r1, r2 = p.r0, p.eg0, p.si, p.sigma, p.alpha, p.k, p.d0, p.r1, p.r2
    fmin, Kf, nf = p.si_floor, p.si_half_mg, p.si_hill
    gmin, Kg, ng = p.sensing_floor, p.sensing_half_mg, p.sensing_hill
    hf1, hg1 = 1.0 / (1.0 + Kf ** nf), 1.0 / (1.0 + Kg ** ng)
    Kfn, Kgn = Kf ** nf, Kg ** ng
    uptake = p.absorbed_fraction * p.mg_intake_mg_per_day
    pre = p.renal_loss_ref_mg_per_day / _norm(p)
    Q, n = p.mg_pool_ref_mg, p.renal_loss_exponent
    gth, w, kg, ki = p.renal_threshold_mg_dl, p.glycosuria_width_mg_dl, p.glycosuria_gain, p.insulin_conservation_gain
    dyn, mfix = p.mg_dynamics, p.mg_pool_fixed
    exp, log1p = math.exp, math.log1p

    def f_rhs(y, t):
        G, I, B, M = y.tolist()
        if not dyn:
            M = mfix
        Mp = M if M > 0.0 else 0.0
        mf, mg_ = Mp ** nf, Mp ** ng
        f = fmin + (1.0 - fmin) * (mf / (Kfn + mf)) / hf1
        g = gmin + (1.0 - gmin) * (mg_ / (Kgn + mg_)) / hg1
        x = g * G
        x2 = x * x
        out = [r0 - (eg0 + si * f * I) * G, sigma * B * x2 / (alpha + x2) - k * I, (-d0 + r1 * x - r2 * x2) * B, 0.0]
        if dyn:
            z = (G - gth) / w
            sp = z + log1p(exp(-z)) if z > 0 else log1p(exp(z))
            s = si * f * I / _ACTION_REF
            L = pre * Mp ** n * (1.0 + kg * w * sp / 100.0) * (1.0 + ki * (1.0 - s) / (1.0 + s))
            out[3] = (uptake - L) / Q
        return out

    ACT = _ACTION_REF

    def f_jac(y, t):
        G, I, B, M = y.tolist()
        if not dyn:
            M = mfix
        Mp = M if M > 0.0 else 0.0
        mf, mg_ = Mp ** nf, Mp ** ng
        f = fmin + (1.0 - fmin) * (mf / (Kfn + mf)) / hf1
        g = gmin + (1.0 - gmin) * (mg_ / (Kgn + mg_)) / hg1
        Mq = Mp if Mp > 1e-300 else 1e-300
        fd = (1.0 - fmin) * nf * Kfn * Mq ** (nf - 1.0) / (Kfn + mf) ** 2 / hf1
        gd = (1.0 - gmin) * ng * Kgn * Mq ** (ng - 1.0) / (Kgn + mg_) ** 2 / hg1
        x = g * G
        x2 = x * x
        H = x2 / (alpha + x2)
        Hd = 2.0 * alpha * x / (alpha + x2) ** 2
        gr = -d0 + r1 * x - r2 * x2
        grd = r1 - 2.0 * r2 * x
        row3 = [0.0, 0.0, 0.0, 0.0]
        if dyn:
            z = (G - gth) / w
            sp = z + log1p(exp(-z)) if z > 0 else log1p(exp(z))
            sg = 1.0 / (1.0 + exp(-z)) if z > -700 else 0.0
            rg = 1.0 + kg * w * sp / 100.0
            rgd = kg * sg / 100.0
            s = si * f * I / ACT
            c = 1.0 + ki * (1.0 - s) / (1.0 + s)
            cd = -2.0 * ki / (1.0 + s) ** 2
            Mn = Mp ** n
            dMn = n * Mp ** (n - 1.0) if Mp > 0 else 0.0
            q = pre / Q
            row3 = [-q * Mn * rgd * c, -q * Mn * rg * cd * si * f / ACT, 0.0,
                    -q * (dMn * rg * c + Mn * rg * cd * si * fd * I / ACT)]
            mcol = (-si * fd * I * G, sigma * B * Hd * G * gd, grd * G * gd * B)
        else:
            mcol = (0.0, 0.0, 0.0)
        return [[-(eg0 + si * f * I), -si * f * G, 0.0, mcol[0]],
                [sigma * B * Hd * g, -k, sigma * H, mcol[1]],
                [grd * g * B, 0.0, gr, mcol[2]],
                row3]

    return f_rhs, f_jac


def _integrate(p: Parameters, y0: np.ndarray, t: np.ndarray, rtol: float, atol) -> np.ndarray:
    f_rhs, f_jac = _fast_functions(p)
    if atol is None:
        atol = np.array([1e-6, 1e-8, 1e-6, 1e-10])
    with np.errstate(all="ignore"):
        try:
            y, info = odeint(f_rhs, y0, t, Dfun=f_jac, rtol=rtol, atol=atol, full_output=True, mxstep=50_000)
        except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
            raise ValueError(f"the model blew up for these parameters ({type(exc).__name__}); "
                             "check the parameter values") from None
    if "successful" not in str(info.get("message", "")).lower():
        raise ValueError(f"the solver failed for these parameters ({info.get('message', 'unknown reason')}); "
                         "the model probably blows up: check the parameter values")
    if not np.all(np.isfinite(y)):
        raise ValueError("the model blew up for these parameters (a state became infinite or NaN); "
                         "check the parameter values")
    for j, name in enumerate(STATE_NAMES):
        if np.max(np.abs(y[:, j])) > _BLOWUP[name]:
            raise ValueError(f"the model blew up for these parameters: {name} exceeded {_BLOWUP[name]:g}; "
                             "check the parameter values (e.g. r2 = 0 removes glucotoxicity, SI = 0 removes insulin action)")
    return y


def simulate(params: Parameters | None = None, *, days: float, y0=None, t_eval=None,
             rtol: float = 1e-6, atol=None) -> Simulation:
    """Integrate the model for ``days`` days from ``y0`` (default: the healthy replete state).

    ``y0`` = (glucose mg/dL, insulin µU/mL, β-cell mass mg, Mg pool with 1 = replete).
    ``t_eval``: output times in days (increasing, within [0, days]); default about one
    point per day (at most 2,001 points). Uses LSODA (odeint) with the analytic Jacobian.
    Raises ValueError for bad inputs or when the model blows up.
    """
    p = _params(params)
    days = in_range("days", days, 0.0, 365.25 * 200, low_inclusive=False, unit="days")
    rtol = in_range("rtol", rtol, 1e-13, 1e-2)
    if atol is not None:
        atol = as_array("atol", atol, low=0.0, high=1e3, low_inclusive=False)
        if atol.size not in (1, 4):
            raise ValueError(f"atol must be one number or 4 numbers (one per state variable), got {atol.size}")
        atol = float(atol) if atol.ndim == 0 else atol
    y = _check_y0(y0, p)
    if not p.mg_dynamics:
        y = y.copy()
        y[3] = p.mg_pool_fixed
    if t_eval is None:
        t = np.linspace(0.0, days, int(min(days, 2000)) + 1)
    else:
        t = as_array("t_eval", t_eval).ravel()
        if t[0] < 0 or t[-1] > days * (1 + 1e-12) or np.any(np.diff(t) <= 0):
            raise ValueError(f"t_eval must be strictly increasing and lie within [0, {days:g}] days")
    tt = t if t[0] == 0.0 else np.concatenate([[0.0], t])
    out = np.maximum(_integrate(p, y, tt, rtol, atol), 0.0)  # true solutions are ≥ 0; removes solver noise such as −1e-12
    if t[0] != 0.0:
        out = out[1:]
    return Simulation(t, out[:, 0], out[:, 1], out[:, 2], out[:, 3],
                      np.full(t.size, p.mg_intake_mg_per_day), p)


def simulate_intervention(params: Parameters | None = None, *, days: float, t_switch_days: float,
                          new_intake_mg_per_day: float, y0=None) -> Simulation:
    """Run at ``params.mg_intake_mg_per_day`` until ``t_switch_days``, then at ``new_intake_mg_per_day``."""
    p = _params(params)
    days = in_range("days", days, 0.0, 365.25 * 200, low_inclusive=False, unit="days")
    ts = in_range("t_switch_days", t_switch_days, 0.0, days, unit="days")
    p2 = p.with_(mg_intake_mg_per_day=in_range("new_intake_mg_per_day", new_intake_mg_per_day, 0.0, 5000.0,
                                               unit="mg/day"))
    n = int(min(days, 2000)) + 1
    t = np.linspace(0.0, days, n)
    parts = []
    y = _check_y0(y0, p)
    if ts > 0:
        t1 = np.concatenate([t[t < ts], [ts]])
        a = simulate(p, days=ts, y0=y, t_eval=t1)
        parts.append(a)
        y = np.array([a.glucose_mg_dl[-1], a.insulin_uU_ml[-1], a.beta_mg[-1], a.mg_pool[-1]])
    if ts < days:
        t2 = np.concatenate([[0.0], t[t > ts] - ts])
        b = simulate(p2, days=days - ts, y0=y, t_eval=t2)
        b.t_days = b.t_days + ts
        parts.append(b if ts == 0 else _drop_first(b))
    cat = {n_: np.concatenate([getattr(s, n_) for s in parts]) for n_ in ("t_days", *STATE_NAMES, "intake_mg_per_day")}
    return Simulation(cat["t_days"], cat["glucose_mg_dl"], cat["insulin_uU_ml"], cat["beta_mg"], cat["mg_pool"],
                      cat["intake_mg_per_day"], p)


def _drop_first(s: Simulation) -> Simulation:
    return Simulation(s.t_days[1:], s.glucose_mg_dl[1:], s.insulin_uU_ml[1:], s.beta_mg[1:], s.mg_pool[1:],
                      s.intake_mg_per_day[1:], s.params)


# --------------------------------------------------------------------------- steady states
@dataclass(frozen=True)
class SteadyState:
    """A fixed point: glucose (mg/dL), insulin (µU/mL), β-cell mass (mg), Mg pool, stability."""

    glucose_mg_dl: float
    insulin_uU_ml: float
    beta_mg: float
    mg_pool: float
    stable: bool
    eigenvalues: tuple
    branch: str  # "lower root" (β-cells sense 100 mg/dL), "upper root" (sense 250: saddle) or "beta = 0"

    @property
    def state(self) -> tuple:
        return (self.glucose_mg_dl, self.insulin_uU_ml, self.beta_mg, self.mg_pool)

    @property
    def kind(self) -> str:
        """'stable node', 'saddle' or 'unstable' from the eigenvalues."""
        re = np.real(self.eigenvalues)
        if self.stable:
            return "stable"
        return "saddle" if np.any(re < 0) else "unstable"


def topp_roots(params: Parameters | None = None) -> tuple[float, ...]:
    """Roots of r2·x² − r1·x + d0 = 0: the glucose the β-cells sense at a β > 0 fixed point (100, 250)."""
    p = _params(params)
    if p.r2 == 0:
        return (p.d0 / p.r1,) if p.r1 > 0 else ()
    disc = p.r1 ** 2 - 4 * p.r2 * p.d0
    if disc < 0:
        return ()
    s = math.sqrt(disc)
    return tuple(sorted({(p.r1 - s) / (2 * p.r2), (p.r1 + s) / (2 * p.r2)}))


def _branch_state(M, x, p: Parameters):
    """G, I, β on the β > 0 branch where the β-cells sense x mg/dL, for Mg pool M (arrays)."""
    g = _factor(M, p.sensing_floor, p.sensing_half_mg, p.sensing_hill)
    f = _factor(M, p.si_floor, p.si_half_mg, p.si_hill)
    G = x / g
    with np.errstate(divide="ignore", invalid="ignore"):
        I = (p.r0 / G - p.eg0) / (p.si * f)
        B = p.k * I * (p.alpha + x * x) / (p.sigma * x * x)
    return G, I, B


def _stability(y, p: Parameters):
    J = _jacobian(y, p)
    if not p.mg_dynamics:
        J = J[:3, :3]
    ev = np.linalg.eigvals(J)
    order = np.argsort(np.real(ev))
    ev = ev[order]
    ev = tuple(complex(e) if abs(e.imag) > 1e-12 else float(e.real) for e in ev)
    return bool(np.max(np.real(ev)) < 0), ev


def steady_states(params: Parameters | None = None) -> list[SteadyState]:
    """Every fixed point of the model, sorted by glucose, with stability from the Jacobian eigenvalues.

    Reduction to one dimension: at a fixed point with β > 0 the β-equation forces the
    sensed glucose g(M)·G onto a root x of r2·x² − r1·x + d0 = 0; then G, I and β are
    explicit functions of M (:func:`_branch_state`) and only the Mg balance
    a·J = L(G(M), I(M), M) remains, a scalar equation in M solved by a fine scan for sign
    changes plus Brent's method. With β = 0: I = 0, G = R0/EG0 and M is explicit.
    """
    p = _params(params)
    uptake = p.absorbed_fraction * p.mg_intake_mg_per_day
    found = []
    for x in topp_roots(p):
        if x <= 0 or p.si == 0 or p.sigma == 0:
            continue
        if not p.mg_dynamics:
            Ms = [p.mg_pool_fixed]
        else:
            lo_bound = 1.0 - p.insulin_conservation_gain
            m_hi = (max(uptake, 1e-12) * _norm(p) / (p.renal_loss_ref_mg_per_day * lo_bound)) ** (1.0 / p.renal_loss_exponent)
            m_hi = 1.05 * m_hi + 1e-6
            grid = np.linspace(0.0, m_hi, 3001)

            def psi(m):
                G, I, _ = _branch_state(m, x, p)
                return _renal_loss(G, I, m, p) - uptake

            with np.errstate(all="ignore"):
                vals = psi(grid)
            Ms = []
            ok = np.isfinite(vals)
            for i in range(grid.size - 1):
                if ok[i] and ok[i + 1] and vals[i] == 0.0:
                    Ms.append(float(grid[i]))
                elif ok[i] and ok[i + 1] and vals[i] * vals[i + 1] < 0:
                    Ms.append(brentq(lambda m: float(psi(m)), grid[i], grid[i + 1], xtol=1e-14, rtol=1e-13))
        for M in Ms:
            G, I, B = (float(v) for v in _branch_state(M, x, p))
            if not (np.isfinite(I) and G > 0 and I > 0 and B > 0):
                continue
            y = np.array([G, I, B, M])
            stable, ev = _stability(y, p)
            found.append(SteadyState(G, I, B, float(M), stable, ev, "lower root" if x == min(topp_roots(p)) else "upper root"))
    if p.eg0 > 0:
        G0 = p.r0 / p.eg0
        if not p.mg_dynamics:
            M0 = p.mg_pool_fixed
        else:
            denom = p.renal_loss_ref_mg_per_day * float(_glycosuria_factor(G0, p)) * float(_conservation_factor(0.0, p))
            M0 = (uptake * _norm(p) / denom) ** (1.0 / p.renal_loss_exponent)
        y = np.array([G0, 0.0, 0.0, M0])
        stable, ev = _stability(y, p)
        found.append(SteadyState(G0, 0.0, 0.0, float(M0), stable, ev, "beta = 0"))
    return sorted(found, key=lambda s: (s.glucose_mg_dl, s.mg_pool))


# --------------------------------------------------------------------------- benchmark
from .. import _registry as _bench  # noqa: E402


@_bench.register_benchmark("04.simulate_3_years")
def _bench_simulate_3_years():
    """One 3-year run of the full model from the healthy state at a low intake (the system moves)."""
    return simulate(Parameters(mg_intake_mg_per_day=150.0), days=3 * 365.25)
