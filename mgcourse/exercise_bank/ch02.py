"""Exercises of chapter 02: insulin signalling and how insulin resistance is measured.

Expected values are computed from the course library (never typed in), so that
the checks follow the library if a published parameter is ever corrected. The reference of 02.fit-fsigt comes
from data/fsigt_pacini_bergman_1986.csv: it is computed on first use (``deferred``), never when this module is
imported, so the bank imports (and its other exercises work) without ``data/``.
"""

from mgcourse import indices
from mgcourse.checks import choice, deferred, exercise, explanation, function, value
from mgcourse.models import minimal_model as mm
from mgcourse.units import INSULIN_PMOL_L_PER_UU_ML_LEGACY, convert

# --------------------------------------------------------------------------- 02.homa-lab
#: The lab report of the exercise: glucose in mg/dL, insulin in pmol/L (the lab uses 6.00 pmol/L per µU/mL).
LAB_GLUCOSE_MG_DL = 104.0
LAB_INSULIN_PMOL_L = 72.0

_g_mmol = convert(LAB_GLUCOSE_MG_DL, "mg/dL", "mmol/L", substance="glucose")
_i_uU = convert(LAB_INSULIN_PMOL_L, "pmol/L", "µU/mL", substance="insulin")
_i_legacy = convert(LAB_INSULIN_PMOL_L, "pmol/L", "µU/mL", substance="insulin",
                    insulin_factor=INSULIN_PMOL_L_PER_UU_ML_LEGACY)

exercise(
    "02.homa-lab", name="homa_lab", kind="compute",
    title="HOMA-IR from a lab report in mixed units (glucose mg/dL, insulin pmol/L)",
    grader=value(indices.homa_ir(_g_mmol, _i_uU), sig=2, what="your HOMA-IR", mistakes={
        indices.homa_ir(_g_mmol, _i_legacy): "this matches the legacy 6.945 insulin factor; the lab report says its "
                                             "assay uses 6.00 pmol/L per µU/mL.",
        _g_mmol * LAB_INSULIN_PMOL_L / 22.5: "the insulin is still in pmol/L; HOMA-IR needs µU/mL.",
        LAB_GLUCOSE_MG_DL * _i_uU / 22.5: "with 22.5 in the denominator, glucose must be in mmol/L, not mg/dL.",
        LAB_GLUCOSE_MG_DL * LAB_INSULIN_PMOL_L / 405: "the glucose/405 form is right, but the insulin is still in pmol/L.",
    }),
    hints=("Both numbers must be converted to the units of the HOMA-IR formula before you multiply.",
           "HOMA-IR = glucose (mmol/L) × insulin (µU/mL) / 22.5. Glucose: divide mg/dL by 18.0156. Insulin: divide "
           "pmol/L by the lab's factor (pmol/L per µU/mL).",
           "Do it in two steps: first write down glucose in mmol/L and insulin in µU/mL (check the insulin step "
           "against the lab's own factor, not the legacy one); only then put the two numbers into the formula."),
)

# --------------------------------------------------------------------------- 02.quicki
exercise(
    "02.quicki", name="quicki", kind="implement",
    title="Implement quicki(glucose_mg_dl, insulin_uU_ml)",
    grader=function(indices.quicki, [(90.0, 5.0), (100.0, 10.0), (126.0, 20.0), (80.0, 3.5), (250.0, 40.0)],
                    rtol=1e-6,
                    raises=[((0.0, 5.0), ValueError), ((90.0, -2.0), ValueError), ((90.0, 0.0), ValueError)],
                    describe=lambda a: f"quicki({a[0]:g}, {a[1]:g})"),
    library=("mgcourse.indices:quicki",),
    hints=("QUICKI is one over a sum of two logarithms. Which base? Which units?",
           "QUICKI = 1 / (log10 I + log10 G) with I in µU/mL and G in mg/dL (Katz 2000). np.log is the natural "
           "logarithm; you need np.log10. A concentration of 0 or below has no logarithm: raise ValueError.",
           "Begin the function with the guard: if either concentration is 0 or below, raise ValueError naming "
           "it. After that, the denominator is a sum of two base-10 logarithms: which two values go into them?"),
)

# --------------------------------------------------------------------------- 02.euler-step
_P = mm.Parameters()
_STEP_CASES = [
    ((280.0, 0.0, 7.3), 0.0, 0.5, _P),      # just after the bolus
    ((150.0, 0.01, 40.0), 30.0, 1.0, _P),   # mid-test, insulin high
    ((85.0, 0.005, 10.0), 100.0, 0.1, _P),  # glucose below the threshold: no secretion
    ((92.0, 0.0, 7.3), 50.0, 1.0, _P),      # the basal state must not move
    ((200.0, 0.002, 20.0), 10.0, 0.5, _P.with_si_sg(si=1e-4, sg=0.02)),  # other parameters
]

exercise(
    "02.euler-step", name="euler_step", kind="implement",
    title="Implement one explicit Euler step of the minimal model",
    library=("mgcourse.models.minimal_model:euler_step", "mgcourse.models.minimal_model:derivatives",
             "mgcourse.models.minimal_model:euler_simulate"),
    grader=function(mm.euler_step, _STEP_CASES, rtol=1e-9, atol=1e-12,
                    describe=lambda a: f"euler_step(state={a[0]}, t_min={a[1]:g}, dt_min={a[2]:g}, "
                                       f"params with S_I = {a[3].si * 1e4:.2f}e-4, S_G = {a[3].sg:.4f})"),
    hints=("new state = old state + dt × (rate of change at the old state and time).",
           "Compute dG/dt, dX/dt and dI/dt from the three equations in the exercise, with the insulin equation "
           "written for insulin above basal and the threshold max(h, Gb). The secretion term is zero when glucose is "
           "below that threshold, and it is multiplied by the time t since the bolus.",
           "Unpack the state into G, X, I. The glucose rate has two parts: glucose effectiveness pulling G back "
           "to basal (p.p1 and p.gb_mg_dl) and X removing glucose in proportion to G. Write the X and I rates the "
           "same way from the exercise's equations, then move each variable by dt_min times its rate."),
)

# --------------------------------------------------------------------------- 02.euler-g45
# At 45 min: the chapter's minimal-model demo prints glucose at 30, 60 and 120 min, never at 45.
_EULER_G45 = mm.euler_simulate(minutes=45.0, dt_min=0.1).glucose_at(45.0)
_SOLVER_G45 = mm.simulate(minutes=45.0).glucose_at(45.0)
_EULER_G45_DT1 = mm.euler_simulate(minutes=45.0, dt_min=1.0).glucose_at(45.0)

exercise(
    "02.euler-g45", name="euler_g45", kind="compute",
    title="Glucose at 45 min from your Euler integration (dt = 0.1 min), compared with the library's solver",
    grader=value(_EULER_G45, sig=4, what="your Euler glucose at 45 min", mistakes={
        _SOLVER_G45: "that is the library solver's value; report the value from your own Euler loop.",
        _EULER_G45_DT1: "this looks like a step of 1 min; use dt = 0.1 min.",
    }),
    hints=("Start from (G0, 0, Ib) at t = 0 and apply your euler_step 450 times.",
           "With dt = 0.1 min you need 45 / 0.1 = 450 steps; the time passed to the step is k × dt for step k "
           "(starting at k = 0), because the secretion term depends on t.",
           "Keep one state array and overwrite it in a loop; the only thing that changes from one step to the "
           "next is the time you pass in. After the loop, which component of the state is glucose?"),
)

# --------------------------------------------------------------------------- 02.fit-fsigt
#: The choices the exercise prescribes: basal glucose = the t = 0 sample (92 mg/dL; the chapter fits with the
#: published 90), basal insulin 7 µU/mL, samples from 8 min, p2 fixed. So the chapter's fit is not the answer.
FSIGT_GB_MG_DL, FSIGT_IB_UU_ML, FSIGT_MIN_TIME_MIN = 92.0, 7.0, 8.0


def _fsigt_fit(**kwargs) -> mm.FSIGTFit:
    from mgcourse.data import load_fsigt

    d = load_fsigt()
    args = dict(gb_mg_dl=FSIGT_GB_MG_DL, ib_uU_ml=FSIGT_IB_UU_ML, min_time_min=FSIGT_MIN_TIME_MIN)
    args.update(kwargs)
    return mm.fit_fsigt(d["time_min"], d["glucose_mg_dl"], d["insulin_uU_ml"], **args)


def _fit_fsigt_reference() -> dict:
    """The reference S_I of the prescribed fit and the S_I of three typical slips (reads the FSIGT data)."""
    fit, fit_ib11, fit_all = _fsigt_fit(), _fsigt_fit(ib_uU_ml=11.0), _fsigt_fit(min_time_min=0.0)
    fit_gb90 = _fsigt_fit(gb_mg_dl=90.0)
    return {"expected": fit.si * 1e4, "rtol": 3e-2, "what": "your fitted S_I (in 10⁻⁴ min⁻¹ per µU/mL)",
            "mistakes": {
                fit.si: "report S_I in units of 10⁻⁴ min⁻¹ per µU/mL (multiply by 10⁴).",
                fit_ib11.si * 1e4: "this fit used the t = 0 sample (11 µU/mL) as basal insulin; the exercise asks for "
                                   "Ib = 7 µU/mL, the published fit's value.",
                fit_all.si * 1e4: "this fit kept the samples before 8 min, when the bolus is still mixing; leave them "
                                  "out.",
                fit_gb90.si * 1e4: "this is the chapter's fit with the published basal glucose of 90 mg/dL; this "
                                   "exercise sets basal glucose to the t = 0 sample, 92 mg/dL.",
            }}


exercise(
    "02.fit-fsigt", name="fit_fsigt", kind="compute",
    title="Refit the published FSIGT (Pacini & Bergman 1986) with basal glucose = the t = 0 sample (92 mg/dL)",
    grader=deferred(_fit_fsigt_reference, sig=2),
    hints=("Three unknowns: S_I, S_G and the glucose just after the bolus, G(0). The t = 0 row is the pre-bolus "
           "sample, so G(0) is not in the data.",
           "Write residuals(x) with x = (S_I × 10⁴, S_G, G(0)) that builds the model's parameters from x (basal "
           "glucose 92 mg/dL, basal insulin 7 µU/mL), computes the model glucose at the samples from 8 min with the "
           "measured insulin as input, and subtracts the data.",
           "least_squares needs a starting guess for all three unknowns (think of typical sizes: a few units of "
           "10⁻⁴, a few hundredths per minute, a few hundred mg/dL) and a diff_step larger than the default, because "
           "an ODE solution is only smooth to about 10⁻⁸. The fitted values come back in the result's .x array."),
)

# --------------------------------------------------------------------------- 02.si-widget
exercise(
    "02.si-widget", name="si_widget", kind="explore",
    title="Minimal-model demo: lower S_I from 5.07 to the type 2 diabetes mean 0.57 (S_G stays 0.0308)",
    grader=choice("B", "ABCD", feedback={
        "A": "Compare the glucose readout at 60 min for the two settings: S_G alone does not fix the curve.",
        "C": "Look at the glucose panel again: which curve lies higher at 60 min?",
        "D": "X builds up within minutes of the insulin rise; compare the curves between 20 and 60 min.",
    }),
    hints=("Set S_I to 5.07, note glucose at 60 min and the bottom panel; then set S_I to 0.57.",
           "S_I scales how much extra glucose disappearance (X) each µU/mL of insulin above basal buys.",
           "Check three things: the 60-min glucose readout, how far S_G + X rises above S_G, and the "
           "'reading S_I off the curves' line."),
)

# --------------------------------------------------------------------------- 02.mg-toy
exercise(
    "02.mg-toy", name="mg_toy", kind="explore",
    title="Teaching model: receptor activation at Mg = 0.30 × replete (h = 1, K = 0.5)",
    grader=choice("B", "ABCD", feedback={
        "A": "Read the text under the figure: does the half-maximal insulin move?",
        "C": "Compare the plateaus of the two curves at high insulin.",
        "D": "Read the compensation sentence: is a finite insulin level given?",
    }),
    hints=("Set the Mg slider to 0.30 and leave h = 1 and K = 0.5.",
           "In this toy, Mg multiplies the whole insulin curve: it changes the plateau, not where the curve is "
           "half-way up.",
           "Read the plateau (in % of replete) and the insulin needed to match the replete activation at basal "
           "insulin, then pick the option that states both."),
)

# --------------------------------------------------------------------------- 02.homa-site
exercise(
    "02.homa-site", name="homa_site", kind="explain",
    title="Why can HOMA-IR not tell hepatic from muscle insulin resistance?",
    grader=explanation({
        "what the fasting state mainly reflects (the liver)": ("liver", "hepatic", "glucose production",
                                                               "glucose output"),
        "where muscle resistance shows up (insulin-stimulated uptake after a load)": (
            "muscle", "peripheral", "uptake", "clamp", "ogtt", "meal", "load", "stimulated"),
        "what one number from two fasting values can and cannot tell": (
            "one number", "single number", "single value", "product", "same value", "only two", "cannot separate",
            "can't separate", "cannot distinguish", "can't distinguish", "both"),
    }, min_words=30),
    hints=("When is the blood drawn for HOMA-IR, and which organ sets glucose at that time?",
           "Fasting glucose is held mainly by the liver's glucose output; muscle takes up most glucose after a meal, "
           "when insulin is high. HOMA-IR is one number made from two fasting values.",
           "Write 3–4 sentences: what fasting glucose and insulin mostly reflect, why muscle insulin resistance "
           "is seen only under stimulation (a clamp with tracers; an OGTT's Matsuda index adds the post-load response "
           "but is whole-body), and why one product of two numbers cannot say which tissue is resistant."),
    model_answer="HOMA-IR is one number, the product of fasting glucose and fasting insulin. In the fasting state, "
                 "blood glucose is set mainly by the liver's glucose output, which insulin restrains, so HOMA-IR "
                 "mostly reflects hepatic insulin resistance. Muscle takes up most glucose only after a meal or a "
                 "glucose load, when insulin is high, so muscle resistance hardly shows in fasting values. To "
                 "separate the two sites you need a stimulated test, such as a clamp (ideally with tracers) or an "
                 "OGTT with the Matsuda index.",
    rubric=("Fasting glucose is set mainly by the liver's glucose output, so HOMA-IR mostly reflects the liver.",
            "Muscle resistance shows in insulin-stimulated uptake (after a meal or load, or in a clamp), not at fast.",
            "One number from two fasting values cannot say which tissue is resistant; a stimulated test is needed."),
)
