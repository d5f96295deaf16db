"""Whole-body magnesium balance: a small compartment model (chapter 3).

Why this model exists
---------------------
Serum holds only ≈0.3 % of the body's magnesium, yet it is the number a clinic
measures. The model shows one mechanism by which **serum Mg can stay inside the
reference range while the cells' Mg falls**: the kidney cuts its losses as soon
as serum dips (a threshold-like renal reabsorption), and the large, slowly
exchanging stores (bone surface and cells) hand Mg back to the blood.

Structure (amounts in mg of elemental Mg, time in days)::

    intake ──gut──▶ extracellular fluid E (serum c = E / V) ──kidney──▶ urine
                  │        ▲   │
    faeces ◀──────┘        │   ├──⇄── intracellular / soft tissue C (muscle, organs)
    (unabsorbed +          │   └──⇄── exchangeable bone surface B
     endogenous loss)

    dE/dt = A(intake) − F_endo(c) − U(c) − J_cell − J_bone
    dC/dt = J_cell = k_cell · (C_ref · (c/c_ref)^h_cell − C)
    dB/dt = J_bone = k_bone · (B_ref · (c/c_ref)^h_bone − B)

* ``A``: absorbed Mg, the saturable + linear curve of Fine et al. 1991 applied to
  each of ``meals_per_day`` equal portions (imported from
  :mod:`mgcourse.models.absorption`, chapter 6).
* ``U``: urinary Mg = filtered load × fractional excretion. Filtered load
  FL = GFR × ultrafilterable fraction × c. Excretion rises steeply once FL
  passes a reabsorptive threshold (a "Tm with splay", the shape used for glucose
  in chapter 4) above a small obligatory floor::

      U = (fe_floor + fe_extra) · FL + s · ln(1 + exp((FL − T) / s))

  ``T`` is not a free parameter: it is calibrated (with fe_extra = 0, the healthy
  kidney) so that the steady state at the reference intake sits at c_ref
  (:attr:`Parameters.renal_threshold_mg_per_day`). ``fe_extra`` then models a leak.
* ``F_endo``: endogenous faecal loss (Mg secreted into the gut and not
  reabsorbed), proportional to c.
* The two thirds of bone Mg that are not exchangeable are a constant pool.

What is sourced (see ``Parameters`` for each field): total body Mg ≈25 g; bone
50–60 % of it, about one third exchangeable; ≈1 % extracellular; muscle and soft
tissue the rest; serum reference range 0.75–0.95 mmol/L (IOM 1997); GFR ≈180
L/day and 70–80 % of plasma Mg filterable (filtered load ≈2.6 g/day); normal
fractional excretion 3–5 %; ≈12.5 mg/day each in urine and stool after 7 days on
a Mg-free diet (Merck Manual); the shape of intestinal absorption (Fine 1991).
Everything else (rate constants, exponents, the renal splay) is an
**illustrative assumption** and is labelled so. The model teaches mechanisms and
orders of magnitude; its time stamps are not predictions.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.integrate import odeint
from scipy.optimize import brentq

from .._validate import as_array, as_float, as_int, in_range, instance_of
from ..units import HYPOMAGNESAEMIA_CUTOFF_MMOL_L, MG_MOLAR_MASS_G_PER_MOL, SERUM_MG_RANGE_MMOL_L
from . import absorption as _absorption

MG_PER_MMOL = MG_MOLAR_MASS_G_PER_MOL  # 24.305 mg per mmol
#: IOM 1997 serum reference range, mmol/L (also in :mod:`mgcourse.units`).
REFERENCE_RANGE_MMOL_L = SERUM_MG_RANGE_MMOL_L
#: Hypomagnesaemia cut-off used in diabetes studies (Gommers 2016; Kurstjens 2017), mmol/L.
HYPOMAGNESAEMIA_MMOL_L = HYPOMAGNESAEMIA_CUTOFF_MMOL_L
#: Other serum reference ranges in use, mmol/L (fact sheet section 3).
OTHER_REFERENCE_RANGES_MMOL_L = {
    "IOM 1997": (0.75, 0.95),
    "Medscape": (0.70, 0.90),
    "Merck Manual": (0.74, 1.07),
}
#: Plasma Mg fractions (Boron & Boulpaep, Medical Physiology, table 36-8).
PLASMA_FRACTIONS = {"ionised": 0.62, "complexed": 0.07, "protein-bound": 0.31}
#: Share of the filtered load reabsorbed along the nephron: (low, high) in fractions
#: (fact sheet section 3: "Magnesium homeostasis and its disturbances"; grepmed).
NEPHRON_REABSORPTION = {
    "proximal tubule": (0.15, 0.20),
    "thick ascending limb": (0.65, 0.75),
    "distal convoluted tubule": (0.05, 0.10),
}
#: Normal fractional excretion of Mg, (low, high) (grepmed; Boron & Boulpaep).
NORMAL_FE_RANGE = (0.03, 0.05)
#: Normal urinary Mg excretion, mg/day (barnardhealth ≈120; Guyton 125–150).
NORMAL_URINARY_MG_PER_DAY = (100.0, 150.0)
#: Renal and stool Mg loss after 7 days on a Mg-free diet, mg/day each (Merck Manual).
MG_FREE_DAY7_LOSS_MG_PER_DAY = 12.5

_MAX_INTAKE = _absorption.MAX_DOSE_MG
_MAX_DAYS = 3650.0


def _softplus(x):
    """ln(1 + eˣ) without overflow."""
    return np.logaddexp(0.0, x)


@dataclass(frozen=True)
class Parameters:
    """Parameters of the balance model. Units are in the field names.

    Sourced (fact sheet sections 3 and 7; primary sources in notebook 03's references)
    ------------------------------------------------------------------------------------
    total_body_mg : 25,000 mg ≈ 1,000 mmol (IOM 1997; Medscape).
    bone_fraction : 0.59 of body Mg in bone (IOM 1997: 50–60 %; chosen so that the
        remainder, 0.40, matches "≈20 % muscle + ≈20 % soft tissue", Medscape, and
        "30–40 % in muscle and soft tissue", FAO/WHO 2004).
    bone_exchangeable_fraction : 1/3 of bone Mg is exchangeable (IOM 1997).
    extracellular_fraction : 0.01 of body Mg is extracellular (IOM 1997; Merck).
    serum_ref_mmol_l : 0.85 mmol/L, the middle of the IOM range 0.75–0.95 mmol/L.
    gfr_l_per_day : 180 L/day, textbook glomerular filtration rate (the fact sheet's
        filtered-load working).
    ultrafilterable_fraction : 0.70 of plasma Mg is filtered (Merck: 70–80 %).
    reference_intake_mg_per_day : 320 mg/day (the RDA for women ≥31 y, IOM 1997): the
        intake at which the model is calibrated and the default starting state.
    urinary_ref_mg_per_day : *derived*, not set: urinary excretion at the reference
        steady state equals net absorption (checked against 100–150 mg/day).

    Illustrative assumptions (not in the sources; chosen for teaching, vary them)
    -----------------------------------------------------------------------------
    meals_per_day : 5 equal portions a day (three meals and two snacks), each absorbed
        by the Fine 1991-shaped curve of chapter 6. 5 portions give 38 % absorption
        at 320 mg/day, inside the usual 30–40 % (ODS); 3 portions would give 30 %.
    absorption_fraction : None (use the Fine-shaped curve) or a fixed fraction 0–1
        of intake absorbed, for "what if" runs.
    endogenous_faecal_ref_mg_per_day : 13.0 mg/day at c_ref, proportional to c;
        chosen so that the stool loss on day 7 of a Mg-free diet is ≈12.5 mg/day (Merck).
    renal_fe_floor : 0.004, the obligatory fractional excretion when serum is low;
        with the splay it gives ≈12.5 mg/day in urine on day 7 of a Mg-free diet
        (Merck) and FE near 0.5 %.
    renal_extra_fe : 0.0, an extra fractional excretion added at every serum level:
        a stand-in for renal Mg wasting (glycosuria and osmotic diuresis, weaker
        insulin action on TRPM6; Gommers 2016, Waanders 2019). Its size is illustrative.
    renal_splay_mg_per_day : 15 mg/day, how gradually excretion rises around the
        renal threshold (the "splay" of a titration curve).
    cell_exchange_per_day : 0.03 /day (a 33-day time constant) for soft-tissue Mg.
    bone_exchange_per_day : 0.01 /day (a 100-day time constant) for bone-surface Mg.
        Together with the renal floor and splay, these put the day-7 urinary loss on a
        Mg-free diet at ≈12.5 mg/day (Merck); otherwise they are not constrained by data.
    cell_hill : 2, exponent of the cells' equilibrium content in c: cell Mg responds
        more than proportionally to extracellular Mg (the assumption behind
        "cells fall before serum"; notebook 03 shows what changes with 1).
    bone_hill : 1, bone surface Mg in linear equilibrium with c.
    """

    total_body_mg: float = 25_000.0
    bone_fraction: float = 0.59
    bone_exchangeable_fraction: float = 1.0 / 3.0
    extracellular_fraction: float = 0.01
    serum_ref_mmol_l: float = 0.85
    gfr_l_per_day: float = 180.0
    ultrafilterable_fraction: float = 0.70
    reference_intake_mg_per_day: float = 320.0
    meals_per_day: int = 5
    absorption_fraction: float | None = None
    endogenous_faecal_ref_mg_per_day: float = 13.0
    renal_fe_floor: float = 0.004
    renal_extra_fe: float = 0.0
    renal_splay_mg_per_day: float = 15.0
    cell_exchange_per_day: float = 0.03
    bone_exchange_per_day: float = 0.01
    cell_hill: float = 2.0
    bone_hill: float = 1.0

    def __post_init__(self):
        in_range("total_body_mg", self.total_body_mg, 1000, 100_000, unit="mg")
        in_range("bone_fraction", self.bone_fraction, 0.1, 0.9)
        in_range("bone_exchangeable_fraction", self.bone_exchangeable_fraction, 0, 1, low_inclusive=False)
        in_range("extracellular_fraction", self.extracellular_fraction, 0.001, 0.1)
        if self.bone_fraction + self.extracellular_fraction >= 0.99:
            raise ValueError(f"bone_fraction + extracellular_fraction must be < 0.99 (cells need a share), got "
                             f"{self.bone_fraction + self.extracellular_fraction:g}")
        in_range("serum_ref_mmol_l", self.serum_ref_mmol_l, 0.5, 1.5, unit="mmol/L")
        in_range("gfr_l_per_day", self.gfr_l_per_day, 10, 300, unit="L/day")
        in_range("ultrafilterable_fraction", self.ultrafilterable_fraction, 0, 1, low_inclusive=False)
        in_range("reference_intake_mg_per_day", self.reference_intake_mg_per_day, 0, _MAX_INTAKE,
                 low_inclusive=False, unit="mg/day")
        if isinstance(self.meals_per_day, bool) or not isinstance(self.meals_per_day, int) \
                or not 1 <= self.meals_per_day <= _absorption.MAX_PORTIONS:
            raise ValueError(f"meals_per_day must be a whole number between 1 and {_absorption.MAX_PORTIONS}, "
                             f"got {self.meals_per_day!r}")
        if self.absorption_fraction is not None:
            f = as_float("absorption_fraction", self.absorption_fraction)
            if not 0 < f <= 1:
                raise ValueError(f"absorption_fraction must be between 0 and 1 (0–100 % of intake absorbed), "
                                 f"got {f:g} ({f:.0%})")
        in_range("endogenous_faecal_ref_mg_per_day", self.endogenous_faecal_ref_mg_per_day, 0, 200, unit="mg/day")
        in_range("renal_fe_floor", self.renal_fe_floor, 0, 0.2)
        in_range("renal_extra_fe", self.renal_extra_fe, 0, 0.5)
        in_range("renal_splay_mg_per_day", self.renal_splay_mg_per_day, 1, 500, unit="mg/day")
        in_range("cell_exchange_per_day", self.cell_exchange_per_day, 1e-4, 10, unit="/day")
        in_range("bone_exchange_per_day", self.bone_exchange_per_day, 1e-4, 10, unit="/day")
        in_range("cell_hill", self.cell_hill, 0.25, 6)
        in_range("bone_hill", self.bone_hill, 0.25, 6)
        # the calibration must be feasible: net absorption at the reference must exceed the renal floor
        self.renal_threshold_mg_per_day  # noqa: B018  (raises ValueError if not)

    # ------------------------------------------------------------------ derived reference pools
    @property
    def bone_ref_mg(self) -> float:
        """All bone Mg at the reference state, mg."""
        return self.total_body_mg * self.bone_fraction

    @property
    def bone_exchangeable_ref_mg(self) -> float:
        return self.bone_ref_mg * self.bone_exchangeable_fraction

    @property
    def bone_fixed_mg(self) -> float:
        """Non-exchangeable bone Mg (constant in the model), mg."""
        return self.bone_ref_mg - self.bone_exchangeable_ref_mg

    @property
    def extracellular_ref_mg(self) -> float:
        return self.total_body_mg * self.extracellular_fraction

    @property
    def intracellular_ref_mg(self) -> float:
        """Muscle and soft tissue Mg at the reference state, mg."""
        return self.total_body_mg * (1.0 - self.bone_fraction - self.extracellular_fraction)

    @property
    def extracellular_volume_l(self) -> float:
        """Distribution volume that turns extracellular mg into serum mmol/L (derived, ≈12 L)."""
        return self.extracellular_ref_mg / MG_PER_MMOL / self.serum_ref_mmol_l

    @property
    def urinary_ref_mg_per_day(self) -> float:
        """Urinary excretion at the reference steady state = net absorption there, mg/day."""
        return absorbed_mg_per_day(self.reference_intake_mg_per_day, self) - self.endogenous_faecal_ref_mg_per_day

    @property
    def renal_threshold_mg_per_day(self) -> float:
        """Filtered load above which reabsorption saturates (T), mg/day: calibrated, see the module docstring."""
        return _renal_threshold(self)


@lru_cache(maxsize=256)
def _renal_threshold(p: Parameters) -> float:
    fl = filtered_load_mg_per_day(p.serum_ref_mmol_l, p)
    floor = p.renal_fe_floor * fl  # calibrated on the healthy kidney: renal_extra_fe is a perturbation of it
    excess = p.urinary_ref_mg_per_day - floor
    if excess <= 0:
        raise ValueError(
            f"the calibration is impossible: at the reference intake ({p.reference_intake_mg_per_day:g} mg/day) "
            f"net absorption ({p.urinary_ref_mg_per_day:.0f} mg/day) does not exceed the renal floor "
            f"({floor:.0f} mg/day); lower renal_fe_floor or raise reference_intake_mg_per_day")
    s = p.renal_splay_mg_per_day
    y = excess / s
    x = y + math.log(-math.expm1(-y))  # inverse softplus: ln(e^y − 1)
    return fl - s * x



def _params(params) -> Parameters:
    if params is None:
        return DEFAULT
    return instance_of("params", params, Parameters, what="balance.Parameters", none_ok=True)


#: Highest serum Mg the flux functions accept (mmol/L): far above any survivable value.
MAX_SERUM_MMOL_L = 10.0


def _serum_arg(serum_mmol_l, *, positive: bool = False):
    """A serum Mg (number or array, mmol/L) checked against 0 (or > 0) … MAX_SERUM_MMOL_L."""
    return as_array("serum_mmol_l", serum_mmol_l, low=0.0, high=MAX_SERUM_MMOL_L, low_inclusive=not positive,
                    unit="mmol/L")


def _intake(intake_mg_per_day) -> float:
    return in_range("intake_mg_per_day", intake_mg_per_day, 0, _MAX_INTAKE, unit="mg/day")


# ---------------------------------------------------------------------- fluxes (pure functions)
def fractional_absorption(intake_mg_per_day: float, params: Parameters | None = None) -> float:
    """Fraction (0–1) of a day's intake that is absorbed.

    The day's intake is split into ``params.meals_per_day`` equal portions, each
    absorbed by the Fine 1991-shaped curve of :mod:`mgcourse.models.absorption`
    (saturable + a linear 7 %; 65 % as a portion tends to 0, 11 % at 972 mg; its
    Vmax and Km are fitted for teaching, *not* from the paper). With
    ``params.absorption_fraction`` set, that fixed fraction is returned instead.

    >>> round(fractional_absorption(320), 3)
    0.377
    """
    p = _params(params)
    intake = _intake(intake_mg_per_day)
    if p.absorption_fraction is not None:
        return float(p.absorption_fraction)
    if intake == 0:
        return _absorption.fraction_absorbed(0.0)
    return _absorption.absorbed_mg(intake, p.meals_per_day) / intake


def absorbed_mg_per_day(intake_mg_per_day: float, params: Parameters | None = None) -> float:
    """Mg absorbed from the gut, mg/day (intake × :func:`fractional_absorption`)."""
    intake = _intake(intake_mg_per_day)
    return intake * fractional_absorption(intake, params)


def filtered_load_mg_per_day(serum_mmol_l, params: Parameters | None = None):
    """Filtered load of Mg = GFR × ultrafilterable fraction × serum Mg, in mg/day.

    At 0.85 mmol/L: 180 L/day × 0.70 × 0.85 mmol/L × 24.305 mg/mmol ≈ 2,600 mg/day.
    """
    p = _params(params)
    c = _serum_arg(serum_mmol_l)
    out = p.gfr_l_per_day * p.ultrafilterable_fraction * c * MG_PER_MMOL
    return out if np.ndim(serum_mmol_l) else np.float64(out)


def urinary_mg_per_day(serum_mmol_l, params: Parameters | None = None):
    """Urinary Mg excretion (mg/day) at a serum Mg (mmol/L): floor + threshold term (see module docstring)."""
    p = _params(params)
    fl = filtered_load_mg_per_day(_serum_arg(serum_mmol_l), p)
    s = p.renal_splay_mg_per_day
    out = (p.renal_fe_floor + p.renal_extra_fe) * fl + s * _softplus((fl - p.renal_threshold_mg_per_day) / s)
    return float(out) if np.ndim(out) == 0 else out


def fractional_excretion(serum_mmol_l, params: Parameters | None = None):
    """Fractional excretion of filtered Mg (0–1) at a serum Mg (mmol/L)."""
    c = _serum_arg(serum_mmol_l, positive=True)
    out = urinary_mg_per_day(c, params) / filtered_load_mg_per_day(c, params)
    return float(out) if np.ndim(out) == 0 else out


def endogenous_faecal_mg_per_day(serum_mmol_l, params: Parameters | None = None):
    """Endogenous faecal Mg loss (secreted, not reabsorbed), mg/day, proportional to serum Mg."""
    p = _params(params)
    out = p.endogenous_faecal_ref_mg_per_day * _serum_arg(serum_mmol_l) / p.serum_ref_mmol_l
    return float(out) if np.ndim(out) == 0 else out


def equilibrium_pools_mg(serum_mmol_l, params: Parameters | None = None) -> dict:
    """Pool sizes (mg) in equilibrium with a serum Mg: extracellular, intracellular, bone (exchangeable and total)."""
    p = _params(params)
    r = _serum_arg(serum_mmol_l) / p.serum_ref_mmol_l
    if not np.ndim(serum_mmol_l):
        r = np.float64(r)
    bone_x = p.bone_exchangeable_ref_mg * r ** p.bone_hill
    return {"extracellular_mg": p.extracellular_ref_mg * r,
            "intracellular_mg": p.intracellular_ref_mg * r ** p.cell_hill,
            "bone_exchangeable_mg": bone_x,
            "bone_mg": bone_x + p.bone_fixed_mg}


#: The default parameters (calibrated at 320 mg/day).
DEFAULT = Parameters()


# ---------------------------------------------------------------------- the ODE
def derivatives(state_mg, params: Parameters | None = None, intake_mg_per_day: float | None = None) -> np.ndarray:
    """d/dt of (extracellular, intracellular, exchangeable bone) Mg, mg/day, at ``state_mg`` (mg)."""
    p = _params(params)
    intake = p.reference_intake_mg_per_day if intake_mg_per_day is None else _intake(intake_mg_per_day)
    state = as_array("state_mg", state_mg, low=0.0, high=10 * p.total_body_mg, ndim=1, length=3, unit="mg")
    return _rhs(0.0, state, p, absorbed_mg_per_day(intake, p))


def _serum(E, p: Parameters):
    return np.maximum(E, 0.0) / p.extracellular_volume_l / MG_PER_MMOL


def _constants(p: Parameters) -> tuple:
    """Scalars the right-hand side needs, computed once per run (the rhs is called hundreds of times)."""
    return (1.0 / p.extracellular_ref_mg,                                    # r per mg of E
            p.gfr_l_per_day * p.ultrafilterable_fraction / p.extracellular_volume_l,  # FL per mg of E (/day)
            p.renal_threshold_mg_per_day, p.renal_splay_mg_per_day, p.renal_fe_floor + p.renal_extra_fe,
            p.endogenous_faecal_ref_mg_per_day, p.cell_exchange_per_day, p.intracellular_ref_mg, p.cell_hill,
            p.bone_exchange_per_day, p.bone_exchangeable_ref_mg, p.bone_hill)


def _rhs_fast(t, y, k: tuple, absorbed: float):
    inv_e, fl_per_e, thr, s, fe, endo_ref, kc, c_ref, hc, kb, b_ref, hb = k
    E, C, B = y
    E = E if E > 0.0 else 0.0
    r = E * inv_e
    fl = fl_per_e * E
    x = (fl - thr) / s
    soft = x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))
    j_cell = kc * (c_ref * r ** hc - C)
    j_bone = kb * (b_ref * r ** hb - B)
    dE = absorbed - endo_ref * r - (fe * fl + s * soft) - j_cell - j_bone
    return [dE, j_cell, j_bone]


def _jac_fast(t, y, k: tuple, absorbed: float):
    inv_e, fl_per_e, thr, s, fe, endo_ref, kc, c_ref, hc, kb, b_ref, hb = k
    E = y[0]
    if E <= 0.0:
        return [[0.0, kc, kb], [0.0, -kc, 0.0], [0.0, 0.0, -kb]]
    r = E * inv_e
    x = (fl_per_e * E - thr) / s
    sig = 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
    dU = (fe + sig) * fl_per_e
    dF = endo_ref * inv_e
    dJc = kc * c_ref * hc * r ** (hc - 1.0) * inv_e
    dJb = kb * b_ref * hb * r ** (hb - 1.0) * inv_e
    return [[-dF - dU - dJc - dJb, kc, kb], [dJc, -kc, 0.0], [dJb, 0.0, -kb]]


def _rhs(t, y, p: Parameters, absorbed: float):
    """Right-hand side with a Parameters object (used by :func:`derivatives`)."""
    return np.array(_rhs_fast(t, np.asarray(y, dtype=float), _constants(p), absorbed))


# ---------------------------------------------------------------------- steady state
@dataclass(frozen=True)
class SteadyState:
    """The balanced state at a constant intake: all pools in mg, fluxes in mg/day."""

    intake_mg_per_day: float
    serum_mmol_l: float
    extracellular_mg: float
    intracellular_mg: float
    bone_exchangeable_mg: float
    bone_mg: float
    total_body_mg: float
    absorbed_mg_per_day: float
    endogenous_faecal_mg_per_day: float
    faecal_mg_per_day: float
    urinary_mg_per_day: float
    filtered_load_mg_per_day: float
    fractional_excretion: float

    @property
    def state_mg(self) -> np.ndarray:
        """(extracellular, intracellular, exchangeable bone), mg: the ODE state."""
        return np.array([self.extracellular_mg, self.intracellular_mg, self.bone_exchangeable_mg])


def steady_state(params: Parameters | None = None, intake_mg_per_day: float | None = None) -> SteadyState:
    """The steady state at a constant intake (default: the reference intake).

    At steady state every store sits at its equilibrium with serum, so the only
    unknown is the serum Mg c, found by root-finding (``brentq``) on the balance
    ``absorbed − endogenous faecal loss(c) − urinary(c) = 0``. The left side falls
    monotonically with c, so the root is unique. With zero intake nothing is
    absorbed and the only balance is an empty exchangeable body (c = 0). There
    nothing is filtered, and the fractional excretion is reported as its
    low-load limit in this model, ``renal_fe_floor + renal_extra_fe`` (the
    threshold term vanishes), so that every field is a finite number.
    """
    p = _params(params)
    intake = p.reference_intake_mg_per_day if intake_mg_per_day is None else _intake(intake_mg_per_day)
    return _steady_state(p, intake)


@lru_cache(maxsize=512)
def _steady_state(p: Parameters, intake: float) -> SteadyState:
    a = absorbed_mg_per_day(intake, p)

    def balance(c):
        return a - endogenous_faecal_mg_per_day(c, p) - urinary_mg_per_day(c, p)

    if a <= 0 or balance(0.0) <= 0:  # nothing (or a vanishing amount) absorbed
        c = 0.0
    else:
        hi = p.serum_ref_mmol_l
        while balance(hi) > 0:
            hi *= 2.0
        c = brentq(balance, 0.0, hi, xtol=1e-14, rtol=1e-13, maxiter=200)
    pools = equilibrium_pools_mg(c, p)
    endo = endogenous_faecal_mg_per_day(c, p)
    uri = urinary_mg_per_day(c, p)
    fl = float(filtered_load_mg_per_day(c, p))
    return SteadyState(
        intake_mg_per_day=intake, serum_mmol_l=c,
        extracellular_mg=float(pools["extracellular_mg"]), intracellular_mg=float(pools["intracellular_mg"]),
        bone_exchangeable_mg=float(pools["bone_exchangeable_mg"]), bone_mg=float(pools["bone_mg"]),
        total_body_mg=float(pools["extracellular_mg"] + pools["intracellular_mg"] + pools["bone_mg"]),
        absorbed_mg_per_day=a, endogenous_faecal_mg_per_day=endo, faecal_mg_per_day=intake - a + endo,
        urinary_mg_per_day=uri, filtered_load_mg_per_day=fl,
        fractional_excretion=uri / fl if fl > 0 else float(p.renal_fe_floor + p.renal_extra_fe))


def replete_state_mg(params: Parameters | None = None) -> np.ndarray:
    """The replete state (extracellular, intracellular, exchangeable bone), mg: the reference pools.

    By calibration it is the steady state at the reference intake with a healthy
    kidney (``renal_extra_fe = 0``), whatever ``renal_extra_fe`` is set to.
    """
    p = _params(params)
    return np.array([p.extracellular_ref_mg, p.intracellular_ref_mg, p.bone_exchangeable_ref_mg])


# ---------------------------------------------------------------------- simulation
@dataclass(frozen=True)
class Simulation:
    """A model run. Arrays share the time axis ``t_days``; pools in mg, fluxes in mg/day."""

    params: Parameters
    intake_mg_per_day: float
    t_days: np.ndarray
    serum_mmol_l: np.ndarray
    extracellular_mg: np.ndarray
    intracellular_mg: np.ndarray
    bone_exchangeable_mg: np.ndarray
    bone_mg: np.ndarray
    total_body_mg: np.ndarray
    absorbed_mg_per_day: np.ndarray
    endogenous_faecal_mg_per_day: np.ndarray
    faecal_mg_per_day: np.ndarray
    urinary_mg_per_day: np.ndarray
    fractional_excretion: np.ndarray
    solver_steps: int = 0

    @property
    def intracellular_pct(self) -> np.ndarray:
        """Intracellular Mg as % of the replete reference pool."""
        return 100.0 * self.intracellular_mg / self.params.intracellular_ref_mg

    @property
    def bone_exchangeable_pct(self) -> np.ndarray:
        """Exchangeable bone Mg as % of the replete reference pool."""
        return 100.0 * self.bone_exchangeable_mg / self.params.bone_exchangeable_ref_mg

    def first_day(self, quantity: str, below: float) -> float | None:
        """First time (days, linearly interpolated) at which ``quantity`` drops below ``below``; None if never."""
        y = np.asarray(getattr(self, quantity), dtype=float)
        idx = np.flatnonzero(y < below)
        if idx.size == 0:
            return None
        k = int(idx[0])
        if k == 0:
            return float(self.t_days[0])
        t0, t1, y0, y1 = self.t_days[k - 1], self.t_days[k], y[k - 1], y[k]
        return float(t0 + (y0 - below) * (t1 - t0) / (y0 - y1))


def simulate(params: Parameters | None = None, *, days: float, intake_mg_per_day: float | None = None,
             y0=None, rtol: float = 1e-8, atol: float = 1e-6, n_points: int | None = None) -> Simulation:
    """Run the model for ``days`` days at a constant intake.

    Parameters
    ----------
    params : Parameters, optional (defaults: :data:`DEFAULT`).
    days : float, 0 < days ≤ 3650.
    intake_mg_per_day : float, 0–5000 mg/day; default the reference intake (320 mg/day).
    y0 : (extracellular_mg, intracellular_mg, bone_exchangeable_mg), optional.
        Default: :func:`replete_state_mg`, the steady state of a healthy kidney at the
        reference intake, i.e. a person who ate ``params.reference_intake_mg_per_day``
        with ``renal_extra_fe = 0`` until day 0 and then changes intake (or develops a leak).
    rtol, atol : solver tolerances (relative; absolute in mg). LSODA (``scipy.integrate.odeint``)
        with an analytic Jacobian: the extracellular pool turns over in hours, the stores in
        weeks, so the system is stiff; LSODA switches to a stiff (BDF) method by itself.
    n_points : number of output times (default: one per day, at least 200).

    Returns
    -------
    Simulation
    """
    p = _params(params)
    days = in_range("days", days, 0, _MAX_DAYS, low_inclusive=False, unit="days")
    intake = p.reference_intake_mg_per_day if intake_mg_per_day is None else _intake(intake_mg_per_day)
    in_range("rtol", rtol, 1e-13, 1e-2)
    in_range("atol", atol, 1e-12, 1.0, unit="mg")
    if y0 is None:
        y_init = replete_state_mg(p)
    else:
        y_init = as_array("y0", y0, low=0, high=10 * p.total_body_mg, ndim=1, length=3, unit="mg")
    if n_points is None:
        n_points = int(max(200, min(int(days) + 1, 2000)))
    else:
        n_points = as_int("n_points", n_points, 2, 100_000)
    absorbed = absorbed_mg_per_day(intake, p)
    t_eval = np.linspace(0.0, days, n_points)
    k = _constants(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a failure is reported below as a ValueError
        Y, info = odeint(lambda y, t: _rhs_fast(t, y, k, absorbed), y_init, t_eval,
                         Dfun=lambda y, t: _jac_fast(t, y, k, absorbed), rtol=rtol, atol=atol, full_output=True,
                         mxstep=20_000)
    if info["message"] != "Integration successful." or not np.all(np.isfinite(Y)):
        raise ValueError(f"the solver failed for these settings ({info['message']}); try other parameters")
    sol_t, sol_y, steps = t_eval, Y.T, int(info["nst"][-1])
    E, C, B = np.maximum(sol_y, 0.0)
    c = _serum(E, p)
    bone = B + p.bone_fixed_mg
    endo = endogenous_faecal_mg_per_day(c, p)
    uri = urinary_mg_per_day(c, p)
    fl = filtered_load_mg_per_day(c, p)
    with np.errstate(invalid="ignore", divide="ignore"):
        fe = np.where(fl > 0, uri / np.where(fl > 0, fl, 1.0), p.renal_fe_floor + p.renal_extra_fe)
    n = len(sol_t)
    return Simulation(params=p, intake_mg_per_day=intake, t_days=sol_t, serum_mmol_l=c, extracellular_mg=E,
                      intracellular_mg=C, bone_exchangeable_mg=B, bone_mg=bone, total_body_mg=E + C + bone,
                      absorbed_mg_per_day=np.full(n, absorbed), endogenous_faecal_mg_per_day=endo,
                      faecal_mg_per_day=intake - absorbed + endo, urinary_mg_per_day=uri,
                      fractional_excretion=fe, solver_steps=steps)


def depletion_summary(sim: Simulation) -> dict:
    """Key days of a run: serum below 0.75 / 0.70 mmol/L, cells below 90 % and 80 % (None = never)."""
    instance_of("sim", sim, Simulation, what="balance.Simulation (from balance.simulate)")
    lo, _ = REFERENCE_RANGE_MMOL_L
    return {"serum_below_range_day": sim.first_day("serum_mmol_l", lo),
            "serum_below_cutoff_day": sim.first_day("serum_mmol_l", HYPOMAGNESAEMIA_MMOL_L),
            "cells_below_90pct_day": sim.first_day("intracellular_pct", 90.0),
            "cells_below_80pct_day": sim.first_day("intracellular_pct", 80.0)}


# ====================================================================== figures and widgets (notebook 03)
from .._registry import register_benchmark  # noqa: E402  (after the pure model on purpose)
from ..style import OKABE_ITO, ROLE_COLORS, new_diagram, new_figure, register_figure  # noqa: E402
from ..widgets import Slider, View, register  # noqa: E402

_POOL_COLORS = {"bone (not exchangeable)": "#777777", "bone (exchangeable)": OKABE_ITO["sky_blue"],
                "muscle and soft tissue (cells)": OKABE_ITO["bluish_green"],
                "extracellular fluid": OKABE_ITO["orange"]}


def pool_table(params: Parameters | None = None) -> dict:
    """The replete pools (mg and % of body Mg), including serum (≈0.3 %, IOM 1997) inside the extracellular fluid."""
    p = _params(params)
    pools = {"bone (not exchangeable)": p.bone_fixed_mg, "bone (exchangeable)": p.bone_exchangeable_ref_mg,
             "muscle and soft tissue (cells)": p.intracellular_ref_mg, "extracellular fluid": p.extracellular_ref_mg}
    out = {k: (v, 100.0 * v / p.total_body_mg) for k, v in pools.items()}
    serum = 0.003 * p.total_body_mg
    out["of which serum"] = (serum, 0.3)
    return out


@register_figure("ch03_pools", alt="Where the body's 25 g of magnesium sits: about 59 % in bone (one third of it "
                 "exchangeable), 40 % in muscle and soft tissue and 1 % in extracellular fluid, of which serum "
                 "holds only about 0.3 %, shown as shares and on a logarithmic mg scale.")
def pools_figure(params: Parameters | None = None):
    """Two panels: shares of body Mg (stacked bar) and pool sizes in mg (log scale)."""
    p = _params(params)
    table = pool_table(p)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.2))
    left = 0.0
    for name, color in _POOL_COLORS.items():
        mg, pct = table[name]
        ax1.barh([0], [pct], left=left, color=color, edgecolor="white", label=f"{name}: {pct:.0f} %")
        left += pct
    ax1.set_xlim(0, 100)
    ax1.set_ylim(-0.6, 0.6)
    ax1.set_yticks([])
    ax1.set_xlabel("share of body magnesium (%)")
    ax1.set_title(f"Body magnesium ≈ {p.total_body_mg / 1000:.0f} g ≈ {round(p.total_body_mg / MG_PER_MMOL, -2):,.0f} mmol")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=1, fontsize=10)
    ax1.grid(False)
    names = list(_POOL_COLORS) + ["of which serum"]
    vals = [table[n][0] for n in names]
    colors = list(_POOL_COLORS.values()) + [ROLE_COLORS["magnesium"]]
    ax2.barh(range(len(names)), vals, color=colors, hatch=[None, None, None, None, "//"], edgecolor="black",
             linewidth=0.5)
    ax2.set_xscale("log")
    ax2.set_yticks(range(len(names)), [n.replace(" (cells)", "") for n in names], fontsize=10)
    ax2.invert_yaxis()
    for k, v in enumerate(vals):
        ax2.text(v * 1.1, k, f"{v:,.0f} mg", va="center", fontsize=10)
    ax2.set_xlim(30, 3e5)
    ax2.set_xlabel("magnesium (mg, log scale)")
    ax2.set_title("Serum is a tiny pool")
    return fig


@register_figure("ch03_nephron", alt="How the kidney handles filtered magnesium: of about 2.6 g filtered per day, the "
                 "proximal tubule reabsorbs 15–20 %, the thick ascending limb 65–75 % (paracellular, claudin-16/19) "
                 "and the distal convoluted tubule 5–10 % (TRPM6, activated by insulin), leaving 3–5 % in the urine.")
def nephron_figure(params: Parameters | None = None):
    """Share reabsorbed per nephron segment (ranges) and the Mg left in the tubule along the nephron (midpoints)."""
    p = _params(params)
    fl = float(filtered_load_mg_per_day(p.serum_ref_mmol_l, p))
    segs = list(NEPHRON_REABSORPTION)
    lows = np.array([NEPHRON_REABSORPTION[s][0] for s in segs]) * 100
    highs = np.array([NEPHRON_REABSORPTION[s][1] for s in segs]) * 100
    mids = (lows + highs) / 2
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.4))
    colors = [OKABE_ITO["sky_blue"], OKABE_ITO["blue"], OKABE_ITO["bluish_green"]]
    ax1.bar(range(3), mids, yerr=[mids - lows, highs - mids], color=colors, capsize=6, edgecolor="black",
            linewidth=0.5)
    ax1.set_xticks(range(3), ["proximal\ntubule", "thick ascending\nlimb", "distal convoluted\ntubule"], fontsize=10)
    ax1.set_ylabel("share of filtered Mg reabsorbed (%)")
    ax1.set_ylim(0, 100)
    notes = ["", "paracellular\n(claudin-16/19)", "transcellular\n(TRPM6; insulin\nactivates it)"]
    for k, (h, note) in enumerate(zip(highs, notes)):
        ax1.text(k, h + 2, f"{lows[k]:.0f}–{highs[k]:.0f} %" + ("\n" + note if note else ""), ha="center",
                 va="bottom", fontsize=9)
    ax1.set_title("Where filtered Mg is reabsorbed")
    remaining = [fl]
    for m in mids:
        remaining.append(remaining[-1] - fl * m / 100)
    x = np.arange(4)
    ax2.step(x, remaining, where="post", color=ROLE_COLORS["magnesium"])
    ax2.plot(x, remaining, "o", color=ROLE_COLORS["magnesium"])
    for k, r in enumerate(remaining):
        ax2.text(k + 0.08, r + 60, f"{r:,.0f}", fontsize=10)
    ax2.set_xticks(x, ["filtered", "after PT", "after TAL", "after DCT\n(urine)"], fontsize=10)
    ax2.set_ylabel("Mg left in the tubule (mg/day)")
    ax2.set_ylim(0, fl * 1.12)
    ax2.set_title(f"Filtered load ≈ {fl / 1000:.1f} g/day (midpoints)")
    return fig


def absorption_figure(params: Parameters | None = None):
    """Absorbed Mg (mg/day) and fraction absorbed vs daily intake, for 1, 3 and 5 equal portions."""
    p = _params(params)
    intakes = np.linspace(10, 1000, 120)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.0))
    for n in (1, 3, p.meals_per_day):
        absorbed = np.array([_absorption.absorbed_mg(i, n) for i in intakes])
        ax1.plot(intakes, absorbed, label=f"{n} portion{'s' if n > 1 else ''} a day")
        ax2.plot(intakes, 100 * absorbed / intakes, label=f"{n} portion{'s' if n > 1 else ''} a day")
    ax1.plot(intakes, 0.07 * intakes, color="#777777", linestyle=":", label="linear (paracellular) 7 % alone")
    ax1.set_xlabel("magnesium intake (mg/day)")
    ax1.set_ylabel("absorbed (mg/day)")
    ax1.legend(fontsize=10)
    ax2.axhspan(30, 40, color="#dddddd", alpha=0.6, label="usual 30–40 % (ODS)")
    ax2.set_xlabel("magnesium intake (mg/day)")
    ax2.set_ylabel("fraction absorbed (%)")
    ax2.set_ylim(0, 70)
    ax2.legend(fontsize=10)
    return fig


def renal_figure(params: Parameters | None = None):
    """Urinary Mg and fractional excretion vs serum Mg: the renal threshold of the model."""
    p = _params(params)
    c = np.linspace(0.5, 1.0, 300)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.0))
    lo, hi = REFERENCE_RANGE_MMOL_L
    for ax in (ax1, ax2):
        ax.axvspan(lo, hi, color="#dddddd", alpha=0.6, label="IOM range 0.75–0.95")
        ax.axvline(HYPOMAGNESAEMIA_MMOL_L, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.2,
                   label="cut-off 0.70")
        ax.set_xlabel("serum Mg (mmol/L)")
    ax1.plot(c, urinary_mg_per_day(c, p), color=ROLE_COLORS["magnesium"], label="urinary Mg (model)")
    ax1.axhspan(*NORMAL_URINARY_MG_PER_DAY, color=OKABE_ITO["orange"], alpha=0.15, label="normal urine 100–150")
    ax1.set_ylabel("mg/day")
    ax1.set_ylim(0, 260)
    ax1.legend(fontsize=9, loc="upper left")
    ax2.plot(c, 100 * fractional_excretion(c, p), color=ROLE_COLORS["magnesium"], label="model")
    ax2.axhspan(100 * NORMAL_FE_RANGE[0], 100 * NORMAL_FE_RANGE[1], color=OKABE_ITO["orange"], alpha=0.15,
                label="normal FE 3–5 %")
    ax2.set_ylabel("fractional excretion (%)")
    ax2.set_ylim(0, 10)
    ax2.legend(fontsize=9, loc="upper left")
    return fig


def diagram_figure():
    """The compartments and fluxes of the balance model, drawn by code."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = new_diagram(figsize=(9.5, 4.6), xlim=(0, 10), ylim=(0, 5))
    boxes = {"gut": (0.2, 2.0, "gut\n(intake)", "#eeeeee"),
             "E": (3.3, 2.0, "extracellular fluid\n≈250 mg (1 %)\nserum c (mmol/L)", OKABE_ITO["orange"]),
             "C": (6.9, 3.5, "cells: muscle,\nsoft tissue ≈10 g", OKABE_ITO["bluish_green"]),
             "B": (6.9, 0.5, "bone surface\n(exchangeable) ≈4.9 g", OKABE_ITO["sky_blue"]),
             "U": (3.3, 0.1, "urine", "#eeeeee"),
             "F": (0.2, 0.1, "faeces", "#eeeeee")}
    w, h = 2.6, 1.1
    for x, y, text, color in boxes.values():
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.05", facecolor=color, edgecolor="black",
                                    alpha=0.85))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=10)

    def arrow(a, b, label, two_way=False, offset=(0, 0)):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="<|-|>" if two_way else "-|>", mutation_scale=14,
                                     color="black", linewidth=1.4))
        ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], label, fontsize=9, ha="center")

    arrow((2.85, 2.55), (3.3, 2.55), "absorbed A(intake)", offset=(0, 0.75))
    arrow((1.5, 2.0), (1.5, 1.25), "unabsorbed", offset=(-0.75, 0))
    arrow((3.3, 2.2), (2.85, 1.0), "endogenous\nloss", offset=(-0.45, -0.05))
    arrow((4.6, 2.0), (4.6, 1.25), "U(c):\nrenal\nthreshold", offset=(0.55, -0.2))
    arrow((5.95, 2.85), (6.9, 3.9), "k_cell", two_way=True, offset=(-0.35, 0.1))
    arrow((5.95, 2.25), (6.9, 1.2), "k_bone", two_way=True, offset=(0.45, 0.05))
    ax.text(8.2, 2.55, "+ non-exchangeable\nbone ≈9.8 g (constant)", ha="center", fontsize=9, color="#555555")
    return fig


# ---------------------------------------------------------------------- the depletion demo
@lru_cache(maxsize=128)
def _depletion_run(intake: float, leak_pct: float, months: int) -> Simulation:
    p = Parameters(renal_extra_fe=leak_pct / 100.0)
    return simulate(p, days=months * 30.4375, intake_mg_per_day=intake)


def _fmt_day(d) -> str:
    return "not within this period" if d is None else f"day {d:.0f} (month {d / 30.4375:.1f})"


def depletion_text(sim: Simulation) -> str:
    """The demo's readout: when serum leaves the range vs how much the cells had lost by then."""
    instance_of("sim", sim, Simulation, what="balance.Simulation (from balance.simulate)")
    s = depletion_summary(sim)
    t_end = sim.t_days[-1]
    lines = [f"After {t_end / 30.4375:.0f} months at {sim.intake_mg_per_day:.0f} mg/day: serum "
             f"**{sim.serum_mmol_l[-1]:.2f} mmol/L**, cells **{sim.intracellular_pct[-1]:.0f} %** of replete, "
             f"exchangeable bone **{sim.bone_exchangeable_pct[-1]:.0f} %**, urine "
             f"**{sim.urinary_mg_per_day[-1]:.0f} mg/day** (FE {100 * sim.fractional_excretion[-1]:.1f} %)."]
    d90, drange = s["cells_below_90pct_day"], s["serum_below_range_day"]
    if d90 is not None:
        c_at = float(np.interp(d90, sim.t_days, sim.serum_mmol_l))
        lines.append(f"- Cells fell below 90 % on {_fmt_day(d90)}, when serum was still **{c_at:.2f} mmol/L**"
                     f" ({'inside' if c_at >= REFERENCE_RANGE_MMOL_L[0] else 'below'} the 0.75–0.95 range).")
    else:
        lines.append("- Cells stayed above 90 % of replete.")
    if drange is not None:
        cells_at = float(np.interp(drange, sim.t_days, sim.intracellular_pct))
        lines.append(f"- Serum left the reference range on {_fmt_day(drange)}; by then the cells had lost "
                     f"**{100 - cells_at:.0f} %** of their magnesium.")
    else:
        lines.append("- Serum stayed inside the reference range (≥ 0.75 mmol/L) the whole time.")
    lines.append("\n*Toy model: the shapes teach the mechanism; the day numbers are illustrative, not predictions.*")
    return "\n".join(lines)


@register("03.depletion", title="Serum vs cells: what happens when magnesium intake falls",
          intake_mg_per_day=Slider("Mg intake from day 0 (mg/day)", 0, 500, 0, 10),
          renal_leak_pct=Slider("Extra renal Mg leak (% of filtered load)", 0, 5, 0, 0.5),
          months=Slider("Duration (months)", 1, 24, 12, 1, integer=True))
def depletion_view(intake_mg_per_day, renal_leak_pct, months) -> View:
    """Serum Mg (with the reference band and cut-off) vs intracellular and bone Mg over months."""
    settings = _depletion_settings(intake_mg_per_day, renal_leak_pct, months)  # bad input fails before the figure
    fig, (ax1, ax2) = new_figure(2, 1, figsize=(8.0, 6.2), sharex=True)
    lo, hi = REFERENCE_RANGE_MMOL_L
    ax1.axhspan(lo, hi, color="#dddddd", alpha=0.7, label="IOM range 0.75–0.95")
    ax1.axhline(HYPOMAGNESAEMIA_MMOL_L, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.2,
                label="hypomagnesaemia < 0.70")
    (serum,) = ax1.plot([], [], color=ROLE_COLORS["magnesium"], label="serum Mg (model)")
    ax1.set_ylabel("serum Mg (mmol/L)")
    # Fixed axes over the sliders' whole range: up to 24 months, serum from 0.86 (500 mg/day) down to 0.002
    # mmol/L (no intake and a 5 % leak for 24 months), pools up to 103 % of replete. A move then shows as moving
    # curves, and the live panel redraws only them and the legends over them (blitting). A shorter duration
    # leaves the right of the time axis empty.
    ax1.set_ylim(0.0, 1.0)
    legend1 = ax1.legend(fontsize=9, loc="lower left")
    ax2.axhline(90, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2, label="90 % of replete")
    (cells,) = ax2.plot([], [], color=OKABE_ITO["bluish_green"], linestyle="-", label="cells (muscle, soft tissue)")
    (bone,) = ax2.plot([], [], color=OKABE_ITO["blue"], linestyle="--", label="exchangeable bone")
    (serum_pct,) = ax2.plot([], [], color=ROLE_COLORS["magnesium"], linestyle="-.", linewidth=1.2,
                            label="serum (same % scale)")
    ax2.set_ylabel("% of replete")
    ax2.set_xlabel("time since the change (months)")
    ax2.set_xlim(0, _DEPLETION_MAX_MONTHS)
    ax2.set_ylim(0, 110)
    legend2 = ax2.legend(fontsize=9, loc="lower left")
    artists = {"serum": serum, "cells": cells, "bone": bone, "serum_pct": serum_pct, "legends": (legend1, legend2)}
    return _depletion_fill(fig, artists, *settings)


#: The longest duration the demo offers (months): the time axis is fixed at it.
_DEPLETION_MAX_MONTHS = 24


def _depletion_settings(intake_mg_per_day, renal_leak_pct, months) -> tuple[float, float, int]:
    """The demo's settings, checked and rounded: (intake mg/day, leak %, months)."""
    intake = round(_intake(intake_mg_per_day), 1)
    leak = round(in_range("renal_leak_pct", renal_leak_pct, 0, 5, unit="%"), 2)
    m = in_range("months", months, 1, _DEPLETION_MAX_MONTHS, unit="months")
    if m != int(m):
        raise ValueError(f"months must be a whole number between 1 and 24, got {months!r}")
    return intake, leak, int(m)


def _depletion_fill(fig, artists: dict, intake: float, leak: float, months: int) -> View:
    """Set the curves to the run and build the readout (shared by the callback and the in-place update)."""
    sim = _depletion_run(intake, leak, months)
    t_months = sim.t_days / 30.4375
    artists["serum"].set_data(t_months, sim.serum_mmol_l)
    artists["cells"].set_data(t_months, sim.intracellular_pct)
    artists["bone"].set_data(t_months, sim.bone_exchangeable_pct)
    artists["serum_pct"].set_data(t_months, 100 * sim.serum_mmol_l / sim.params.serum_ref_mmol_l)
    alt = (f"Over {months} months at {intake:.0f} mg/day with a {leak:g} % extra renal leak, serum magnesium ends at "
           f"{sim.serum_mmol_l[-1]:.2f} mmol/L while the cells end at {sim.intracellular_pct[-1]:.0f} % and "
           f"exchangeable bone at {sim.bone_exchangeable_pct[-1]:.0f} % of replete.")
    return View(text=depletion_text(sim), figure=fig, alt=alt, artists=artists,
                # redrawn on each move: the four curves, and the legends on top of them
                animated=(artists["serum"], artists["cells"], artists["bone"], artists["serum_pct"],
                          *artists["legends"]),
                data={"summary": depletion_summary(sim), "serum_end_mmol_l": float(sim.serum_mmol_l[-1]),
                      "cells_end_pct": float(sim.intracellular_pct[-1])})


@depletion_view.updater
def _depletion_update(view, intake_mg_per_day, renal_leak_pct, months):
    """In place: the curves move over fixed axes (every slider)."""
    return _depletion_fill(view.figure, view.artists, *_depletion_settings(intake_mg_per_day, renal_leak_pct, months))


@register_benchmark("03.simulate_1y")
def _bench_simulate_one_year():
    return simulate(days=365.25, intake_mg_per_day=0.0)


# ---------------------------------------------------------------------- more notebook-02 figures and tables
def serum_vs_cells_figure(params: Parameters | None = None, hills=(1.0, 2.0)):
    """Serum Mg against the cells' Mg (% of replete) when the two are in equilibrium, for several cell exponents.

    With C = C_ref·(c/c_ref)^h the serum is c = c_ref·(C/C_ref)^(1/h): for h = 2 a square-root
    readout that changes less than the store it reports on.
    """
    p = _params(params)
    hills = as_array("hills", hills, low=0.25, high=6, ndim=1)
    cells = np.linspace(40, 110, 300)
    fig, ax = new_figure(figsize=(7.2, 4.6))
    lo, hi = REFERENCE_RANGE_MMOL_L
    ax.axhspan(lo, hi, color="#dddddd", alpha=0.7, label="IOM range 0.75–0.95")
    ax.axhline(HYPOMAGNESAEMIA_MMOL_L, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.2,
               label="hypomagnesaemia < 0.70")
    ax.axvline(90, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2, label="cells at 90 %")
    styles = ["-.", "-", "--", ":"]
    for k, h in enumerate(hills):
        c = p.serum_ref_mmol_l * (cells / 100.0) ** (1.0 / h)
        ax.plot(cells, c, linestyle=styles[k % 4], label=f"equilibrium, cell exponent h = {h:g}")
    ax.set_xlabel("cell (intracellular) Mg, % of replete")
    ax.set_ylabel("serum Mg (mmol/L)")
    ax.set_ylim(0.3, 1.0)
    ax.legend(fontsize=9, loc="lower right")
    return fig


def steady_state_table(intakes_mg_per_day, leaks_fe=(0.0, 0.03)) -> dict:
    """Steady serum (mmol/L) and cell Mg (% of replete) for each intake and renal leak: {leak: (serum, cells %)}."""
    intakes = as_array("intakes_mg_per_day", intakes_mg_per_day, low=0, high=_MAX_INTAKE, ndim=1, unit="mg/day")
    leaks = as_array("leaks_fe", leaks_fe, low=0, high=0.5, ndim=1)
    out = {}
    for leak in leaks:
        leak = float(leak)
        p = Parameters(renal_extra_fe=leak)
        ss = [steady_state(p, float(i)) for i in intakes]
        out[leak] = (np.array([s.serum_mmol_l for s in ss]),
                     np.array([100 * s.intracellular_mg / p.intracellular_ref_mg for s in ss]))
    return out


def steady_state_figure(leaks_fe=(0.0, 0.03)):
    """Steady-state serum Mg and cell Mg against intake, for a healthy kidney and a leaky one."""
    intakes = np.linspace(0, 600, 121)
    leaks_fe = [float(x) for x in as_array("leaks_fe", leaks_fe, low=0, high=0.5, ndim=1)]
    table = steady_state_table(intakes, leaks_fe)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.2))
    lo, hi = REFERENCE_RANGE_MMOL_L
    ax1.axhspan(lo, hi, color="#dddddd", alpha=0.7, label="IOM range")
    ax1.axhline(HYPOMAGNESAEMIA_MMOL_L, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.2,
                label="cut-off 0.70")
    ax2.axhline(90, color=ROLE_COLORS["reference"], linestyle=":", linewidth=1.2, label="90 % of replete")
    for k, leak in enumerate(leaks_fe):
        label = "healthy kidney" if leak == 0 else f"extra renal leak {100 * leak:g} % of filtered load"
        serum, cells = table[leak]
        ls = ["-", "--", "-.", ":"][k % 4]
        ax1.plot(intakes, serum, linestyle=ls, color=ROLE_COLORS["magnesium"] if k == 0 else OKABE_ITO["vermillion"],
                 label=label)
        ax2.plot(intakes, cells, linestyle=ls, color=ROLE_COLORS["magnesium"] if k == 0 else OKABE_ITO["vermillion"],
                 label=label)
    for ax in (ax1, ax2):
        ax.axvline(320, color="#999999", linewidth=1, linestyle=(0, (1, 2)))
        ax.set_xlabel("magnesium intake (mg/day)")
    ax1.set_ylabel("steady-state serum Mg (mmol/L)")
    ax1.set_ylim(0, 1.0)
    ax2.set_ylabel("steady-state cell Mg (% of replete)")
    ax2.set_ylim(0, 115)
    ax1.legend(fontsize=9, loc="lower right")
    ax2.legend(fontsize=9, loc="lower right")
    return fig


def hill_sensitivity_table(hills=(1.0, 1.5, 2.0, 3.0), intake_mg_per_day: float = 0.0, days: float = 730.0):
    """Days until cells < 90 % and until serum < 0.75 mmol/L, for several cell exponents (a pandas DataFrame)."""
    import pandas as pd

    hills = [float(h) for h in as_array("hills", hills, low=0.25, high=6, ndim=1)]
    intake_mg_per_day = _intake(intake_mg_per_day)
    days = in_range("days", days, 0, _MAX_DAYS, low_inclusive=False, unit="days")
    rows = []
    for h in hills:
        s = depletion_summary(simulate(Parameters(cell_hill=h), days=days, intake_mg_per_day=intake_mg_per_day))
        rows.append({"cell exponent h": h, "day cells < 90 %": s["cells_below_90pct_day"],
                     "day serum < 0.75 mmol/L": s["serum_below_range_day"],
                     "day serum < 0.70 mmol/L": s["serum_below_cutoff_day"]})
    return pd.DataFrame(rows).set_index("cell exponent h").round(0)


#: Prevalence of hypomagnesaemia in type 2 diabetes by setting: (cases, n, source).
#: Kurstjens 2017: 121/395 (sourced). Waanders 2019: 9.6 % of 929 (sourced) → 89 cases (computed).
T2D_PREVALENCE = {
    "hospital clinic (Kurstjens 2017)": (121, 395),
    "primary care (Waanders 2019)": (round(0.096 * 929), 929),
}
#: Literature range quoted by Waanders 2019 (citing Gommers 2016).
T2D_PREVALENCE_RANGE = (0.14, 0.48)


def wilson_interval(cases: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95 % Wilson score interval for a proportion ``cases / n``."""
    if not (isinstance(cases, (int, np.integer)) and isinstance(n, (int, np.integer)) and not isinstance(cases, bool)
            and not isinstance(n, bool) and 0 <= cases <= n and 0 < n <= 10 ** 12):
        raise ValueError(f"cases and n must be whole numbers with 0 ≤ cases ≤ n and 0 < n ≤ 1e12, "
                         f"got cases={cases!r}, n={n!r}")
    z = in_range("z", z, 0, 10, low_inclusive=False)
    phat = cases / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if cases == 0 else max(0.0, centre - half)  # exact ends for 0 and n cases (no round-off)
    hi = 1.0 if cases == n else min(1.0, centre + half)
    return lo, hi


def prevalence_figure():
    """Prevalence of hypomagnesaemia in T2D in two settings (95 % Wilson intervals) against the 14–48 % range."""
    fig, ax = new_figure(figsize=(7.5, 3.6))
    names = list(T2D_PREVALENCE)
    for k, name in enumerate(names):
        cases, n = T2D_PREVALENCE[name]
        lo, hi = wilson_interval(cases, n)
        ax.errorbar([100 * cases / n], [k], xerr=[[100 * (cases / n - lo)], [100 * (hi - cases / n)]], fmt="o",
                    capsize=6, color=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]][k])
        ax.text(100 * hi + 1.5, k, f"{100 * cases / n:.1f} % ({cases}/{n})", va="center", fontsize=10)
    ax.axvspan(100 * T2D_PREVALENCE_RANGE[0], 100 * T2D_PREVALENCE_RANGE[1], color="#dddddd", alpha=0.6,
               label="range in the literature, 14–48 %")
    ax.set_yticks(range(len(names)), names, fontsize=10)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlim(0, 60)
    ax.set_xlabel("people with T2D and hypomagnesaemia (%), 95 % interval")
    ax.legend(fontsize=9, loc="lower right")
    return fig
