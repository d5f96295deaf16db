"""Exercises of chapter 04 (the vicious cycle model).

Numbers come from the library: Topp's published parameters (fact sheet 5d) and the
illustrative Mg extension in :mod:`mgcourse.models.cycle`. Expected values that need a
model run are computed lazily (on the first check), never printed.
"""

from functools import lru_cache

import numpy as np

from mgcourse.checks import NotAttempted, Precision, Result, parse_number, choice, exercise, explanation, function, is_stub, value
from mgcourse.models import cycle
from mgcourse.models import cycle_analysis

_P = cycle.Parameters()

# --------------------------------------------------------------------------- 1. compute: Topp's roots by hand
_D0_NEW = 0.07
_disc = np.sqrt(_P.r1 ** 2 - 4 * _P.r2 * _D0_NEW)
_LOW = (_P.r1 - _disc) / (2 * _P.r2)
_HIGH = (_P.r1 + _disc) / (2 * _P.r2)

exercise(
    "04.topp-roots", name="topp_roots", kind="compute",
    title="Where does Topp's physiological fixed point move when the β-cell death rate d0 rises to 0.07 per day?",
    grader=value(_LOW, sig=3, what="your fixed-point glucose",
                 mistakes={_HIGH: "that is the other root: the saddle. The physiological state is the smaller root.",
                           100.0: "that is the fixed point with the published d0 = 0.06; use d0 = 0.07.",
                           (_P.r1 - np.sqrt(_P.r1 ** 2 - 4 * _P.r2 * _D0_NEW)) / _P.r2:
                               "check the denominator of the quadratic formula: it is 2·r2."}),
    hints=("At a fixed point with β > 0 the bracket of the β equation must vanish: −d0 + r1·G − r2·G² = 0.",
           "That is the quadratic r2·G² − r1·G + d0 = 0; the physiological state is its smaller root.",
           "Apply the quadratic formula to r2·G² − r1·G + d0 = 0 with Topp's r1 and r2 and the new d0: the "
           "smaller root takes the minus sign in front of the square root. Compute the discriminant first."),
)

# --------------------------------------------------------------------------- 2. compute: the saddle-node in d0
_D0_SN = _P.r1 ** 2 / (4 * _P.r2)
exercise(
    "04.topp-saddle-node", name="topp_saddle_node", kind="compute",
    title="At which β-cell death rate d0 (per day) do the physiological state and the saddle merge?",
    grader=value(_D0_SN, sig=2, what="your d0",
                 mistakes={_P.r1 / (2 * _P.r2): "that is the glucose at which they merge, not the death rate d0.",
                           _P.r1 ** 2 / (2 * _P.r2): "the discriminant is r1² − 4·r2·d0; check the factor 4."}),
    hints=("Two roots of a quadratic merge when its discriminant is zero.",
           "The discriminant of r2·G² − r1·G + d0 = 0 is r1² − 4·r2·d0.",
           "Set the discriminant to zero and rearrange for d0 (it appears once, multiplied by 4·r2); then use "
           "Topp's r1 and r2. Compare your result with the published 0.06 per day: should it be above or below?"),
)


# --------------------------------------------------------------------------- 3. implement: classify from eigenvalues
def _unstable_directions(eigenvalues):
    ev = np.asarray(eigenvalues, dtype=complex).ravel()
    if ev.size == 0:
        raise ValueError("eigenvalues must not be empty")
    if not np.all(np.isfinite(ev)):
        raise ValueError("eigenvalues must be finite")
    return int(np.sum(ev.real > 0))


exercise(
    "04.unstable-directions", name="unstable_directions", kind="implement",
    title="Write unstable_directions(eigenvalues): how many eigenvalues have a positive real part?",
    grader=function(_unstable_directions,
                    [([-422.0, -18.7, -0.0142],), ([-431.0, -4.48, 0.0406],), ([-432.0, -1.44, -0.42],),
                     ([-1.0 + 2.0j, -1.0 - 2.0j, -0.5],), ([0.3 + 1.0j, 0.3 - 1.0j, -2.0],),
                     (np.array([-4.2e2, -1.9e1, -2.1e-2, 2.1e-2]),)],
                    raises=[(([],), ValueError), (([float("nan"), -1.0],), ValueError)],
                    describe=lambda a: f"unstable_directions({list(np.round(np.asarray(a[0]), 4))})"),
    hints=("A fixed point is stable when every eigenvalue of the Jacobian has a negative real part.",
           "Count the eigenvalues whose real part is > 0: 0 means stable, 1 or more with some negative ones a saddle. "
           "Eigenvalues may be complex: use .real. Reject an empty or non-finite input with ValueError.",
           "Turn the input into a complex numpy array first, so lists, arrays and complex values all work; "
           "guard against empty and non-finite input; then count with a boolean test on the real parts."),
)

# --------------------------------------------------------------------------- 4. compute: where the healthy state disappears
#: A sensitivity question: the chapter gives the fold for the default model (renal loss ∝ pool², exponent 2); the
#: exercise asks for it with a steeper renal response (exponent 2.5), a setting no widget offers.
FOLD_RENAL_EXPONENT = 2.5
_P_FOLD = _P.with_(renal_loss_exponent=FOLD_RENAL_EXPONENT)
exercise(
    "04.healthy-lost", name="healthy_lost", kind="compute",
    title="With a renal-loss exponent of 2.5, below which Mg intake (mg/day) does the healthy state disappear?",
    grader=value(cycle_analysis.fold_intakes(_P_FOLD).healthy_lost_below_mg_per_day, sig=2, rtol=0.015,
                 what="your intake",
                 mistakes={cycle_analysis.fold_intakes(_P_FOLD).diabetic_lost_above_mg_per_day:
                           "that is the other fold: where the diabetic state disappears as intake rises.",
                           cycle_analysis.fold_intakes(_P).healthy_lost_below_mg_per_day:
                           "that is the fold of the default model (exponent 2), given in the chapter; set "
                           "renal_loss_exponent=2.5."}),
    hints=("Scan the intake and look for a stable steady state on the healthy branch.",
           "Use cycle.steady_states(p.with_(renal_loss_exponent=2.5, mg_intake_mg_per_day=j)) for j on a grid. Near "
           "the fold the healthy state is already above 126 mg/dL, so recognise it as the stable state with glucose "
           "below the renal threshold (180 mg/dL). Look for the smallest j where it still exists.",
           "Loop over a grid of intakes; for each, ask whether one of the steady states is both stable and below "
           "the renal threshold. Your answer is the edge of the region where that is true (refine the grid near it)."),
)


# --------------------------------------------------------------------------- 5. design an intervention
@lru_cache(maxsize=1)
def _minimal_rescue():
    p = _P.with_(mg_intake_mg_per_day=150.0)

    def rescued(j):
        s = cycle.simulate_intervention(p, days=10 * 365.25, t_switch_days=2 * 365.25, new_intake_mg_per_day=j)
        return s.glucose_mg_dl[-1] < 126.0

    lo, hi = 150.0, 800.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if rescued(mid) else (mid, hi)
    return hi


def _rescue_grader(answer):
    if is_stub(answer):
        raise NotAttempted
    try:
        j = parse_number(answer) if isinstance(answer, str) else float(answer)
    except (TypeError, ValueError):
        return [Result(False, "your intake", "give one number in mg/day.", format=True)]
    if not np.isfinite(j):
        return [Result(False, "your intake", "your answer is not a finite number.", format=True)]
    best = _minimal_rescue()
    ok_low = j >= best * (1 - 0.03)
    ok_near = j <= best * (1 + 0.03)
    return [Result(ok_low, "the intake rescues the trajectory",
                   "" if ok_low else "with this intake glucose is still ≥ 126 mg/dL after 10 years; try more."),
            Result(ok_near, "it is (within 3 %) the smallest intake that does",
                   "" if ok_near else "a smaller intake would also rescue it; look for the smallest one.")]


_rescue_grader.precision = Precision(sig=2)  # within 3 % of the smallest rescuing intake
_rescue_grader.current_reference = _minimal_rescue

exercise(
    "04.rescue", name="rescue", kind="compute",
    title="Design a rescue: after 2 years at 150 mg/day, what is the smallest new intake that brings glucose "
          "below 126 mg/dL within 10 years?",
    grader=_rescue_grader,
    hints=("After 2 years at 150 mg/day, where is the system? Look at the glucose at the switch.",
           "If it has already fallen into the diabetic state, raising the intake helps only when that state "
           "no longer exists: think of the bifurcation diagram and its two folds.",
           "Write a yes/no test 'does new intake j bring glucose below 126 mg/dL by year 10?' with "
           "cycle.simulate_intervention, and bisect on j between a failing and a rescuing intake."),
)

# --------------------------------------------------------------------------- 6. explore: history matters
exercise(
    "04.history", name="history", kind="explore",
    title="Explorer at 250 mg/day: start at M = 1.0, then at M = 0.3. What happens after 10 years?",
    grader=choice("B", "ABCD", feedback={
        "A": "Move the starting-pool slider down to 0.3 and look at the glucose panel again.",
        "C": "Start at M = 1.0: glucose stays close to 100 mg/dL.",
        "D": "It is the other way round: which start has more magnesium?"}),
    hints=("Set the intake slider to 250 mg/day and change only the starting Mg pool.",
           "The text under the widget says how many stable states exist at this intake.",
           "Note the end glucose for each start before you read the options; the options differ in which start "
           "ends where."),
)

# --------------------------------------------------------------------------- 7. explain: why not RK45
exercise(
    "04.why-not-rk45", name="why_not_rk45", kind="explain",
    title="Explain, with your measurement, why RK45 is a poor choice for this model",
    grader=explanation({
        "stiffness: very different time scales": ("stiff", "time scale", "timescale", "432", "minutes", "fast and slow",
                                                  "eigenvalue"),
        "the explicit step is limited by stability, not accuracy": ("stability", "stable", "step size", "small step",
                                                                    "tiny step", "many steps", "steps"),
        "implicit methods with a Jacobian": ("implicit", "lsoda", "bdf", "jacobian", "odeint", "radau"),
    }, min_words=30),
    model_answer="The model is stiff: insulin is cleared at 432 per day (a time scale of minutes) while beta-cell "
                 "mass and the magnesium pool change over months, a ratio of about 30,000 between the fastest and "
                 "slowest eigenvalue. An explicit method such as RK45 must keep its step below about 2.8/432 day for "
                 "stability, even after insulin has settled, so it needs hundreds of steps for 5 days and on the "
                 "order of 100,000 steps for three years. An implicit method such as LSODA (BDF) with the analytic "
                 "Jacobian stays stable with steps of days, so it needs only a few hundred steps for the whole run.",
    rubric=("The model is stiff: time scales of minutes (insulin) and months (beta cells, Mg pool).",
            "An explicit method's step is limited by stability, not accuracy; uses the measured step count.",
            "Implicit methods (LSODA/BDF, Radau) with the Jacobian take large steps safely."),
    hints=("Compare the fastest and the slowest eigenvalue at the healthy state.",
           "An explicit method must keep step × |fastest eigenvalue| small for stability, even when the fast "
           "variable has long settled; accuracy would allow much larger steps.",
           "Write three or four sentences: the time scales (minutes vs months), what that forces on RK45's step "
           "(your step count on 5 days, scaled to 3 years), and what LSODA/BDF do differently with the Jacobian."),
)
