"""Chapter 9, the capstone: three fictional cases worked end to end.

A learner takes one person from a lab report and a one-day food log to a short,
evidence-graded summary, using the library of the earlier chapters:

=====  ====================================================  ==========================================
step   what                                                  built on
=====  ====================================================  ==========================================
1      lab values in mixed units → canonical units           :mod:`mgcourse.units` (chapter 0)
2      HOMA-IR, QUICKI, ADA fasting category, typical values :mod:`mgcourse.indices` (chapter 2)
3      serum Mg against the IOM range and the 0.70 cut-off   :mod:`mgcourse.units` (chapter 3)
4      dietary Mg from a food log (NDB + grams or measures)  :mod:`mgcourse.diet`, USDA SR28 (chapter 5)
5      intake against EAR, RDA (IOM) and EFSA AI             :mod:`mgcourse.intakes`
6      food changes that reach the RDA (swaps + optimiser)   :func:`mgcourse.diet.optimise_diet` (ch. 5)
7      the supplement on the label → elemental Mg → UL       :mod:`mgcourse.supplements`,
                                                             :mod:`mgcourse.models.absorption` (ch. 6)
8      intake scenarios in the vicious-cycle model           :mod:`mgcourse.models.cycle` (chapter 4)
9      an evidence-graded summary with citations             :mod:`mgcourse.evidence` (chapter 7)
=====  ====================================================  ==========================================

The cases (:data:`CASES`) are **fictional**: no real person is described. Their
values were chosen to be plausible and consistent with the ranges in the course
fact sheet (ADA fasting categories, the IOM serum range, the Yokoyama 2003 QUICKI
values, the Kurstjens 2017 cohort in which metformin and PPI use went with lower
serum Mg). Nothing here is medical advice or a dose recommendation: every place a
dose appears also states the US UL for supplemental Mg (350 mg/day from age 9),
that food Mg has no UL, and that people with kidney disease must not take Mg
supplements without medical advice.

Exercise checks of chapter 9 read the case chosen with :func:`select_case`, so one
exercise notebook serves all three variants.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import data, diet, evidence, intakes, supplements
from ._validate import ArgumentTypeError, as_str, choice, in_range, instance_of
from .indices import QUICKI_TYPICAL, fasting_glucose_category, homa_ir, quicki
from .models import absorption, cycle
from .style import OKABE_ITO, ROLE_COLORS, new_figure
from .units import convert
from .widgets import Dropdown, Slider, View, register

# =========================================================================== references
#: The chapter's numbered references (only sources named in the course fact sheet).
REFERENCES = {
    "IOM1997": "Institute of Medicine (US) Standing Committee on the Scientific Evaluation of Dietary Reference "
               "Intakes. *Dietary Reference Intakes for Calcium, Phosphorus, Magnesium, Vitamin D, and Fluoride.* "
               "Washington (DC): National Academies Press; 1997. Chapter 6, Magnesium. doi:10.17226/5776",
    "EFSA2015": "EFSA Panel on Dietetic Products, Nutrition and Allergies (NDA). Scientific opinion on dietary "
                "reference values for magnesium. *EFSA Journal.* 2015;13(7):4186.",
    "SR28": "U.S. Department of Agriculture, Agricultural Research Service, Nutrient Data Laboratory. USDA National "
            "Nutrient Database for Standard Reference, Release 28 (2015, revised 2016).",
    "Matthews1985": "Matthews DR, Hosker JP, Rudenski AS, Naylor BA, Treacher DF, Turner RC. Homeostasis model "
                    "assessment: insulin resistance and β-cell function from fasting plasma glucose and insulin "
                    "concentrations in man. *Diabetologia.* 1985;28:412–419.",
    "Katz2000": "Katz A, et al. Quantitative insulin sensitivity check index: a simple, accurate method for "
                "assessing insulin sensitivity in humans. *J Clin Endocrinol Metab.* 2000;85:2402. PMID 10902785",
    "Yokoyama2003": "Yokoyama H, et al. *Diabetes Care.* 2003;26:2426. (QUICKI in healthy people and in normal-weight "
                    "and moderately obese people with type 2 diabetes.)",
    "ADA": "American Diabetes Association fasting glucose categories (normal < 5.6 mmol/L, IFG 5.6–6.9 mmol/L, "
           "diabetes ≥ 7.0 mmol/L), as summarised in: serum magnesium in prediabetes, a meta-analysis of 10 studies "
           "(PMC8695575).",
    "Wang2013": "Wang J, et al. *Nutrients.* 2013;5:3910. (Magnesium intake and HOMA-IR in 234 people with the "
                "metabolic syndrome in a diet trial.)",
    "Kurstjens2017": "Kurstjens S, et al. *Eur J Endocrinol.* 2017;176:11. (Determinants of hypomagnesaemia in a "
                     "hospital cohort of 395 people with type 2 diabetes.)",
    "Waanders2019": "Waanders F, et al. *Endocrine.* 2019;67:80. (Hypomagnesaemia in a primary-care cohort of 929 "
                    "people with type 2 diabetes.)",
    "Gommers2016": "Gommers LMM, Hoenderop JGJ, Bindels RJM, de Baaij JHF. Hypomagnesemia in type 2 diabetes: "
                   "a vicious circle? *Diabetes.* 2016;65:3–13.",
    "Fine1991": "Fine KD, Santa Ana CA, Porter JL, Fordtran JS. Intestinal absorption of magnesium from food and "
                "supplements. *J Clin Invest.* 1991;88:396–402. PMID 1864954",
    "Firoz2001": "Firoz M, Graber M. *Magnes Res.* 2001;14:257–262. (Absorption of four US commercial magnesium "
                 "preparations from the urinary increment.)",
    "Topp2000": "Topp B, Promislow K, deVries G, Miura RM, Finegood DT. A model of β-cell mass, insulin, and "
                "glucose kinetics: pathways to diabetes. *J Theor Biol.* 2000;206:605–619.",
    "Larsson2007": "Larsson SC, Wolk A. Magnesium intake and risk of type 2 diabetes: a meta-analysis. "
                   "*J Intern Med.* 2007;262:208–214.",
    "Dong2011": "Dong JY, Xun P, He K, Qin LQ. Magnesium intake and risk of type 2 diabetes: meta-analysis of "
                "prospective cohort studies. *Diabetes Care.* 2011;34:2116–2122.",
    "Fang2016": "Fang X, et al. Dietary magnesium intake and the risk of cardiovascular disease, type 2 diabetes, "
                "and all-cause mortality: a dose–response meta-analysis of prospective cohort studies. "
                "*BMC Med.* 2016;14:210.",
    "Simental2016": "Simental-Mendía LE, Sahebkar A, Rodríguez-Morán M, Guerrero-Romero F. A systematic review and "
                    "meta-analysis of randomized controlled trials on the effects of magnesium supplementation on "
                    "insulin sensitivity and glucose control. *Pharmacol Res.* 2016;111:272–282.",
    "Morais2017": "Morais JBS, et al. Effect of magnesium supplementation on insulin resistance in humans: "
                  "a systematic review. *Nutrition.* 2017;38:54–60.",
    "Lima2014": "Lima de Souza e Silva ML, et al. *J Clin Med Res.* 2014;6:456. (Randomised trial of 400 mg/day "
                "magnesium vs placebo for 12 weeks in 72 women with the metabolic syndrome.)",
    "Shechter2012": "Shechter M, et al. *Magnes Res.* 2012;25:28–39. (Crossover trial in 41 healthy adults: magnesium "
                    "oxide vs citrate, intracellular magnesium.)",
}
#: Reference numbers as printed in notebook 09 (the order of :data:`REFERENCES`).
REF_NUMBER = {key: k for k, key in enumerate(REFERENCES, 1)}


def cite(*keys: str) -> str:
    """``[n, m]`` for reference keys of :data:`REFERENCES`."""
    for key in keys:
        choice("reference key", key, tuple(REFERENCES))
    return "[" + ", ".join(str(REF_NUMBER[k]) for k in keys) + "]"


def references_markdown() -> str:
    """The numbered reference list of the chapter, as Markdown."""
    return "\n".join(f"{n}. {text}" for n, text in zip(REF_NUMBER.values(), REFERENCES.values()))


# =========================================================================== sourced constants
#: IOM 1997 serum reference range, mmol/L.
SERUM_RANGE_MMOL_L = (0.75, 0.95)
#: Hypomagnesaemia cut-off used in diabetes studies, mmol/L (Gommers 2016; Kurstjens 2017).
HYPOMAGNESAEMIA_MMOL_L = 0.70
#: HOMA-IR thresholds used by studies in the course (no universal cut-off exists):
#: ≥ 3 was the inclusion criterion of the Guerrero-Romero 2004 trial; > 3.6 was "high HOMA-IR" in Wang 2013.
HOMA_IR_STUDY_THRESHOLDS = ((3.0, "the inclusion criterion (≥ 3) of a Durango supplementation trial"),
                            (3.6, "'high HOMA-IR' (> 3.6) in Wang et al. 2013"))
#: US UL for supplemental magnesium from age 9, mg/day (IOM 1997); the function below looks it up by age.
UL_FROM_9Y_MG = 350.0
#: What every dose statement in this chapter carries (course design §10).
SAFETY_NOTE = supplements.SAFETY_NOTE
#: The grades this chapter's evidence summary uses: part of the course's one scale (``mgcourse.data.VERDICTS``,
#: defined in data/README.md); each statement carries the grade of its row in ``data/claims.csv``.
GRADES = ("established", "likely", "uncertain", "toy-model assumption")
#: How long the cycle-model scenarios run, days (10 years: the slow Mg pool, time constant ≈ 3 months, settles).
SCENARIO_DAYS = 3652.5


# =========================================================================== the case records
@dataclass(frozen=True)
class FoodLogEntry:
    """One line of a food log: an SR28 NDB number, an amount and its unit (``g``, ``oz`` or an SR28 household measure)."""

    ndb_no: str
    amount: float
    unit: str
    meal: str = ""


@dataclass(frozen=True)
class SupplementLabel:
    """A supplement as its label states it.

    ``form_id`` names the salt in ``data/supplement_forms.csv`` that matches the formula printed on the
    label; ``basis`` says whether ``amount_mg`` is the mass of the salt or of elemental Mg.
    """

    label_text: str
    form_id: str
    amount_mg: float
    basis: str  # "salt" or "elemental"
    units_per_day: int
    portions_per_day: int

    def __post_init__(self):
        # form_id is looked up in data/supplement_forms.csv when the label is used (supplements.form raises
        # ValueError for an unknown id), not here: the module's cases are built at import, which reads no data.
        if not isinstance(self.form_id, str) or not self.form_id.strip():
            raise ValueError(f"form_id must be a non-empty string naming a form in data/supplement_forms.csv "
                             f"(got {self.form_id!r})")
        choice("basis", self.basis, supplements.LABEL_BASES)
        in_range("amount_mg", self.amount_mg, 0, 5000, low_inclusive=False, unit="mg")
        in_range("units_per_day", self.units_per_day, 1, 10)
        in_range("portions_per_day", self.portions_per_day, 1, self.units_per_day)


@dataclass(frozen=True)
class Case:
    """A fictional person for the capstone. Lab values keep the units the (fictional) report used."""

    case_id: str
    title: str
    age_years: float
    sex: str
    pregnant: bool
    story: str
    diet: str
    conditions: tuple
    medications: tuple
    glucose: tuple  # (value, unit): fasting plasma glucose
    insulin: tuple  # (value, unit): fasting insulin
    serum_mg: tuple  # (value, unit): serum magnesium
    food_log: tuple  # of FoodLogEntry
    swaps: tuple  # ((from NDB, to NDB), ...): by-hand swaps at the same weight
    exclude_from_plan: tuple  # NDB numbers of everyday foods this person does not eat
    supplement: SupplementLabel | None
    kidney_function: str = "not reported in this case"

    def __post_init__(self):
        in_range("age_years", self.age_years, 18, 100, unit="years")
        choice("sex", self.sex, ("male", "female"))
        g = convert(self.glucose[0], self.glucose[1], "mg/dL", substance="glucose")
        in_range(f"case {self.case_id} fasting glucose", g, 50, 400, unit="mg/dL")
        i = convert(self.insulin[0], self.insulin[1], "µU/mL", substance="insulin")
        in_range(f"case {self.case_id} fasting insulin", i, 1, 100, unit="µU/mL")
        m = convert(self.serum_mg[0], self.serum_mg[1], "mmol/L", substance="magnesium")
        in_range(f"case {self.case_id} serum Mg", m, 0.3, 2.0, unit="mmol/L")
        if not self.food_log:
            raise ValueError(f"case {self.case_id}: the food log is empty")

    @property
    def fictional_label(self) -> str:
        return f"Case {self.case_id} (fictional): {self.title}"


# --------------------------------------------------------------------------- the three cases
_E = FoodLogEntry

CASES: dict[str, Case] = {
    "A": Case(
        case_id="A",
        title="a 45-year-old man with a refined diet, raised fasting insulin and a citrate supplement",
        age_years=45, sex="male", pregnant=False,
        story=("Mr A (fictional) is 45, works long office hours and eats mostly refined and fast food. A workplace "
               "health check measured fasting glucose and insulin; he read online that magnesium helps insulin "
               "resistance and now takes one '500 mg magnesium citrate' tablet twice a day. His report gives glucose "
               "in mg/dL, insulin in pmol/L and serum magnesium in mg/dL."),
        diet="omnivore, mostly refined grains and fast food",
        conditions=("no diagnosed disease",), medications=(),
        glucose=(110.0, "mg/dL"), insulin=(108.0, "pmol/L"), serum_mg=(1.9, "mg/dL"),
        food_log=(
            _E("18069", 2, "slice", "breakfast"),       # white bread
            _E("04610", 1, "tbsp", "breakfast"),        # margarine
            _E("14209", 12, "fl oz", "breakfast"),      # coffee, brewed
            _E("01079", 0.5, "cup", "breakfast"),       # milk, 2 %, in the coffee
            _E("09206", 1, "cup", "breakfast"),         # orange juice
            _E("21107", 1, "sandwich", "lunch"),        # fast-food hamburger
            _E("19411", 1, "oz", "lunch"),              # potato chips
            _E("14148", 1, "can", "lunch"),             # cola
            _E("18250", 1, "doughnut", "snack"),        # glazed doughnut
            _E("20045", 1.5, "cup", "dinner"),          # white rice, cooked
            _E("05064", 1, "cup", "dinner"),            # chicken breast, roasted
            _E("11252", 1, "cup, shredded", "dinner"),  # iceberg lettuce
            _E("21272", 1, "slice", "late snack"),      # cheese pizza, pan crust
        ),
        swaps=(("18069", "18075"), ("20045", "20037")),  # white → whole-wheat bread; white → brown rice
        exclude_from_plan=(),
        supplement=SupplementLabel(
            label_text=("'Magnesium citrate 500 mg' per tablet; ingredient list: trimagnesium dicitrate, anhydrous, "
                        "Mg3(C6H5O7)2. He takes 1 tablet twice a day."),
            form_id="trimagnesium_dicitrate_anhydrous", amount_mg=500.0, basis="salt",
            units_per_day=2, portions_per_day=2),
    ),
    "B": Case(
        case_id="B",
        title="a 34-year-old vegetarian woman with normal indices and a bisglycinate supplement",
        age_years=34, sex="female", pregnant=False,
        story=("Ms B (fictional) is 34, vegetarian for ten years, active, and plans a pregnancy next year. Her "
               "fasting values were measured in a screening study; her report uses mmol/L for glucose and serum "
               "magnesium and pmol/L for insulin. She takes one capsule a day of a bisglycinate product whose label "
               "states the elemental magnesium."),
        diet="lacto-vegetarian (no meat or fish), mixed whole and refined grains",
        conditions=("no diagnosed disease", "not pregnant"), medications=(),
        glucose=(4.8, "mmol/L"), insulin=(33.0, "pmol/L"), serum_mg=(0.85, "mmol/L"),
        food_log=(
            _E("08121", 1, "cup", "breakfast"),            # oatmeal, cooked in water
            _E("01079", 0.5, "cup", "breakfast"),          # milk, 2 %
            _E("09040", 0.5, "cup, sliced", "breakfast"),  # banana
            _E("14355", 12, "fl oz", "breakfast"),         # black tea
            _E("18069", 2, "slice", "lunch"),              # white bread
            _E("04610", 1, "tbsp", "lunch"),               # margarine
            _E("01009", 2, "oz", "lunch"),                 # cheddar
            _E("11529", 1, "cup, chopped or sliced", "lunch"),  # tomatoes
            _E("16158", 2, "tbsp", "lunch"),               # hummus
            _E("01117", 1, "container, (6 oz)", "snack"),  # yogurt, plain, low fat
            _E("09003", 1, "cup, quartered or chopped", "snack"),  # apple
            _E("19297", 1, "tbsp", "snack"),               # jam
            _E("20121", 1.5, "cup, spaghetti not packed", "dinner"),  # pasta, enriched
            _E("06931", 1, "serving", "dinner"),           # marinara sauce
            _E("04053", 14, "g", "dinner"),                # olive oil
        ),
        swaps=(("18069", "18075"),),  # white → whole-wheat bread
        exclude_from_plan=("15237", "15037", "05064"),  # salmon, halibut, chicken
        supplement=SupplementLabel(
            label_text="'Magnesium 100 mg (as magnesium bisglycinate)' per capsule; she takes 1 capsule a day.",
            form_id="bisglycinate", amount_mg=100.0, basis="elemental", units_per_day=1, portions_per_day=1),
    ),
    "C": Case(
        case_id="C",
        title="a 62-year-old woman with type 2 diabetes on metformin and a PPI, serum Mg 0.68 mmol/L",
        age_years=62, sex="female", pregnant=False,
        story=("Mrs C (fictional) is 62 and has had type 2 diabetes for eight years. She takes metformin and, for "
               "reflux, a proton-pump inhibitor (PPI). Her clinic report gives glucose in mmol/L, insulin in mU/L and "
               "serum magnesium in mmol/L: 0.68. A friend gave her a bottle of '500 mg magnesium oxide' tablets "
               "and she takes one a day. Her kidney function is not on the report."),
        diet="omnivore, tries to eat 'healthily', small portions",
        conditions=("type 2 diabetes (8 years)", "gastro-oesophageal reflux"),
        medications=("metformin", "proton-pump inhibitor (PPI)"),
        glucose=(8.2, "mmol/L"), insulin=(14.0, "mU/L"), serum_mg=(0.68, "mmol/L"),
        food_log=(
            _E("18075", 2, "slice", "breakfast"),        # whole-wheat bread
            _E("04610", 1, "tbsp", "breakfast"),         # margarine
            _E("01079", 1, "cup", "breakfast"),          # milk, 2 %
            _E("14209", 12, "fl oz", "breakfast"),       # coffee
            _E("11252", 1, "cup, shredded", "lunch"),    # iceberg lettuce
            _E("11529", 0.5, "cup, chopped or sliced", "lunch"),  # tomatoes
            _E("01009", 1, "oz", "lunch"),               # cheddar
            _E("18075", 1, "slice", "lunch"),            # whole-wheat bread
            _E("09003", 1, "cup, quartered or chopped", "snack"),  # apple
            _E("15237", 3, "oz", "dinner"),              # salmon, farmed, cooked
            _E("20045", 1, "cup", "dinner"),             # white rice, cooked
            _E("11091", 0.5, "cup, chopped", "dinner"),  # broccoli, boiled
        ),
        swaps=(("11252", "11457"), ("20045", "20037")),  # iceberg → raw spinach; white → brown rice
        exclude_from_plan=(),
        supplement=SupplementLabel(
            label_text="'Magnesium oxide 500 mg' per tablet (MgO); she takes 1 tablet a day.",
            form_id="oxide", amount_mg=500.0, basis="salt", units_per_day=1, portions_per_day=1),
    ),
}
CASE_IDS = tuple(CASES)

_ACTIVE = {"case_id": "A"}
#: The case the chapter works through in full; the other cases are exercise cases whose results the widgets hide.
WORKED_CASE = "A"


def _check_case(case) -> None:
    instance_of("case", case, Case, what="capstone.Case (from capstone.get_case)")


def _check_entries(entries) -> None:
    if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
        raise ArgumentTypeError(f"entries must be a list of FoodLogEntry or (ndb_no, amount, unit) entries, "
                                f"got {type(entries).__name__}")


def get_case(case_id: str) -> Case:
    """The case record for ``case_id`` ("A", "B" or "C")."""
    if not isinstance(case_id, str) or case_id.strip().upper() not in CASES:
        raise ValueError(f"case_id must be one of {', '.join(map(repr, CASE_IDS))}, got {case_id!r}")
    return CASES[case_id.strip().upper()]


def select_case(case_id: str) -> Case:
    """Choose the case you work on; the chapter 9 exercise checks then grade against it."""
    case = get_case(case_id)
    _ACTIVE["case_id"] = case.case_id
    return case


def active_case_id() -> str:
    """The case chosen with :func:`select_case` (default "A")."""
    return _ACTIVE["case_id"]


def cases_table() -> pd.DataFrame:
    """One row per case: who, lab values as reported (with units), diet, drugs, supplement label."""
    rows = []
    for c in CASES.values():
        rows.append({"case": c.case_id, "age (years)": c.age_years, "sex": c.sex, "diet": c.diet,
                     "fasting glucose": f"{c.glucose[0]:g} {c.glucose[1]}",
                     "fasting insulin": f"{c.insulin[0]:g} {c.insulin[1]}",
                     "serum Mg": f"{c.serum_mg[0]:g} {c.serum_mg[1]}",
                     "conditions": "; ".join(c.conditions), "medications": "; ".join(c.medications) or "none",
                     "supplement label": c.supplement.label_text if c.supplement else "none"})
    return pd.DataFrame(rows).set_index("case")


# =========================================================================== step 1–3: labs and indices
@dataclass(frozen=True)
class LabValues:
    """Fasting glucose, insulin and serum Mg in the units the formulas need."""

    glucose_mg_dl: float
    glucose_mmol_l: float
    insulin_uU_ml: float
    insulin_pmol_l: float
    serum_mg_mmol_l: float
    serum_mg_mg_dl: float


def lab_values(case: Case) -> LabValues:
    """Convert the case's lab report (mixed units) with :func:`mgcourse.units.convert`."""
    _check_case(case)
    gv, gu = case.glucose
    iv, iu = case.insulin
    mv, mu = case.serum_mg
    return LabValues(
        glucose_mg_dl=float(convert(gv, gu, "mg/dL", substance="glucose")),
        glucose_mmol_l=float(convert(gv, gu, "mmol/L", substance="glucose")),
        insulin_uU_ml=float(convert(iv, iu, "µU/mL", substance="insulin")),
        insulin_pmol_l=float(convert(iv, iu, "pmol/L", substance="insulin")),
        serum_mg_mmol_l=float(convert(mv, mu, "mmol/L", substance="magnesium")),
        serum_mg_mg_dl=float(convert(mv, mu, "mg/dL", substance="magnesium")),
    )


@dataclass(frozen=True)
class IndexReport:
    """HOMA-IR, QUICKI and how to read them."""

    homa_ir: float
    quicki: float
    glucose_category: str
    quicki_z_vs_healthy: float
    quicki_nearest_group: str
    homa_reading: str
    quicki_reading: str


def indices_report(case: Case) -> IndexReport:
    """HOMA-IR (Matthews 1985) and QUICKI (Katz 2000) from the case's fasting values, with interpretations.

    QUICKI is compared with the means ± SD of Yokoyama et al. 2003 (healthy 0.389 ± 0.041); HOMA-IR with
    the thresholds studies in the course used (≥ 3, > 3.6), because no universal cut-off exists.
    """
    _check_case(case)
    lab = lab_values(case)
    h = float(homa_ir(lab.glucose_mmol_l, lab.insulin_uU_ml))
    q = float(quicki(lab.glucose_mg_dl, lab.insulin_uU_ml))
    mean, sd = QUICKI_TYPICAL["healthy"]
    z = (q - mean) / sd
    nearest = min(QUICKI_TYPICAL, key=lambda k: abs(QUICKI_TYPICAL[k][0] - q))
    above = [label for cut, label in HOMA_IR_STUDY_THRESHOLDS if h >= cut]
    if above:
        homa_reading = (f"HOMA-IR {h:.2f} is at or above " + " and ".join(above)
                        + "; there is no universal cut-off, so read it as 'in the range studies call insulin resistant'.")
    else:
        homa_reading = (f"HOMA-IR {h:.2f} is below the thresholds studies in this course used (≥ 3, > 3.6); "
                        "there is no universal cut-off.")
    quicki_reading = (f"QUICKI {q:.3f} is {abs(z):.1f} SD {'below' if z < 0 else 'above'} the healthy mean of "
                      f"{mean:.3f} ± {sd:.3f} (Yokoyama 2003); the nearest published group mean is '{nearest}' "
                      f"({QUICKI_TYPICAL[nearest][0]:.3f}). Calculator sites that call only QUICKI > 0.45 normal are "
                      "wrong: healthy people average about 0.39.")
    return IndexReport(h, q, fasting_glucose_category(lab.glucose_mg_dl), z, nearest, homa_reading, quicki_reading)


def serum_mg_category(serum_mg_mmol_l: float) -> str:
    """Where a serum Mg value (mmol/L) stands: IOM range 0.75–0.95 mmol/L; < 0.70 = hypomagnesaemia (diabetes studies)."""
    m = in_range("serum_mg_mmol_l", serum_mg_mmol_l, 0, 5, low_inclusive=False, unit="mmol/L")
    lo, hi = SERUM_RANGE_MMOL_L
    if m < HYPOMAGNESAEMIA_MMOL_L:
        return f"hypomagnesaemia (< {HYPOMAGNESAEMIA_MMOL_L:.2f} mmol/L, the cut-off used in diabetes studies)"
    if m < lo:
        return f"below the IOM reference range ({lo:.2f}–{hi:.2f} mmol/L) but not below {HYPOMAGNESAEMIA_MMOL_L:.2f}"
    if m <= hi:
        return f"within the IOM reference range ({lo:.2f}–{hi:.2f} mmol/L)"
    return f"above the IOM reference range ({lo:.2f}–{hi:.2f} mmol/L)"


# =========================================================================== step 4: the food log
FOOD_LOG_COLUMNS = ["meal", "ndb_no", "food", "amount", "unit", "grams", "magnesium_mg_per_100g", "magnesium_mg",
                    "energy_kcal"]


def _entry(k: int, item) -> FoodLogEntry:
    if isinstance(item, FoodLogEntry):
        return item
    if isinstance(item, (tuple, list)) and len(item) in (3, 4):
        return FoodLogEntry(*item)
    raise ValueError(f"entries: food-log entry {k} must be a FoodLogEntry or a tuple (ndb_no, amount, unit[, meal]), "
                     f"got {item!r}")


def food_log_table(entries) -> pd.DataFrame:
    """One row per food-log entry with grams and magnesium, from USDA SR28 per-100 g values.

    Magnesium (mg) = grams × magnesium_mg_per_100g / 100 (via :func:`mgcourse.diet.meal_totals`;
    household measures become grams with :func:`mgcourse.diet.grams_for`). Raises ValueError naming
    the entry for an empty log, an unknown NDB number, an unknown unit, an amount ≤ 0, or a food
    without a magnesium value in SR28.
    """
    _check_entries(entries)
    if isinstance(entries, (str, bytes)) or not hasattr(entries, "__iter__"):
        raise ValueError(f"entries must be a list of (ndb_no, amount, unit) entries, got {entries!r}")
    items = [_entry(k, it) for k, it in enumerate(entries, 1)]
    if not items:
        raise ValueError("the food log is empty: give at least one (ndb_no, amount, unit) entry")
    rows = []
    for k, it in enumerate(items, 1):
        try:
            food = data.food_by_ndb(it.ndb_no)
            diet.grams_for(food["ndb_no"], it.amount, it.unit)  # checks the unit for this food, with context
        except ValueError as exc:
            raise ValueError(f"food-log entry {k} ({it.ndb_no!r}, {it.amount!r}, {it.unit!r}): {exc}") from None
        per100 = food["magnesium_mg_per_100g"]
        if pd.isna(per100):
            raise ValueError(f"food-log entry {k}: food {food['ndb_no']} ({food['description']}) has no magnesium "
                             "value in SR28; choose a similar food that has one")
        totals = diet.meal_totals([diet.MealItem(food["ndb_no"], float(it.amount), it.unit)]).iloc[0]
        rows.append({"meal": it.meal, "ndb_no": food["ndb_no"], "food": food["description"],
                     "amount": float(it.amount), "unit": it.unit, "grams": float(totals["grams"]),
                     "magnesium_mg_per_100g": float(per100), "magnesium_mg": float(totals["magnesium_mg"]),
                     "energy_kcal": float(totals["energy_kcal"])})
    return pd.DataFrame(rows, columns=FOOD_LOG_COLUMNS)


def food_log_total_mg(entries) -> float:
    """Total dietary magnesium (mg) of a food log (see :func:`food_log_table`)."""
    _check_entries(entries)
    return float(food_log_table(entries)["magnesium_mg"].sum())


# =========================================================================== step 5: reference intakes
@dataclass(frozen=True)
class IntakeComparison:
    total_mg: float
    ear_mg: float | None
    rda_mg: float
    efsa_ai_mg: float | None
    daily_value_mg: float
    percent_rda: float
    gap_to_rda_mg: float  # RDA − intake (negative if above)
    verdict: str


def intake_comparison(case: Case, total_mg: float) -> IntakeComparison:
    """Compare a daily intake (mg) with the case's EAR and RDA (IOM 1997) and the EFSA AI (2015)."""
    _check_case(case)
    total = in_range("total_mg", total_mg, 0, 10_000, unit="mg/day")
    r = intakes.rda(case.age_years, case.sex, pregnant=case.pregnant)
    e = intakes.ear(case.age_years, case.sex)
    a = intakes.efsa_ai(case.age_years, case.sex, pregnant=case.pregnant)
    if e is not None and total < e:
        verdict = (f"below the EAR ({e:.0f} mg/day): if this were the usual intake, it would be below the intake "
                   "that meets the needs of half of healthy people of this age and sex")
    elif total < r:
        verdict = f"between the EAR and the RDA ({r:.0f} mg/day)"
    else:
        verdict = f"at or above the RDA ({r:.0f} mg/day)"
    return IntakeComparison(total, e, r, a, float(intakes.DAILY_VALUE_MG), 100 * total / r, r - total, verdict)


# =========================================================================== step 6: planning food changes
@dataclass
class FoodPlan:
    """By-hand swaps, then the least-energy additions (chapter 5 optimiser) that close the gap to the RDA."""

    swapped_log: tuple
    swapped_total_mg: float
    swap_table: pd.DataFrame
    additions: pd.DataFrame
    optimiser_message: str
    planned_total_mg: float
    rda_mg: float
    added_energy_kcal: float

    @property
    def meets_rda(self) -> bool:
        return self.planned_total_mg >= self.rda_mg - 0.5


def apply_swaps(entries, swaps) -> tuple:
    """Replace foods at the same weight: each (from NDB, to NDB) swap turns the entry into grams of the new food."""
    _check_entries(entries)
    items = [_entry(k, it) for k, it in enumerate(entries, 1)]
    mapping = {}
    for s in swaps:
        if not (isinstance(s, (tuple, list)) and len(s) == 2):
            raise ValueError(f"each swap must be a pair (from NDB, to NDB), got {s!r}")
        mapping[data.food_by_ndb(s[0])["ndb_no"]] = data.food_by_ndb(s[1])["ndb_no"]
    out = []
    for it in items:
        key = data.food_by_ndb(it.ndb_no)["ndb_no"]
        if key in mapping:
            grams = diet.grams_for(key, it.amount, it.unit)
            out.append(FoodLogEntry(mapping[key], round(grams, 2), "g", it.meal))
        else:
            out.append(it)
    return tuple(out)


def plan_foods(case: Case) -> tuple:
    """The everyday foods (NDB, cap g, measure) of chapter 5 that this person eats."""
    _check_case(case)
    excluded = {data.food_by_ndb(n)["ndb_no"] for n in case.exclude_from_plan}
    return tuple(f for f in diet.EVERYDAY_FOODS if f[0] not in excluded)


def food_plan(case: Case) -> FoodPlan:
    """Swaps by hand (same weight), then :func:`mgcourse.diet.optimise_diet` for the remaining gap to the RDA.

    The optimiser picks the least-energy amounts of the person's everyday foods, each capped at about one
    usual portion (chapter 5's illustrative caps). Food magnesium has no UL.
    """
    _check_case(case)
    before = food_log_table(case.food_log)
    swapped = apply_swaps(case.food_log, case.swaps)
    after = food_log_table(swapped)
    rows = []
    for (_, b), (_, a) in zip(before.iterrows(), after.iterrows()):
        if b["ndb_no"] != a["ndb_no"]:
            rows.append({"from": b["food"], "to": a["food"], "grams": a["grams"], "Mg before (mg)": b["magnesium_mg"],
                         "Mg after (mg)": a["magnesium_mg"], "change (mg)": a["magnesium_mg"] - b["magnesium_mg"]})
    swap_table = pd.DataFrame(rows, columns=["from", "to", "grams", "Mg before (mg)", "Mg after (mg)", "change (mg)"])
    swapped_total = float(after["magnesium_mg"].sum())
    rda = intakes.rda(case.age_years, case.sex, pregnant=case.pregnant)
    gap = rda - swapped_total
    if gap <= 0.5:
        additions = pd.DataFrame(columns=["ndb_no", "food", "grams", "cap_measure", "magnesium_mg", "energy_kcal"])
        msg = f"The swaps alone reach the RDA ({swapped_total:.0f} ≥ {rda:.0f} mg/day): nothing to add."
        added_mg = added_kcal = 0.0
    else:
        res = diet.optimise_diet(gap, foods=plan_foods(case), objective="energy")
        if not res.success:
            raise ValueError(f"case {case.case_id}: no plan reaches the RDA: {res.message}")
        additions = res.plan[["ndb_no", "food", "grams", "cap_measure", "magnesium_mg", "energy_kcal"]].copy()
        msg = res.message
        added_mg, added_kcal = res.totals["magnesium_mg"], res.totals["energy_kcal"]
    return FoodPlan(swapped, swapped_total, swap_table, additions, msg, swapped_total + added_mg, rda, added_kcal)


# =========================================================================== step 7: the supplement
@dataclass(frozen=True)
class SupplementReport:
    label: SupplementLabel
    formula: str
    mg_fraction: float
    salt_mg_per_day: float
    elemental_mg_per_day: float
    family_range_mg_per_unit: tuple  # (low, high) if the label named only the salt family
    ul: supplements.ULPlacement
    absorbed_mg_per_day: float
    absorbed_basis: str

    def percent_of_ul_text(self) -> str:
        p = self.ul.percent_of_us_ul
        return "no US UL at this age" if p is None else f"{p:.0f} % of the US UL of {self.ul.us_ul:.0f} mg/day"

    def markdown(self) -> str:
        lo, hi = self.family_range_mg_per_unit
        return (f"**Label:** {self.label.label_text}  \n"
                f"**Elemental Mg:** {self.formula} is {100 * self.mg_fraction:.2f} % Mg by mass, so the daily "
                f"{self.salt_mg_per_day:.0f} mg of salt holds **{self.elemental_mg_per_day:.1f} mg elemental Mg/day** "
                f"(a label naming only the family would allow {lo:.1f}–{hi:.1f} mg per unit).  \n"
                f"**Absorbed (teaching model):** about {self.absorbed_mg_per_day:.0f} mg/day ({self.absorbed_basis}).  \n"
                + self.ul.markdown())


def supplement_report(case: Case) -> SupplementReport | None:
    """Elemental Mg from the label's salt formula, the UL placement and an absorption estimate (chapter 6)."""
    _check_case(case)
    s = case.supplement
    if s is None:
        return None
    row = supplements.form(s.form_id)
    reading = supplements.read_label(s.amount_mg, s.form_id, s.basis)
    salt_day = reading.salt_mg * s.units_per_day
    elem_day = reading.elemental_mg * s.units_per_day
    fam = row["salt_family"]
    lo, hi, _ = supplements.family_range(reading.salt_mg, fam)
    if s.form_id in absorption.REPORTED_FORM_ABSORPTION:
        absorbed = absorption.absorbed_mg(elem_day, s.portions_per_day, form=s.form_id)
        basis = (f"the fixed {100 * absorption.REPORTED_FORM_ABSORPTION[s.form_id].fraction:.0f} % reported for "
                 "MgO by Firoz & Graber 2001")
    else:
        absorbed = absorption.absorbed_mg(elem_day, s.portions_per_day)
        basis = (f"the chapter 6 dose model after Fine 1991, {s.portions_per_day} portion(s) a day; it describes Mg "
                 "acetate with a meal, not this salt")
    return SupplementReport(s, row["formula"], float(row["mg_fraction"]), salt_day, elem_day, (lo, hi),
                            supplements.ul_placement(elem_day, case.age_years), float(absorbed), basis)


# =========================================================================== step 8: the cycle model
@dataclass(frozen=True)
class Scenario:
    name: str
    intake_mg_per_day: float
    glucose_mg_dl: float
    insulin_uU_ml: float
    mg_pool: float
    healthy_state_exists: bool


@functools.lru_cache(maxsize=256)
def _scenario_run(intake_mg_per_day: float, days: float = SCENARIO_DAYS):
    p = cycle.Parameters(mg_intake_mg_per_day=intake_mg_per_day)
    sim = cycle.simulate(p, days=days)
    healthy = any(s.stable and s.branch == "lower root" for s in cycle.steady_states(p))
    return sim, healthy


def run_scenario(name: str, intake_mg_per_day: float) -> Scenario:
    """Long-run state (10 years) of the chapter 4 model from the healthy replete state at a daily intake (mg)."""
    name = as_str("name", name)
    j = in_range("intake_mg_per_day", intake_mg_per_day, 0, 2000, unit="mg/day")
    sim, healthy = _scenario_run(round(j, 1))
    f = sim.final()
    return Scenario(name, j, f["glucose_mg_dl"], f["insulin_uU_ml"], f["mg_pool"], healthy)


def supplement_as_food_equivalent_mg(report: SupplementReport | None) -> float:
    """The supplement's absorbed Mg expressed as the dietary intake that the cycle model absorbs equally.

    The cycle model absorbs a fixed fraction (``absorbed_fraction`` = 0.35, chapter 4) of its intake, so
    an absorbed amount A corresponds to A / 0.35 mg/day of intake: an assumption that links two toy models.
    """
    instance_of("report", report, SupplementReport, what="capstone.SupplementReport", none_ok=True)
    if report is None:
        return 0.0
    return report.absorbed_mg_per_day / cycle.Parameters().absorbed_fraction


def model_scenarios(case: Case) -> list[Scenario]:
    """Three intake scenarios for the case in the cycle model: food now, food now + supplement, planned diet."""
    _check_case(case)
    food = food_log_total_mg(case.food_log)
    plan = food_plan(case)
    out = [run_scenario("current food log", food)]
    rep = supplement_report(case)
    if rep is not None:
        out.append(run_scenario("food log + supplement (absorbed-equivalent)", food + supplement_as_food_equivalent_mg(rep)))
    out.append(run_scenario("planned diet (meets the RDA)", plan.planned_total_mg))
    return out


def pool_category(mg_pool: float) -> str:
    """Words for the model's normalised Mg pool M (1 = replete): the categories of exercise 09.model."""
    m = in_range("mg_pool", mg_pool, 0, 10)
    if m >= 0.95:
        return "replete (M ≥ 0.95)"
    if m >= 0.80:
        return "mildly depleted (0.80 ≤ M < 0.95)"
    if m >= 0.50:
        return "clearly depleted (0.50 ≤ M < 0.80)"
    return "collapsed (M < 0.50)"


def model_limits(case: Case) -> list[str]:
    """What the cycle model cannot tell about this person (general limits, plus case-specific ones)."""
    _check_case(case)
    out = [
        "The magnesium part of the model is a **toy**: its parameters (how Mg acts on insulin sensitivity and "
        "β-cell sensing, renal loss, pool size) are illustrative assumptions, not measured in any person.",
        "The model is calibrated so that 320 mg/day keeps a generic person replete; it has no age, sex, body size or "
        "RDA of its own, so the same intake means the same thing for a 34-year-old woman and a 45-year-old man.",
        "One fasting glucose and insulin pair cannot identify the model's state (β-cell mass, Mg pool, insulin "
        "sensitivity) for this person: HOMA-IR is one number, the model needs several.",
        "The model's glucose is a generic steady state, not a forecast of this person's fasting glucose, and its "
        "time course (months to years) is illustrative.",
        "Serum Mg is not a state of the model: M is a normalised intracellular pool, and serum is about 0.3 % of body Mg.",
        "A one-day food log is a poor estimate of usual intake; the scenarios inherit that uncertainty.",
    ]
    if case.medications:
        out.append("Her drugs (" + ", ".join(case.medications) + ") are not in the model; in a hospital cohort "
                   "metformin and PPI use went with lower serum Mg (Kurstjens 2017), an association.")
    if any("diabetes" in c for c in case.conditions):
        out.append("She already has type 2 diabetes; the model starts from the healthy replete state and says "
                   "nothing about treated diabetes.")
    if case.supplement is not None:
        out.append("The supplement enters as an absorbed-equivalent food intake, which links two teaching models "
                   "by assumption.")
    return out


# =========================================================================== step 9: evidence-graded summary
@dataclass(frozen=True)
class Claim:
    statement: str
    grade: str
    refs: tuple

    def __post_init__(self):
        choice("grade", self.grade, GRADES)
        for r in self.refs:
            choice("reference key", r, tuple(REFERENCES))


def evidence_summary(case: Case) -> list[Claim]:
    """Graded claims about this case (grades as in the claims ledger ``data/claims.csv``) with references."""
    _check_case(case)
    r = pipeline(case.case_id)
    idx, cmp_, plan = r.indices, r.intake, r.plan
    claims = [
        Claim(f"Fasting glucose {r.labs.glucose_mg_dl:.0f} mg/dL ({r.labs.glucose_mmol_l:.1f} mmol/L) is in the ADA "
              f"category '{idx.glucose_category}' (one reading; a diagnosis needs confirmation).",
              "established", ("ADA",)),
        Claim(f"HOMA-IR {idx.homa_ir:.2f} and QUICKI {idx.quicki:.3f}: " +
              ("in the range studies call insulin resistant." if idx.homa_ir >= 3.0 else
               "not in the range studies call insulin resistant.") +
              " These are surrogate indices from one fasting sample, not a clamp measurement.",
              "established", ("Matthews1985", "Katz2000", "Yokoyama2003")),
        Claim(f"Serum Mg {r.labs.serum_mg_mmol_l:.2f} mmol/L is {serum_mg_category(r.labs.serum_mg_mmol_l)}. Serum holds "
              "about 0.3 % of body Mg, so a normal value does not show that stores are replete.",
              "established", ("IOM1997",)),
        Claim(f"The one-day food log gives {cmp_.total_mg:.0f} mg/day, {cmp_.verdict}. One day is a poor estimate "
              "of usual intake.", "established", ("SR28", "IOM1997")),
        Claim(f"Food changes (swaps plus {len(plan.additions)} added food(s)) reach the RDA of {plan.rda_mg:.0f} mg/day "
              f"({plan.planned_total_mg:.0f} mg/day planned); food Mg has no upper limit.",
              "established", ("SR28", "IOM1997")),
    ]
    delta = plan.planned_total_mg - cmp_.total_mg
    rr = evidence.rr_for_change(evidence.get_meta("larsson2007").rr_per_100mg, delta)
    claims.append(Claim(f"In cohorts, each extra 100 mg/day of Mg intake went with a lower risk of type 2 diabetes "
                        f"(RR 0.85, 0.79–0.92); for this plan's +{delta:.0f} mg/day that scales to RR ≈ {rr:.2f}. "
                        "This is an association: it does not show that the change would lower this person's risk.",
                        "established", ("Larsson2007", "Dong2011", "Fang2016")))  # ledger: ch07-intake-t2d-association
    claims.append(Claim("In trials, oral Mg lowered HOMA-IR by 0.67 on average (95 % CI −1.20 to −0.14), mostly in "
                        "small trials of people with low serum Mg; a trial of 400 mg/day in women with metabolic "
                        "syndrome found no effect.", "likely", ("Simental2016", "Morais2017", "Lima2014")))
    s = r.supplement
    if s is not None:
        claims.append(Claim(f"The supplement gives {s.elemental_mg_per_day:.0f} mg elemental Mg/day: {s.ul.us_sentence} "
                            "People with kidney disease must not take Mg supplements without medical advice.",
                            "established", ("IOM1997",)))
    if r.labs.serum_mg_mmol_l < HYPOMAGNESAEMIA_MMOL_L:
        claims.append(Claim("Hypomagnesaemia is common in type 2 diabetes (14–48 % in the literature) and went with "
                            "metformin and PPI use in a hospital cohort; whether the drugs cause it in her is not shown.",
                            "likely", ("Waanders2019", "Kurstjens2017")))
    claims.append(Claim("Low Mg and insulin resistance may reinforce each other (a vicious circle): insulin activates "
                        "renal TRPM6, and Mg is needed for insulin-receptor signalling.", "uncertain",  # ledger: ch03-vicious-circle
                        ("Gommers2016",)))
    cur = r.scenarios[0]
    planned = r.scenarios[-1]
    claims.append(Claim(f"In the chapter 4 model, the current intake leaves the Mg pool {pool_category(cur.mg_pool)} "
                        f"(M = {cur.mg_pool:.2f}) and the planned diet {pool_category(planned.mg_pool)} "
                        f"(M = {planned.mg_pool:.2f}).", "toy-model assumption", ("Topp2000", "Gommers2016")))
    return claims


def evidence_table(case: Case) -> pd.DataFrame:
    """:func:`evidence_summary` as a table with reference numbers."""
    _check_case(case)
    return pd.DataFrame([{"claim": c.statement, "grade": c.grade, "refs": cite(*c.refs)} for c in evidence_summary(case)])


def evidence_markdown(case: Case) -> str:
    """:func:`evidence_summary` as a Markdown list (grades in bold, reference numbers as in notebook 09)."""
    _check_case(case)
    return "\n".join(f"- **{c.grade}.** {c.statement} {cite(*c.refs)}" for c in evidence_summary(case))


# =========================================================================== the whole pipeline
@dataclass
class CaseResult:
    case: Case
    labs: LabValues
    indices: IndexReport
    serum_category: str
    food_log: pd.DataFrame
    intake: IntakeComparison
    plan: FoodPlan
    supplement: SupplementReport | None
    scenarios: list = field(default_factory=list)


@functools.lru_cache(maxsize=8)
def _pipeline_cached(case_id: str) -> CaseResult:
    case = get_case(case_id)
    labs = lab_values(case)
    log = food_log_table(case.food_log)
    total = float(log["magnesium_mg"].sum())
    return CaseResult(case, labs, indices_report(case), serum_mg_category(labs.serum_mg_mmol_l), log,
                      intake_comparison(case, total), food_plan(case), supplement_report(case), model_scenarios(case))


def pipeline(case_id: str) -> CaseResult:
    """Run every step for one case (cached: the cases are fixed records)."""
    return _pipeline_cached(get_case(case_id).case_id)


def summary_markdown(case_id: str) -> str:
    """A one-screen summary of every step for one case."""
    r = pipeline(case_id)
    c, lab, idx, cmp_, plan, s = r.case, r.labs, r.indices, r.intake, r.plan, r.supplement
    ear = f"{cmp_.ear_mg:.0f}" if cmp_.ear_mg is not None else "–"
    lines = [
        f"### {c.fictional_label}",
        f"*{c.story}*",
        "",
        f"**1–2 · Indices.** Glucose {c.glucose[0]:g} {c.glucose[1]} = {lab.glucose_mg_dl:.1f} mg/dL = "
        f"{lab.glucose_mmol_l:.2f} mmol/L ({idx.glucose_category}); insulin {c.insulin[0]:g} {c.insulin[1]} = "
        f"{lab.insulin_uU_ml:.1f} µU/mL. **HOMA-IR {idx.homa_ir:.2f}**, **QUICKI {idx.quicki:.3f}**. {idx.homa_reading}",
        "",
        f"**3 · Serum Mg.** {c.serum_mg[0]:g} {c.serum_mg[1]} = {lab.serum_mg_mmol_l:.2f} mmol/L "
        f"({lab.serum_mg_mg_dl:.2f} mg/dL): {r.serum_category}.",
        "",
        f"**4–5 · Diet.** The one-day food log ({len(r.food_log)} items) gives **{cmp_.total_mg:.0f} mg/day** of "
        f"magnesium: {cmp_.percent_rda:.0f} % of the RDA ({cmp_.rda_mg:.0f}), EAR {ear}, EFSA AI "
        f"{cmp_.efsa_ai_mg:.0f} mg/day; {cmp_.verdict}.",
        "",
        f"**6 · Plan.** Swaps raise it to {plan.swapped_total_mg:.0f} mg/day; the optimiser adds "
        f"{len(plan.additions)} food(s) (+{plan.added_energy_kcal:.0f} kcal) to reach **{plan.planned_total_mg:.0f} "
        "mg/day**. Food magnesium has no upper limit.",
        "",
    ]
    if s is not None:
        lines += [f"**7 · Supplement.** {s.elemental_mg_per_day:.1f} mg elemental Mg/day "
                  f"({s.percent_of_ul_text()}). {s.ul.us_sentence} {s.ul.eu_sentence}", ""]
    sc = "; ".join(f"{x.name}: {x.intake_mg_per_day:.0f} mg/day → G {x.glucose_mg_dl:.0f} mg/dL, M {x.mg_pool:.2f}"
                   for x in r.scenarios)
    lines += [f"**8 · Cycle model (toy, 10 years from the healthy state).** {sc}. It cannot tell what will happen "
              "to this person (see the limits).", "",
              f"**Safety.** {SAFETY_NOTE} Fictional case; not medical advice."]
    return "\n".join(lines)


# =========================================================================== figures and widgets
def case_figure(case_id: str):
    """Four panels for one case: indices vs typical values, food-log Mg by item, intake vs references, supplement vs UL."""
    r = pipeline(case_id)
    fig, axes = new_figure(2, 2, figsize=(11.0, 7.6))
    (ax1, ax2), (ax3, ax4) = axes
    # (a) QUICKI against the Yokoyama groups
    groups = list(QUICKI_TYPICAL)
    means = [QUICKI_TYPICAL[g][0] for g in groups]
    sds = [QUICKI_TYPICAL[g][1] for g in groups]
    y = np.arange(len(groups))
    ax1.errorbar(means, y, xerr=sds, fmt="o", color=OKABE_ITO["blue"], capsize=4, label="published mean ± SD")
    ax1.axvline(r.indices.quicki, color=ROLE_COLORS["glucose"], linestyle="--", linewidth=2,
                label=f"case {case_id}: {r.indices.quicki:.3f}")
    ax1.set_yticks(y, ["healthy", "T2D, normal weight", "T2D, moderately obese"])
    ax1.set_xlabel("QUICKI (dimensionless)")
    ax1.set_title(f"(a) QUICKI; HOMA-IR = {r.indices.homa_ir:.2f}", fontsize=11)
    ax1.legend(loc="upper right", fontsize=9)
    # (b) food log by item
    log = r.food_log.sort_values("magnesium_mg")
    names = [f"{f[:24].title()}" for f in log["food"]]
    ax2.barh(np.arange(len(log)), log["magnesium_mg"], color=ROLE_COLORS["magnesium"], edgecolor="black", linewidth=0.4)
    ax2.set_yticks(np.arange(len(log)), names, fontsize=8)
    ax2.set_xlabel("magnesium in the portion eaten (mg)")
    ax2.set_title(f"(b) food log: {r.intake.total_mg:.0f} mg in total", fontsize=11)
    # (c) intake vs references
    labels = ["food log", "after swaps", "planned"]
    vals = [r.intake.total_mg, r.plan.swapped_total_mg, r.plan.planned_total_mg]
    ax3.bar(labels, vals, color=[OKABE_ITO["vermillion"], OKABE_ITO["orange"], ROLE_COLORS["magnesium"]],
            edgecolor="black", linewidth=0.5)
    ax3.axhline(r.intake.rda_mg, color="black", linestyle="-", label=f"RDA {r.intake.rda_mg:.0f} mg/day")
    if r.intake.ear_mg is not None:
        ax3.axhline(r.intake.ear_mg, color="black", linestyle=":", label=f"EAR {r.intake.ear_mg:.0f} mg/day")
    ax3.set_ylabel("dietary magnesium (mg/day)")
    ax3.set_title("(c) diet against the EAR and RDA (food: no UL)", fontsize=11)
    ax3.legend(loc="upper left", fontsize=9)
    ax3.set_ylim(0, max(vals + [r.intake.rda_mg]) * 1.25)
    # (d) supplement vs UL
    s = r.supplement
    if s is not None:
        ax4.bar(["salt mass\n(label)", "elemental Mg", "absorbed\n(teaching model)"],
                [s.salt_mg_per_day, s.elemental_mg_per_day, s.absorbed_mg_per_day],
                color=[OKABE_ITO["reddish_purple"], OKABE_ITO["blue"], OKABE_ITO["sky_blue"]], edgecolor="black", linewidth=0.5)
        if s.ul.us_ul is not None:
            ax4.axhline(s.ul.us_ul, color=OKABE_ITO["vermillion"], linestyle="--", label=f"US UL {s.ul.us_ul:.0f} mg/day")
        if s.ul.eu_ul is not None:
            ax4.axhline(s.ul.eu_ul, color=OKABE_ITO["orange"], linestyle=":", label=f"EU UL {s.ul.eu_ul:.0f} mg/day")
        ax4.set_ylabel("supplement (mg/day)")
        ax4.set_title("(d) supplement: the UL applies to elemental Mg", fontsize=11)
        ax4.legend(loc="upper right", fontsize=9)
    else:
        ax4.set_axis_off()
        ax4.text(0.5, 0.5, "no supplement", ha="center", va="center")
    return fig


def indices_figure():
    """QUICKI and HOMA-IR of the three cases against published typical values and study thresholds."""
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(11.0, 3.9))
    groups = list(QUICKI_TYPICAL)
    y = np.arange(len(groups))
    ax1.errorbar([QUICKI_TYPICAL[g][0] for g in groups], y, xerr=[QUICKI_TYPICAL[g][1] for g in groups], fmt="s",
                 color="black", capsize=4, label="published mean ± SD (Yokoyama 2003)")
    ax1.set_yticks(y, ["healthy", "T2D, normal weight", "T2D, moderately obese"])
    markers = {"A": ("o", OKABE_ITO["vermillion"]), "B": ("^", OKABE_ITO["blue"]), "C": ("D", OKABE_ITO["orange"])}
    homas = []
    for cid in CASE_IDS:
        rep = indices_report(CASES[cid])
        m, col = markers[cid]
        ax1.axvline(rep.quicki, color=col, linestyle="--", linewidth=1.6, label=f"case {cid}: {rep.quicki:.3f}")
        homas.append(rep.homa_ir)
    ax1.axvline(0.45, color="grey", linestyle=":", linewidth=1.2, label="'> 0.45 = normal' (a web myth)")
    ax1.set_xlabel("QUICKI (dimensionless; lower = more insulin resistant)")
    ax1.legend(fontsize=8, loc="upper right")
    ax2.bar(list(CASE_IDS), homas, color=[markers[c][1] for c in CASE_IDS], edgecolor="black", linewidth=0.5)
    for cut, label in HOMA_IR_STUDY_THRESHOLDS:
        ax2.axhline(cut, color="black", linestyle=":" if cut == 3.0 else "--", linewidth=1.2,
                    label=f"{cut:g}: " + ("trial inclusion (≥ 3)" if cut == 3.0 else "'high' in Wang 2013 (> 3.6)"))
    ax2.set_xlabel("case (fictional)")
    ax2.set_ylabel("HOMA-IR (dimensionless)")
    ax2.legend(fontsize=8, loc="upper left")
    ax2.set_ylim(0, max(homas) * 1.3)
    return fig


def indices_figure_alt() -> str:
    q = {cid: indices_report(CASES[cid]) for cid in CASE_IDS}
    return ("Left: the QUICKI of cases " + ", ".join(f"{c} ({q[c].quicki:.3f})" for c in CASE_IDS)
            + " as dashed lines against the published means ± SD of healthy people (0.389), normal-weight (0.371) "
            "and moderately obese (0.338) type 2 diabetes, and the mistaken 0.45 cut-off; right: HOMA-IR of the three "
            "cases (" + ", ".join(f"{c} {q[c].homa_ir:.2f}" for c in CASE_IDS) + ") against the study thresholds 3 and 3.6.")


def food_log_figure(case_id: str):
    """Magnesium (mg) of each item of a case's food log, by meal, with the item's mg per 100 g."""
    r = pipeline(case_id)
    log = r.food_log.iloc[::-1].reset_index(drop=True)
    fig, ax = new_figure(figsize=(9.0, 0.36 * len(log) + 1.4))
    meals = list(dict.fromkeys(r.food_log["meal"]))
    palette = [OKABE_ITO[k] for k in ("orange", "blue", "bluish_green", "reddish_purple", "sky_blue", "vermillion")]
    colors = {m: palette[k % len(palette)] for k, m in enumerate(meals)}
    y = np.arange(len(log))
    for meal in meals:
        sel = log["meal"] == meal
        ax.barh(y[sel], log.loc[sel, "magnesium_mg"], color=colors[meal], edgecolor="black", linewidth=0.4, label=meal)
    for yy, mg, g, p in zip(y, log["magnesium_mg"], log["grams"], log["magnesium_mg_per_100g"]):
        ax.text(mg, yy, f"  {mg:.0f} mg ({g:.0f} g × {p:.0f} mg/100 g)", va="center", fontsize=8)
    ax.set_yticks(y, [f[:30].title() for f in log["food"]], fontsize=8)
    ax.set_xlabel("magnesium in the portion eaten (mg)")
    ax.set_xlim(0, float(log["magnesium_mg"].max()) * 1.9)
    ax.legend(title="meal", fontsize=8, loc="lower right")
    ax.set_title(f"Case {case_id} (fictional): {r.intake.total_mg:.0f} mg from {len(log)} items", fontsize=11)
    return fig


def food_log_figure_alt(case_id: str) -> str:
    r = pipeline(case_id)
    top = r.food_log.sort_values("magnesium_mg", ascending=False).iloc[0]
    return (f"Horizontal bars of the magnesium in each of the {len(r.food_log)} food-log items of case {case_id}, "
            f"coloured by meal and labelled with grams × mg per 100 g; the largest item is {top['food'].lower()} "
            f"({top['magnesium_mg']:.0f} mg) and the total is {r.intake.total_mg:.0f} mg.")


def plan_figure(case_id: str):
    """Stacked bars: the food log, the gain from swaps and the optimiser's additions, against the EAR and RDA."""
    r = pipeline(case_id)
    p = r.plan
    fig, ax = new_figure(figsize=(7.5, 4.2))
    base = r.intake.total_mg
    swaps = p.swapped_total_mg - base
    add = p.planned_total_mg - p.swapped_total_mg
    ax.bar(["food log", "plan"], [base, base], color=OKABE_ITO["vermillion"], edgecolor="black", linewidth=0.5,
           label="food log as eaten")
    ax.bar(["plan"], [swaps], bottom=[base], color=OKABE_ITO["orange"], edgecolor="black", linewidth=0.5,
           label="+ swaps (same weight)")
    ax.bar(["plan"], [add], bottom=[base + swaps], color=ROLE_COLORS["magnesium"], edgecolor="black", linewidth=0.5,
           hatch="//", label="+ optimiser's additions")
    ax.axhline(r.intake.rda_mg, color="black", label=f"RDA {r.intake.rda_mg:.0f} mg/day")
    if r.intake.ear_mg is not None:
        ax.axhline(r.intake.ear_mg, color="black", linestyle=":", label=f"EAR {r.intake.ear_mg:.0f} mg/day")
    ax.set_ylabel("dietary magnesium (mg/day)")
    ax.set_ylim(0, max(p.planned_total_mg, r.intake.rda_mg) * 1.75)
    ax.legend(fontsize=9, loc="upper left", ncol=2)
    return fig


def plan_figure_alt(case_id: str) -> str:
    r = pipeline(case_id)
    p = r.plan
    return (f"Two bars for case {case_id}: the food log at {r.intake.total_mg:.0f} mg/day, and the plan stacked from "
            f"the same {r.intake.total_mg:.0f} mg plus {p.swapped_total_mg - r.intake.total_mg:.0f} mg from swaps and "
            f"{p.planned_total_mg - p.swapped_total_mg:.0f} mg from the optimiser's additions, reaching the RDA line "
            f"at {r.intake.rda_mg:.0f} mg/day; the EAR line is lower.")


def case_figure_alt(case_id: str) -> str:
    r = pipeline(case_id)
    s = r.supplement
    supp = (f" and the supplement's {s.salt_mg_per_day:.0f} mg of salt, {s.elemental_mg_per_day:.0f} mg elemental Mg "
            f"and about {s.absorbed_mg_per_day:.0f} mg absorbed against the US UL of 350 mg/day") if s else ""
    return (f"Four panels for fictional case {case_id}: QUICKI {r.indices.quicki:.3f} against published group means, "
            f"the magnesium of each food-log item, the intake of {r.intake.total_mg:.0f} mg/day rising to "
            f"{r.plan.planned_total_mg:.0f} mg/day with the plan against the RDA of {r.intake.rda_mg:.0f} mg/day,{supp}.")


def exercise_case_markdown(case: Case) -> str:
    """The inputs of an exercise case (story, lab report, supplement label, food log), without any result."""
    _check_case(case)
    log = "; ".join(f"{e.amount:g} {e.unit} of NDB {e.ndb_no} ({e.meal})" for e in case.food_log)
    return "\n".join([
        f"### {case.fictional_label}", f"*{case.story}*", "",
        f"**Lab report, as printed.** Glucose {case.glucose[0]:g} {case.glucose[1]}; insulin {case.insulin[0]:g} "
        f"{case.insulin[1]}; serum Mg {case.serum_mg[0]:g} {case.serum_mg[1]}.", "",
        f"**Supplement label.** {case.supplement.label_text if case.supplement else 'none'}", "",
        f"**Food log ({len(case.food_log)} items).** {log}.", "",
        f"Case {case.case_id} is an **exercise case**: its indices, intake, gap to the RDA, supplement dose and model "
        f"result are yours to compute in the capstone exercises, so this summary shows every step only for the "
        f"worked case {WORKED_CASE}.", "",
        f"**Safety.** {SAFETY_NOTE} Fictional case; not medical advice."])


@register("09.case_summary", title="Capstone: the pipeline for one fictional case",
          case_id=Dropdown("Case", (("A: 45-y man, refined diet", "A"), ("B: 34-y vegetarian woman", "B"),
                                    ("C: 62-y woman with T2D", "C")), "A"))
def case_summary_view(case_id):
    """Every step of the capstone for the worked case; for an exercise case only its inputs (no graded number)."""
    case = get_case(case_id)
    if case.case_id != WORKED_CASE:
        return View(text=exercise_case_markdown(case), data={"case_id": case.case_id})
    fig = _case_figure_cached(case.case_id)
    # The figure never changes (a cached, fixed record). Listing one of its artists as animated lets a live panel
    # keep the background it drew: when the learner comes back to the worked case after an exercise case (which
    # hides the figure), the panel redraws only these bars over it instead of the whole four-panel figure
    # (~200 ms of text layout). The food-log bars of panel (b) overlap no other artist.
    return View(text=summary_markdown(case.case_id), figure=fig, alt=case_figure_alt(case.case_id),
                table=evidence_table(case), data={"case_id": case.case_id}, animated=(fig.axes[1].patches[:],))


@functools.lru_cache(maxsize=8)
def _case_figure_cached(case_id: str):
    """The cases are fixed records, so each case's figure is drawn once and reused.

    After one draw the constrained layout is frozen (layout engine "none"), so that later renders skip the
    layout solver: the axes keep the positions it computed.
    """
    from .style import png_bytes

    fig = case_figure(case_id)
    png_bytes(fig)
    fig.set_layout_engine("none")
    fig._mgcourse_shared = True  # cached: a live panel shows it, never redraws another case into it
    return fig


#: The intake slider's range (mg/day) and the horizon slider's longest run (years) of the 09.intake_scenario panel.
SCENARIO_INTAKE_RANGE = (100, 600)
SCENARIO_YEARS_MAX = 20
#: The three runs of the scenario figure: label, colour, line style.
_SCENARIO_RUNS = (("food log", OKABE_ITO["vermillion"], "-"), ("slider", OKABE_ITO["blue"], "--"),
                  ("RDA", ROLE_COLORS["magnesium"], ":"))


@functools.lru_cache(maxsize=8)
def _case_intakes(case_id: str) -> tuple[float, float]:
    """The case's food-log intake and RDA (mg/day), as :func:`pipeline` computes them, without the food plan's
    optimiser (a case change in the scenario panel needs only these two numbers)."""
    case = get_case(case_id)
    total = float(food_log_table(case.food_log)["magnesium_mg"].sum())
    cmp_ = intake_comparison(case, total)
    return cmp_.total_mg, cmp_.rda_mg


@functools.lru_cache(maxsize=16)
def _scenario_envelope(lowest: float, highest: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed y limits (glucose, Mg pool) for every intake between ``lowest`` and ``highest`` and every horizon.

    In the model the lowest intake gives the highest glucose and the lowest pool, the highest intake the lowest
    glucose and the highest pool (checked over the slider's whole range, 100-600 mg/day in steps of 10): the runs
    at the two extremes over the longest horizon bound every curve the panel can show (glucose 93-333 mg/dL,
    pool 0.20-1.39). Glucose gets matplotlib's usual 5 % margins; the pool axis starts at 0 and reaches 1.3 or
    10 % above the highest pool, as before.
    """
    days = round(SCENARIO_YEARS_MAX * 365.25, 1)
    sims = [_scenario_sim(round(float(j), 1), days) for j in (lowest, highest)]
    g_lo = min(float(s.glucose_mg_dl.min()) for s in sims)
    g_hi = max(float(s.glucose_mg_dl.max()) for s in sims)
    m_hi = max(float(s.mg_pool.max()) for s in sims)
    pad = 0.05 * (g_hi - g_lo)
    return (g_lo - pad, g_hi + pad), (0.0, max(1.3, m_hi * 1.1))


def _scenario_limits(case_id: str, intake_mg_per_day: float):
    """The envelope for the slider's range, widened for a case or an intake outside it."""
    food, rda = _case_intakes(case_id)
    lo, hi = SCENARIO_INTAKE_RANGE
    return _scenario_envelope(float(min(lo, food, rda, intake_mg_per_day)), float(max(hi, food, rda, intake_mg_per_day)))


def _scenario_args(case_id, intake_mg_per_day, years) -> tuple[str, float, float]:
    case = get_case(case_id)
    days = in_range("years", years, 0.5, SCENARIO_YEARS_MAX, unit="years") * 365.25
    j = in_range("intake_mg_per_day", intake_mg_per_day, 0, 2000, unit="mg/day")
    return case.case_id, j, days


def _scenario_build(case_id: str, intake_mg_per_day: float, years: float):
    """The scenario figure with fixed axes (see :func:`_scenario_envelope`), its artists and the runs' end states."""
    case_id, j, days = _scenario_args(case_id, intake_mg_per_day, years)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(11.0, 4.2))
    lines = {}
    for label, color, ls in _SCENARIO_RUNS:
        (lg,) = ax1.plot([], [], color=color, linestyle=ls, label=label)
        (lm,) = ax2.plot([], [], color=color, linestyle=ls, label=label)
        lines[label] = (lg, lm)
    ax1.set_xlabel("time (years)")
    ax1.set_ylabel("model glucose (mg/dL)")
    # one legend for both panels, in a row above them: no curve ever runs under it, and its place is fixed (a
    # "best" place follows the curves, so the live panel would lay it out again on every move)
    legend = fig.legend(handles=[lines[label][0] for label, _, _ in _SCENARIO_RUNS], loc="outside upper center",
                        ncol=len(_SCENARIO_RUNS), fontsize=9, frameon=False)
    ax2.set_xlabel("time (years)")
    ax2.set_ylabel("model Mg pool M (1 = replete)")
    # Fixed axes over the sliders' whole range: the time axis runs to the longest horizon (a shorter horizon
    # ends the curves earlier), the y axes hold every curve the intake slider and the cases can give. A slider
    # move then moves the curves over fixed axes, and the live panel redraws only the curves and the legend.
    g_lim, m_lim = _scenario_limits(case_id, j)
    for ax in (ax1, ax2):
        ax.set_xlim(0, SCENARIO_YEARS_MAX)
    ax1.set_ylim(*g_lim)
    ax2.set_ylim(*m_lim)
    artists = {"lines": lines, "legend": legend, "limits": (g_lim, m_lim)}
    finals = _scenario_set(artists, case_id, j, days)
    return fig, artists, finals


def _scenario_set(artists: dict, case_id: str, j: float, days: float) -> dict:
    """Set the three runs' curves and legend labels; return their end states (shared by build and update)."""
    food, rda = _case_intakes(case_id)
    finals = {}
    texts = artists["legend"].get_texts()
    for k, ((label, _, _), intake) in enumerate(zip(_SCENARIO_RUNS, (food, j, rda))):
        sim = _scenario_sim(round(float(intake), 1), round(days, 1))
        # the slider's run is named without its value (the readout gives it): the legend then changes only with
        # the case, and a legend that does not change is drawn from a cached bitmap (widgets._Blitter)
        name = "slider: the intake you set" if label == "slider" else f"{label}: {intake:.0f} mg/day"
        for line, y in zip(artists["lines"][label], (sim.glucose_mg_dl, sim.mg_pool)):
            line.set_data(sim.t_years, y)
            line.set_label(name)
        if texts[k].get_text() != name:
            texts[k].set_text(name)
        finals[label] = sim.final()
    return finals


def scenario_figure(case_id: str, intake_mg_per_day: float, years: float):
    """Glucose and Mg pool over time in the cycle model: the case's food log, the slider's intake, the case's RDA."""
    fig, _, finals = _scenario_build(case_id, intake_mg_per_day, years)
    return fig, finals


@functools.lru_cache(maxsize=512)
def _scenario_sim(intake: float, days: float):
    return cycle.simulate(cycle.Parameters(mg_intake_mg_per_day=intake), days=days)


@register("09.intake_scenario", title="Capstone: intake scenarios in the vicious-cycle model (toy model)",
          case_id=Dropdown("Case", (("A", "A"), ("B", "B"), ("C", "C")), "A"),
          intake_mg_per_day=Slider("Dietary Mg intake (mg/day)", *SCENARIO_INTAKE_RANGE, 320, 10),
          years=Slider("Horizon (years)", 1, SCENARIO_YEARS_MAX, 10, 1, integer=True))
def intake_scenario_view(case_id, intake_mg_per_day, years):
    """The case's food-log intake, a chosen intake and the case's RDA in the chapter 4 model, from the healthy state."""
    case = get_case(case_id)
    j = in_range("intake_mg_per_day", intake_mg_per_day, 0, 2000, unit="mg/day")
    fig, artists, finals = _scenario_build(case.case_id, j, years)
    return _scenario_view(fig, artists, case, j, years, finals)


def _scenario_view(fig, artists: dict, case: Case, j: float, years, finals: dict) -> View:
    """The readout and description of the scenario figure (shared by the callback and the in-place update)."""
    s = finals["slider"]
    f = finals["food log"]
    text = (f"**Case {case.case_id} (fictional), toy model.** After {years:g} years from the healthy replete state: "
            f"at the food-log intake the model's Mg pool is M = {f['mg_pool']:.2f} ({pool_category(f['mg_pool'])}), "
            f"glucose {f['glucose_mg_dl']:.0f} mg/dL; at {j:.0f} mg/day M = {s['mg_pool']:.2f} "
            f"({pool_category(s['mg_pool'])}), glucose {s['glucose_mg_dl']:.0f} mg/dL.\n\n"
            "What the model **cannot** tell: this person's future glucose, this person's real Mg stores, or the "
            "effect of drugs; its Mg parameters are illustrative assumptions. Intakes here are from **food**, which has no UL.")
    alt = (f"Two panels of model glucose and Mg pool over {years:g} years for case {case.case_id}'s food-log intake, "
           f"{j:.0f} mg/day and the RDA; the pool ends at {f['mg_pool']:.2f}, {s['mg_pool']:.2f} and "
           f"{finals['RDA']['mg_pool']:.2f} respectively.")
    lines = [ln for pair in artists["lines"].values() for ln in pair]
    # redrawn on each change: the six curves. The legend sits above the axes and changes only with the case (the
    # food-log and RDA intakes it names): the live panel then draws the whole figure once
    return View(text=text, figure=fig, alt=alt, data={"finals": finals}, artists=artists, animated=tuple(lines))


@intake_scenario_view.updater
def _intake_scenario_update(view, case_id, intake_mg_per_day, years):
    """In place for every control (a case changes only the food-log and RDA intakes); a rebuild only if the
    fixed axes would not hold the new curves (never within the sliders' range)."""
    case_id, j, days = _scenario_args(case_id, intake_mg_per_day, years)
    if _scenario_limits(case_id, j) != view.artists["limits"]:
        return None
    finals = _scenario_set(view.artists, case_id, j, days)
    return _scenario_view(view.figure, view.artists, get_case(case_id), j, years, finals)


__all__ = ["CASES", "CASE_IDS", "Case", "FoodLogEntry", "SupplementLabel", "get_case", "select_case",
           "active_case_id", "cases_table", "lab_values", "indices_report", "serum_mg_category", "food_log_table",
           "food_log_total_mg", "intake_comparison", "apply_swaps", "food_plan", "supplement_report",
           "run_scenario", "model_scenarios", "pool_category", "model_limits", "evidence_summary",
           "evidence_table", "evidence_markdown", "pipeline", "summary_markdown", "WORKED_CASE",
           "REFERENCES", "cite", "references_markdown", "GRADES"]
