"""Exercises of chapter 07 (reading the evidence).

Numbers come from the course fact sheet, section 6 (Rodríguez-Morán & Guerrero-Romero 2003;
Dong et al. 2011) and from the chapter's SYNTHETIC cohort (mgcourse.evidence.simulate_cohort).
"""

import math

from mgcourse import evidence as ev
from mgcourse.checks import choice, exercise, explanation, function, value

# --------------------------------------------------------------------------- 1. MD and its CI
_MD = 3.8 - 5.0
_SE_31_32 = math.sqrt(1.1 ** 2 / 31 + 1.3 ** 2 / 32)
_UPPER = _MD + ev.Z95 * _SE_31_32

exercise(
    "07.md-ci", name="md_ci", kind="compute",
    title="Upper limit of the 95 % CI of the HOMA-IR mean difference in the 2003 trial (31 Mg / 32 placebo)",
    grader=value(_UPPER, sig=2, what="the upper 95 % limit", mistakes={
        _MD + ev.Z95 * math.sqrt(1.1 ** 2 + 1.3 ** 2):
            "you combined the SDs, not the standard errors: divide each variance by its arm's n first.",
        _MD + ev.Z95 * (1.1 / math.sqrt(31) + 1.3 / math.sqrt(32)):
            "you added the two standard errors; add the variances (SE²) and take the square root.",
        _MD + ev.Z95 * math.sqrt((1.1 ** 2 + 1.3 ** 2) / 63):
            "each arm's variance is divided by that arm's n, not by the total of 63.",
        _MD + ev.Z95 * math.sqrt(1.1 ** 2 / 32 + 1.3 ** 2 / 31):
            "that uses the chapter's 32/31 split; this exercise has 31 people in the Mg arm and 32 on placebo.",
        -_MD + ev.Z95 * _SE_31_32:
            "the difference is Mg minus placebo, so it is negative here.",
    }),
    hints=("Start from the mean difference (Mg − placebo) and its standard error.",
           "SE of a difference of two independent means = √(sd₁²/n₁ + sd₂²/n₂); the 95 % CI is MD ± 1.96·SE.",
           "Take the means, SDs and arm sizes from the trial as reported (which arm had 31 people?). Square each "
           "SD and divide by its own arm's n before you add; the upper limit adds 1.96 SE to the difference."),
)


# --------------------------------------------------------------------------- 2. implement pooling
def _pool_fixed_ref(estimates, standard_errors):
    r = ev.pool_fixed(estimates, standard_errors)
    return (r.estimate, r.se)


exercise(
    "07.pool-fixed", name="pool_fixed", kind="implement",
    title="Write pool_fixed_simple(estimates, standard_errors) -> (estimate, se): inverse-variance pooling",
    grader=function(_pool_fixed_ref, [
        ([-1.2], [0.3]),
        ([-1.0, -0.5, 0.0], [0.5, 0.5, 1.0]),
        ([0.2, -0.4, -0.1, 0.3], [0.1, 0.2, 0.15, 0.3]),
        ([-0.9, -0.3], [0.25, 0.4]),
    ], rtol=1e-6, raises=[(([1.0, 2.0], [0.5]), ValueError), (([1.0, 2.0], [0.5, 0.0]), ValueError),
                          (([], []), ValueError)],
        describe=lambda a: f"pool_fixed_simple({a[0]}, {a[1]})"),
    library=("mgcourse.evidence:pool_fixed", "mgcourse.evidence:pool_random"),
    hints=("Precise studies should count more: what is a study's precision in terms of its SE?",
           "Weights w = 1/SE². Pooled estimate = Σ w·y / Σ w; its SE = 1/√(Σ w). Reject empty input, "
           "unequal lengths and SEs ≤ 0 with ValueError.",
           "Convert both inputs to float arrays, then guard (same length, not empty, every SE > 0). The weights "
           "come from the SEs; the estimate is a weighted mean, and its SE depends only on the sum of the weights."),
)

# --------------------------------------------------------------------------- 3. absolute risk
_RR_150 = 0.86 ** 1.5
_ARR_PP = 8.0 * (1 - _RR_150)

exercise(
    "07.arr", name="arr", kind="compute",
    title="Absolute risk difference (percentage points) for +150 mg/day, RR 0.86 per 100 mg/day, baseline 8 %",
    grader=value(_ARR_PP, sig=2, what="the risk difference in percentage points", mistakes={
        8.0 * (1 - 0.86): "the RR is per 100 mg/day; the change here is 150 mg/day.",
        8.0 * 1.5 * 0.14: "the log-linear model multiplies risks: RR(150) = 0.86^(150/100), not 1 − 1.5 × 0.14.",
        0.08 * (1 - _RR_150): "give the answer in percentage points (e.g. 2.5), not as a proportion.",
        8.0 * _RR_150: "that is the new risk; the question asks for the difference from the baseline.",
    }),
    hints=("First scale the relative risk to the intake change, then apply it to the baseline risk.",
           "Under the log-linear assumption RR(Δ) = RR₁₀₀^(Δ/100). New risk = baseline × RR(Δ); "
           "risk difference = baseline − new risk.",
           "The exponent is the change in units of 100 mg/day. Once you have RR(150), the new risk is the "
           "baseline times it, and the answer is how far that is below the baseline."),
)

# --------------------------------------------------------------------------- 4. the confounder
exercise(
    "07.confounder", name="confounder", kind="explore",
    title="Which variable confounds the Mg–HOMA-IR association in the synthetic cohort?",
    grader=choice("B", "ABCD", feedback={
        "A": "Mg intake is the exposure whose effect we want, not the confounder.",
        "C": "HOMA-IR is the outcome.",
        "D": "BMI is only a noisy measure of the confounder; adjusting for it leaves residual confounding.",
    }),
    hints=("A confounder causes both the exposure and the outcome.",
           "In the simulation, one variable lowers Mg intake and also raises HOMA-IR.",
           "Look at the colours in the widget's scatter plot: which variable sorts the points along both axes?"),
)

# --------------------------------------------------------------------------- 5. adjust
_COHORT7 = ev.simulate_cohort(2000, seed=7)
_EST7 = ev.confounding_estimates(_COHORT7)
_ADJ = float(_EST7.loc["adjusted for body fat (DXA)", "pct_change_per_100mg"])
_UNADJ = float(_EST7.loc["unadjusted", "pct_change_per_100mg"])
_BMI = float(_EST7.loc["adjusted for BMI", "pct_change_per_100mg"])
_ADJ_LOG = float(_EST7.loc["adjusted for body fat (DXA)", "log_slope_per_100mg"])

exercise(
    "07.adjust", name="adjust", kind="compute",
    title="Adjust for the confounder: % change in HOMA-IR per +100 mg/day in the synthetic cohort (seed 7)",
    grader=value(_ADJ, sig=2, what="your adjusted estimate", mistakes={
        _UNADJ: "that is the unadjusted estimate: add the confounder to the regression.",
        _BMI: "that is adjusted for BMI, a noisy proxy; adjust for body fat itself.",
        _ADJ_LOG: "that is the slope on the log scale; convert it to % with 100·(e^b − 1).",
        100 * _ADJ_LOG: "close, but convert the log slope exactly: 100·(e^b − 1), not 100·b.",
    }),
    hints=("Regress ln(HOMA-IR) on Mg intake (in units of 100 mg/day) AND the confounder.",
           "Use ev.ols(y, mg_per_100=..., body_fat=...) with y = np.log(cohort['homa_ir']); the coefficient "
           "of mg_per_100 is the log change per +100 mg/day.",
           "Read the coefficient of the intake term from your fit; it is on the log scale, so turn it into a "
           "percentage change by exponentiating before you subtract 1."),
)

# --------------------------------------------------------------------------- 6. grade a claim
exercise(
    "07.grade-claim", name="grade_claim", kind="explore",
    title="Grade the claim: 'Higher magnesium intake is linked with a lower risk of type 2 diabetes in large cohort studies.'",
    grader=choice("A", "ABCDE", feedback={
        "B": "Read the claim's wording: it says 'linked', not 'prevents'. How many consistent meta-analyses back it?",
        "C": "Three cohort meta-analyses report RRs below 1 per 100 mg/day with CIs that exclude 1.",
        "D": "The claim is about cohorts, and the course has three meta-analyses of them.",
        "E": "Nothing contradicts the association; what cohorts cannot show is causation, which the claim does not state.",
    }),
    hints=("Use the checklist: what exactly is claimed, and what design would show it?",
           "An association claim is established if several consistent cohort studies find the association; it "
           "would overreach only if it said 'causes' or 'prevents'.",
           "Compare the verb of the claim ('linked') with what cohort meta-analyses can show, then pick the grade "
           "on the course's scale (chapter 07) whose definition matches."),
)

# --------------------------------------------------------------------------- 7. explain
exercise(
    "07.not-proof", name="not_proof", kind="explain",
    title="Why is an observational RR of 0.85 per 100 mg/day not proof that supplements prevent diabetes?",
    grader=explanation({
        "confounding (e.g. adiposity or diet quality)": ("confound", "adipos", "body fat", "obes", "lifestyle",
                                                         "diet quality", "healthier", "third factor"),
        "reverse causation": ("reverse", "insulin resistance lowers", "urine", "urinary", "renal", "kidney",
                              "lowers magnesium", "the other way"),
        "the exposure and evidence type (food, not supplements; no randomisation)": (
            "food", "dietary", "random", "trial", "rct", "supplements were not", "not supplement"),
    }, min_words=40),
    model_answer="The RR comes from observational cohorts, so it shows an association, not an effect. People who eat "
                 "more magnesium differ in other ways: they tend to be leaner and to eat a healthier diet with more "
                 "fibre, and this confounding by adiposity and diet quality can produce the association even if "
                 "magnesium does nothing. Reverse causation is possible too: insulin resistance and high glucose "
                 "increase renal (urinary) magnesium loss, so low magnesium can be a consequence. Finally, the "
                 "exposure was mostly dietary magnesium from food, not supplements; only randomised trials of "
                 "supplements with diabetes as the outcome could show that supplements prevent diabetes.",
    rubric=("Confounding: a third factor (adiposity, diet quality) behind both intake and risk.",
            "Reverse causation: insulin resistance raises urinary Mg loss, so low Mg can be a consequence.",
            "The exposure was food, observed; only randomised trials of supplements could test the claim."),
    hints=("List what else differs between people who eat more and less magnesium.",
           "Three ideas: a third factor behind both; the arrow pointing the other way; and what was measured "
           "(diet, observed) versus what is claimed (supplements, as an intervention).",
           "Write one sentence each on confounding by adiposity/diet quality, reverse causation through "
           "renal Mg loss, and why only randomised trials of supplements could test the supplement claim."),
)
