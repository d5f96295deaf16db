"""Exercises of chapter 09 (capstone): one set of exercises, three case variants.

Every grader reads the case chosen in the notebook with
``mgcourse.capstone.select_case(CASE)`` and compares the learner's answer with the
reference value *for that case* (computed here; not part of the student-facing API). An
answer that equals another case's value gets a targeted message ("that is the value
for case B") instead of a bare "not yet". The expected values of all three cases are
registered as secrets, so the course tests check that no feedback or hint shows them.

No data file is read when this module is imported: the reference values (and the secrets, which need every
case's food log and so foods.csv) are computed when an answer is checked or the secrets are asked for, so the
bank imports without ``data/`` and a check says "cannot be checked".
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable

from mgcourse import capstone, intakes
from mgcourse.checks import NotAttempted, Precision, Result, choice, exercise, explanation, function, is_stub, value
from mgcourse.units import INSULIN_PMOL_L_PER_UU_ML, INSULIN_PMOL_L_PER_UU_ML_LEGACY, convert


# --------------------------------------------------------------------------- cheap reference values
@functools.lru_cache(maxsize=8)
def _cheap(case_id: str) -> dict:
    """The values the compute exercises need, without the optimiser or the cycle model (reads foods.csv; called
    on first use, never at import)."""
    case = capstone.get_case(case_id)
    idx = capstone.indices_report(case)
    total = capstone.food_log_total_mg(case.food_log)
    rda = intakes.rda(case.age_years, case.sex, pregnant=case.pregnant)
    ear = intakes.ear(case.age_years, case.sex)
    rep = capstone.supplement_report(case)
    return {"homa": idx.homa_ir, "food_total_mg": total, "gap_to_rda_mg": rda - total, "rda_mg": rda, "ear_mg": ear,
            "elemental_mg_per_day": rep.elemental_mg_per_day, "salt_mg_per_day": rep.salt_mg_per_day,
            "units_per_day": rep.label.units_per_day, "above_us_ul": rep.ul.above_us_ul,
            "above_eu_ul": rep.ul.above_eu_ul}


class _LazySecrets:
    """A grader function whose ``secrets`` (the reference values of every case) are computed when asked, never
    when the bank is imported; every other attribute (``precision``, ``current_reference`` …) is the function's."""

    def __init__(self, grade: Callable, secrets: Callable[[], Iterable[float]]):
        self._grade = grade
        self._secrets = secrets

    def __call__(self, answer):
        return self._grade(answer)

    def __getattr__(self, name: str):
        if name in ("_grade", "_secrets"):  # not yet set (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self._grade, name)

    @property
    def secrets(self) -> tuple:
        return tuple(self._secrets())


def _other_cases(key: str, cid: str) -> dict:
    out = {}
    for other in capstone.CASE_IDS:
        v = _cheap(other)[key]
        if other != cid and abs(v - _cheap(cid)[key]) > 1e-6 * max(1.0, abs(v)):
            out[v] = (f"that is the value for case {other}, but the selected case is {cid}: run the cell with "
                      "`select_case(CASE)` after you change CASE.")
    return out


def _case_value(key: str, *, what: str, mistakes=None, sig: int | None = None, decimals: int | None = None):
    """A value grader whose expected value is the selected case's ``key``; ``mistakes(cid)`` adds typical errors."""

    def grade(answer):
        if is_stub(answer):
            raise NotAttempted
        cid = capstone.active_case_id()
        m = _other_cases(key, cid)
        if mistakes is not None:
            m.update({k: v for k, v in mistakes(cid).items() if not precision.same(k, _cheap(cid)[key])})
        return value(_cheap(cid)[key], sig=sig, decimals=decimals, what=what, mistakes=m)(answer)

    precision = Precision(sig=sig, decimals=decimals)
    grade.precision = precision
    grade.current_reference = lambda: _cheap(capstone.active_case_id())[key]
    return _LazySecrets(grade, lambda: (_cheap(c)[key] for c in capstone.CASE_IDS))


# --------------------------------------------------------------------------- 1. HOMA-IR from mixed units
def _homa_mistakes(cid: str) -> dict:
    case = capstone.get_case(cid)
    lab = capstone.lab_values(case)
    out = {lab.glucose_mg_dl * lab.insulin_uU_ml / 22.5:
           "it looks like glucose in mg/dL was divided by 22.5; with mg/dL the denominator is 405 (or convert to mmol/L).",
           lab.glucose_mmol_l * lab.insulin_pmol_l / 22.5:
           "it looks like insulin was used in pmol/L; HOMA-IR needs µU/mL."}
    if convert(1, case.insulin[1], "pmol/L", substance="insulin") == 1.0:  # insulin reported in pmol/L
        legacy = lab.insulin_pmol_l / INSULIN_PMOL_L_PER_UU_ML_LEGACY
        out[lab.glucose_mmol_l * legacy / 22.5] = ("that matches the legacy insulin factor 6.945; 1 µU/mL = "
                                                   f"{INSULIN_PMOL_L_PER_UU_ML:.2f} pmol/L.")
    return out


exercise(
    "09.homa", name="capstone_homa", kind="compute",
    title="HOMA-IR for your case, from the lab report in mixed units",
    grader=_case_value("homa", sig=2, what="your HOMA-IR", mistakes=_homa_mistakes),
    hints=("Look at the units on your case's report first: HOMA-IR needs glucose in mmol/L and insulin in µU/mL.",
           "HOMA-IR = glucose (mmol/L) × insulin (µU/mL) / 22.5 (Matthews 1985); convert with "
           "convert(value, unit, 'mmol/L', substance='glucose') and convert(value, unit, 'µU/mL', substance='insulin'). "
           "Insulin: 1 µU/mL = 6.00 pmol/L (not 6.945); mU/L is the same as µU/mL.",
           "Convert first and print both converted values with their units; only then combine them. Check "
           "yourself with the mg/dL form of the formula (denominator 405): it must give almost the same number."),
)


# --------------------------------------------------------------------------- 2. implement: the food log total
def _reference_food_log_mg(entries):
    return capstone.food_log_total_mg(entries)


_FIXED_LOGS = (
    [("12016", 28.35, "g"), ("11458", 90, "g")],  # pumpkin seeds 1 oz, spinach ½ cup (ODS servings)
    [("09040", 1, "cup, sliced")],  # banana, a household measure
)
_BAD_LOGS = ([], [("99999", 10, "g")], [("09040", -50, "g")], [("09040", 1, "bucket")])


def _food_log_grader(func):
    cid = capstone.active_case_id()
    case_log = [(e.ndb_no, e.amount, e.unit) for e in capstone.get_case(cid).food_log]
    cases = [(case_log,)] + [(log,) for log in _FIXED_LOGS]
    described = {0: f"the food log of case {cid}", 1: "pumpkin seeds 28.35 g + boiled spinach 90 g",
                 2: "1 cup of sliced banana (a household measure)"}

    def describe(args):
        if args[0] in [c[0] for c in cases]:
            return described[[c[0] for c in cases].index(args[0])]
        return f"the bad log {args[0]!r}"

    grader = function(_reference_food_log_mg, cases, rtol=1e-6, raises=[((log,), ValueError) for log in _BAD_LOGS],
                      describe=describe)
    return grader(func)


_food_log_grader.reference_function = _reference_food_log_mg
_food_log_grader.cases = _FIXED_LOGS
_food_log_grader.raises_cases = tuple(((log,), ValueError) for log in _BAD_LOGS)

exercise(
    "09.food-log", name="capstone_food_log", kind="implement",
    title="Write food_log_mg(entries): total magnesium (mg) of a food log of (NDB, amount, unit) entries",
    grader=_LazySecrets(_food_log_grader, lambda: (_cheap(c)["food_total_mg"] for c in capstone.CASE_IDS)),
    library=("mgcourse.capstone:food_log_total_mg", "mgcourse.capstone:food_log_table", "mgcourse.diet:meal_totals",
             "mgcourse.diet:meal_summary"),
    hints=("For each entry you need two numbers: the grams eaten and the food's magnesium per 100 g.",
           "diet.grams_for(ndb, amount, unit) turns '1 cup, sliced' or '30 g' into grams (and raises ValueError for "
           "an unknown unit or an amount ≤ 0); data.food_by_ndb(ndb)['magnesium_mg_per_100g'] gives mg per 100 g "
           "(ValueError for an unknown NDB). An empty log should raise ValueError too.",
           "Start with the guard for an empty log. Then keep a running total in a loop over the entries: each entry "
           "adds its grams scaled by the food's magnesium per 100 g."),
)


# --------------------------------------------------------------------------- 3. the gap to the RDA
def _gap_mistakes(cid: str) -> dict:
    v = _cheap(cid)
    out = {intakes.DAILY_VALUE_MG - v["food_total_mg"]: "that uses the Daily Value (420 mg), a label figure; "
                                                        "compare with the RDA for this person's age and sex.",
           -v["gap_to_rda_mg"]: "the sign is reversed: the gap is RDA − intake (positive when intake is below the RDA).",
           400 - v["food_total_mg"]: "that uses 400 mg, the old Daily Value; compare with the RDA for this age and sex."}
    if v["ear_mg"] is not None:
        out[v["ear_mg"] - v["food_total_mg"]] = "that is the gap to the EAR; the question asks for the RDA."
    return out


exercise(
    "09.gap", name="capstone_gap", kind="compute",
    title="How far is your case's food-log intake from the RDA (mg/day)?",
    grader=_case_value("gap_to_rda_mg", decimals=0, what="your gap to the RDA", mistakes=_gap_mistakes),
    hints=("You need two numbers: the food-log total (exercise 2) and the RDA for this age and sex.",
           "intakes.rda(age_years, sex) gives the IOM 1997 RDA; the IOM adult bands are 19–30 and "
           "≥ 31 years (not one '19–50' band). The Daily Value (420 mg) is for labels, not for a person.",
           "The gap is a difference of two mg/day numbers: which comes first so that a too-low intake gives a "
           "positive gap? (Give whole mg.)"),
)


# --------------------------------------------------------------------------- 4. plan food changes
_MAX_ITEMS, _MAX_ITEM_G, _MAX_ADDED_KCAL = 6, 400.0, 800.0


def _plan_grader(additions):
    if is_stub(additions):
        raise NotAttempted
    cid = capstone.active_case_id()
    case = capstone.get_case(cid)
    v = _cheap(cid)
    results = []
    try:
        table = capstone.food_log_table(list(additions))
    except (ValueError, TypeError) as exc:
        return [Result(False, "your additions are valid food-log entries", str(exc))]
    results.append(Result(True, "your additions are valid food-log entries"))
    n_ok = len(table) <= _MAX_ITEMS
    results.append(Result(n_ok, f"at most {_MAX_ITEMS} added foods", "" if n_ok else f"you added {len(table)}."))
    big = table[table["grams"] > _MAX_ITEM_G]
    results.append(Result(big.empty, f"no single addition above {_MAX_ITEM_G:.0f} g (a usual portion or two)",
                          "" if big.empty else "one addition is very large: " + ", ".join(big["food"].str.lower())))
    kcal = float(table["energy_kcal"].sum())
    results.append(Result(kcal <= _MAX_ADDED_KCAL, f"the additions bring at most {_MAX_ADDED_KCAL:.0f} kcal",
                          "" if kcal <= _MAX_ADDED_KCAL else "choose foods with more magnesium per kcal."))
    total = v["food_total_mg"] + float(table["magnesium_mg"].sum())
    ok = total >= v["rda_mg"] - 0.5
    results.append(Result(ok, f"the food log plus your additions reaches the RDA of case {case.case_id}",
                          "" if ok else "the total is still below the RDA: add a magnesium-dense food or a larger portion."))
    return results


_plan_grader.secrets = ()

exercise(
    "09.plan", name="capstone_plan", kind="compute",
    title="Plan food additions that bring your case up to the RDA (foods only, no supplement)",
    grader=_plan_grader,
    hints=("Start from the gap of exercise 3 and look for foods with a lot of magnesium per portion.",
           "diet.rank_foods('per_100kcal') or the ODS table (chapter 5) show magnesium-dense foods; "
           "capstone.food_log_table(additions) gives the mg of your additions. Respect the person's diet "
           "(case B is vegetarian) and keep portions usual.",
           "Build a list such as [('12016', 1, 'oz'), ('16015', 0.5, 'cup')], check its total with "
           "capstone.food_log_table(additions)['magnesium_mg'].sum(), and compare with the gap."),
)


# --------------------------------------------------------------------------- 5. elemental Mg from the label
def _elemental_mistakes(cid: str) -> dict:
    v = _cheap(cid)
    rep = capstone.supplement_report(capstone.get_case(cid))
    out = {v["salt_mg_per_day"]: "that is the mass of the salt; the UL is about elemental magnesium.",
           v["elemental_mg_per_day"] / v["units_per_day"]: "that is one tablet or capsule; the question asks per day."}
    lo, hi = rep.family_range_mg_per_unit
    out[lo * v["units_per_day"]] = "that uses the most hydrated salt of the family; the label names the exact formula."
    return out


exercise(
    "09.elemental", name="capstone_elemental", kind="compute",
    title="Elemental magnesium per day (mg) from your case's supplement label",
    grader=_case_value("elemental_mg_per_day", sig=3, what="your elemental Mg per day",
                       mistakes=_elemental_mistakes),
    hints=("Read the label: does the amount give the mass of the salt or of elemental magnesium? How many a day?",
           "Elemental Mg = salt mass × mass fraction of Mg, and the fraction comes from the formula: "
           "chemistry.elemental_fraction('Mg3(C6H5O7)2') etc. If the label already states elemental Mg, no conversion.",
           "Three factors multiply: the amount per unit, the share of it that is magnesium (1 if the label "
           "already states elemental Mg) and the number of units a day."),
)


# --------------------------------------------------------------------------- 6. explore: where does the dose stand?
_UL_OPTIONS = "ABCD"
_UL_FEEDBACK = {
    "A": "compare the elemental dose with 250 mg/day too: the EU level for readily dissociable salts.",
    "B": "check the elemental dose against both figures again: 350 mg/day (US) and 250 mg/day (EU).",
    "C": "is the *elemental* dose really above 350 mg/day? The salt mass is not what the UL counts.",
    "D": "the UL is exactly about supplements (and medicines and fortificants); it is food Mg that has no UL.",
}


def _ul_letter(cid: str) -> str:
    v = _cheap(cid)
    if v["above_us_ul"]:
        return "C"
    return "B" if v["above_eu_ul"] else "A"


def _ul_grader(answer):
    if is_stub(answer):
        raise NotAttempted
    cid = capstone.active_case_id()
    letter = _ul_letter(cid)
    fb = {k: m for k, m in _UL_FEEDBACK.items() if k != letter}
    return choice(letter, _UL_OPTIONS, feedback=fb)(answer)


_ul_grader.secrets = ()

exercise(
    "09.ul", name="capstone_ul", kind="explore",
    title="Where does your case's supplement stand against the US UL and the EU level?",
    grader=_ul_grader,
    hints=("Use your answer to exercise 5 (elemental Mg per day); the case_summary widget shows how the worked case "
           "A is placed (panel d).",
           "US UL for supplemental Mg: 350 mg/day from age 9 (IOM 1997). EU (SCF/EFSA): 250 mg/day for readily "
           "dissociable salts. Both count elemental Mg from supplements, not food.",
           "Place your elemental dose on a line with the two marks 250 and 350 mg/day; the options name the three "
           "regions (and one misreading of what the UL covers)."),
)


# --------------------------------------------------------------------------- 7. explore: the cycle model
_POOL_LETTERS = {"replete": "A", "mildly depleted": "B", "clearly depleted": "C", "collapsed": "D"}


def _model_letter(cid: str) -> str:
    pool = capstone.run_scenario("current food log", _cheap(cid)["food_total_mg"]).mg_pool
    cat = capstone.pool_category(pool)
    return next(letter for word, letter in _POOL_LETTERS.items() if cat.startswith(word))


def _model_grader(answer):
    if is_stub(answer):
        raise NotAttempted
    cid = capstone.active_case_id()
    letter = _model_letter(cid)
    fb = {k: ("set the intake slider to your case's food-log intake (the red line is it) and read M after "
              "10 years in the text under the widget.") for k in "ABCD" if k != letter}
    return choice(letter, "ABCD", feedback=fb)(answer)


_model_grader.secrets = ()

exercise(
    "09.model", name="capstone_model", kind="explore",
    title="In the toy cycle model, what happens to the Mg pool at your case's food-log intake?",
    grader=_model_grader,
    hints=("Open the 09.intake_scenario widget and choose your case; the 'food log' line is your case's intake.",
           "The model starts from the healthy replete state (M = 1) and runs 10 years; M is the normalised "
           "intracellular Mg pool. The categories are M ≥ 0.95, 0.80–0.95, 0.50–0.80 and < 0.50.",
           "Run the scenario at your case's food-log intake, read the pool after 10 years, and place it in one of "
           "the four bands."),
)


# --------------------------------------------------------------------------- 8. explain: the evidence-graded summary
exercise(
    "09.summary", name="capstone_summary", kind="explain",
    title="Write the evidence-graded summary for your case",
    grader=explanation({
        "claim grades": ("established", "likely", "hypothesis", "toy-model", "toy model"),
        "association is not causation": ("association", "associated", "observational", "causal", "causation",
                                         "cohort"),
        "the upper limit and safety": ("upper limit", " ul", "350", "kidney"),
        "what the model cannot tell": ("model cannot", "cannot tell", "toy", "illustrative", "assumption"),
        "citations": ("[", "iom", "larsson", "simental", "gommers", "et al", "1997", "2016"),
    }, min_words=80, need=5),
    model_answer="(A skeleton, without your case's numbers.) Case X (fictional), age, sex and diet. Fasting glucose "
                 "… mmol/L is in the ADA normal range (established, one reading) [7]; HOMA-IR … and QUICKI … compared "
                 "with published healthy values (established surrogate indices, not a clamp) [4, 5, 6]. Serum Mg … "
                 "mmol/L within or below the IOM range, which does not prove that stores are full (established) [1]. "
                 "One day of food gave … mg, compared with the EAR and RDA (established reference values; one day is "
                 "a poor estimate of usual intake) [1, 3]. A food change that reaches the RDA; food magnesium has no "
                 "upper limit [1]. The supplement gives … mg of elemental magnesium a day, compared with the US UL of "
                 "350 mg/day and the EU level of 250 mg/day; people with kidney disease must not take supplements "
                 "without medical advice (established) [1]. In cohorts higher intake is associated with lower type 2 "
                 "diabetes risk, an association and not proof of cause (likely) [15, 16, 17]; trials lowered HOMA-IR "
                 "mainly in people with low serum magnesium (likely) [18, 19]. A vicious circle between low magnesium "
                 "and insulin resistance is a hypothesis [11]. The chapter 4 model result is a toy-model assumption "
                 "that cannot predict this person's future [14]. Not medical advice.",
    rubric=("Every finding carries one of the four grades (established, likely, hypothesis, toy-model assumption).",
            "Cohort results are called associations, not causes.",
            "The supplement is compared with the UL (350 mg/day US) and the kidney caveat is stated.",
            "Says what the toy model cannot tell.",
            "Cites a source for each finding."),
    hints=("Go through your steps 1–8 and write one sentence per finding, each with a grade and a citation.",
           "Use the four grades of the course: established (measured or a reference value), likely (consistent "
           "evidence, e.g. meta-analyses), hypothesis (a mechanism not yet shown in people), toy-model assumption "
           "(what the chapter 4 model says). Cohort RRs are associations; say so.",
           "A skeleton: indices (established [n]); intake vs EAR/RDA (established [n]); the plan (food Mg has no UL); "
           "the supplement vs the 350 mg/day UL and the kidney caveat; cohort RR (likely, an association); trial "
           "HOMA-IR effect (likely); vicious circle (hypothesis); model result (toy-model assumption) and its limits."),
)
