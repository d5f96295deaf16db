"""Exercises of chapter 03 (magnesium in the body).

Numbers used (sources in notebook 03): serum reference range 0.75–0.95 mmol/L
(IOM 1997); hypomagnesaemia < 0.70 mmol/L (Gommers 2016); GFR 180 L/day and a
filterable fraction of 70 % (Merck: 70–80 %); prevalence of hypomagnesaemia in
type 2 diabetes 30.6 % in a hospital cohort (Kurstjens 2017) and 9.6 % in primary
care (Waanders 2019).
"""

from mgcourse.checks import choice, exercise, explanation, function, value
from mgcourse.models import balance
from mgcourse.units import convert

# --------------------------------------------------------------------------- 1. compute: a lab value in mg/dL
_LAB_MG_DL = 1.6
exercise(
    "03.serum-mmol", name="serum_mmol", kind="compute",
    title="A lab reports serum Mg = 1.6 mg/dL: what is it in mmol/L?",
    grader=value(convert(_LAB_MG_DL, "mg/dL", "mmol/L", substance="magnesium"), sig=2,
                 mistakes={_LAB_MG_DL * 2.4305: "you multiplied by the factor; from mg/dL to mmol/L you divide.",
                           convert(_LAB_MG_DL, "mg/dL", "mEq/L", substance="magnesium"):
                               "that is mEq/L: Mg²⁺ carries two charges, so mEq/L is twice mmol/L.",
                           _LAB_MG_DL / 18.0156: "18.0 is the glucose factor, not the magnesium one."}),
    hints=("mg/dL is a mass per volume, mmol/L an amount per volume. Which number should come out smaller?",
           "1 mmol of Mg weighs 24.305 mg, and 1 L = 10 dL, so mg/dL = mmol/L × 2.4305.",
           "The factor 2.4305 links the two units. Decide the direction first: the mmol/L number is the smaller "
           "one, so does the factor multiply or divide the mg/dL value?"),
)


# --------------------------------------------------------------------------- 2. implement: any unit → mmol/L
def _to_mmol_l(value, unit):
    if unit not in ("mg/dL", "mEq/L", "mmol/L"):
        raise ValueError(f"unit must be 'mg/dL', 'mEq/L' or 'mmol/L', got {unit!r}")
    return convert(value, unit, "mmol/L", substance="magnesium")


exercise(
    "03.serum-units", name="serum_units", kind="implement",
    title="Write serum_mg_mmol_l(value, unit): a serum Mg in mg/dL, mEq/L or mmol/L, returned in mmol/L",
    grader=function(_to_mmol_l, [(1.8, "mg/dL"), (2.3, "mg/dL"), (1.5, "mEq/L"), (0.8, "mmol/L"), (0.0, "mg/dL")],
                    rtol=1e-6, raises=[((-0.5, "mg/dL"), ValueError), ((2.0, "g/L"), ValueError)],
                    describe=lambda a: f"serum_mg_mmol_l({a[0]!r}, {a[1]!r})"),
    hints=("Handle the three units one by one; what should happen to a unit you do not know, or a negative value?",
           "mg/dL → mmol/L divides by 2.4305; mEq/L → mmol/L divides by 2 (Mg²⁺ is divalent); mmol/L stays. "
           "mgcourse.units.convert already rejects negative values with a ValueError.",
           "Start with the guard: if the unit is not one of the three allowed spellings, raise ValueError naming "
           "it. Then handle each unit with its own factor (or a library conversion that knows magnesium)."),
)

# --------------------------------------------------------------------------- 3. compute: filtered load
#: The chapter works GFR 180 L/day and serum 0.85 mmol/L; the exercise is a person with a lower GFR and serum Mg.
FL_GFR_L_PER_DAY, FL_FILTERABLE, FL_SERUM_MMOL_L = 150.0, 0.70, 0.78
_FL = convert(FL_GFR_L_PER_DAY * FL_FILTERABLE * FL_SERUM_MMOL_L, "mmol", "mg", substance="magnesium")
_FL_CHAPTER = balance.filtered_load_mg_per_day(0.85)
exercise(
    "03.filtered-load", name="filtered_load", kind="compute",
    title="Filtered load of Mg (mg/day) at GFR 150 L/day, 70 % filterable, serum 0.78 mmol/L",
    grader=value(float(_FL), sig=3,
                 mistakes={150 * 0.78 * 24.305: "you filtered all of plasma Mg; only the filterable 70 % passes the "
                                               "glomerulus (the rest is bound to protein).",
                           150 * 0.70 * 0.78: "that is mmol/day; the question asks for mg/day.",
                           150 * 0.78: "you need both the filterable fraction and the mmol → mg step.",
                           float(_FL_CHAPTER): "that is the chapter's example (GFR 180 L/day, serum 0.85 mmol/L); use "
                                               "this person's numbers."}),
    hints=("Filtered load = (volume filtered per day) × (concentration of what can be filtered).",
           "Only the ultrafilterable part of plasma Mg (ionised + complexed, about 70 %) is filtered; "
           "1 mmol Mg = 24.305 mg.",
           "Work in two stages and check the units at each: (L/day) × (mmol/L) gives mmol/day for the filterable "
           "part only; the second stage turns mmol into mg."),
)

# --------------------------------------------------------------------------- 4. compute: % reabsorbed
_URINE = 140.0  # the chapter works 100 and 150 mg/day
exercise(
    "03.reabsorbed", name="reabsorbed", kind="compute",
    title="With 140 mg/day in the urine, what percentage of the filtered load was reabsorbed?",
    grader=value(100.0 * (1 - _URINE / float(_FL)), sig=2,
                 mistakes={100.0 * _URINE / float(_FL): "that is the fractional excretion (what was NOT reabsorbed).",
                           1 - _URINE / float(_FL): "give the answer in percent, not as a fraction.",
                           100.0 * (1 - _URINE / float(_FL_CHAPTER)): "that uses the chapter's filtered load; use "
                                                                       "yours from the previous exercise."}),
    hints=("Whatever is filtered and not excreted was reabsorbed.",
           "Fractional excretion FE = urinary Mg / filtered load; reabsorbed = 1 − FE.",
           "Start from your filtered load of the previous exercise: first find the fraction excreted in the "
           "urine, then turn 'what is left' into a percentage."),
)


# --------------------------------------------------------------------------- 5. implement: the steady state by hand
def _steady_serum(intake_mg_per_day):
    return balance.steady_state(None, intake_mg_per_day).serum_mmol_l


exercise(
    "03.steady-serum", name="steady_serum", kind="implement",
    title="Build the balance model's steady state by hand: steady_serum_mmol_l(intake_mg_per_day)",
    grader=function(_steady_serum, [(320.0,), (150.0,), (50.0,), (600.0,)], rtol=1e-5,
                    raises=[((-10.0,), ValueError)],
                    describe=lambda a: f"steady_serum_mmol_l({a[0]:g})"),
    library=("mgcourse.models.balance:steady_state", "mgcourse.models.balance:_steady_state",
             "mgcourse.models.balance:steady_state_table", "mgcourse.models.balance:simulate"),
    hints=("At steady state nothing changes: what comes in through the gut must leave through stool and urine.",
           "Write balance(c) = absorbed(intake) − endogenous_faecal(c) − urinary(c). It falls as c rises, so it "
           "has one root; the stores do not appear because at steady state they are in equilibrium with c.",
           "Inside your function, write a small function of the serum concentration that returns the net "
           "balance (mg/day in minus mg/day out, from the model's absorption, faecal and urinary functions). The "
           "answer is where it crosses zero: which scipy.optimize tool finds a root inside a bracket?"),
)

# --------------------------------------------------------------------------- 6. explore: the depletion widget
exercise(
    "03.depletion-explore", name="depletion_explore", kind="explore",
    title="Depletion widget: intake 200 mg/day, extra renal leak 3 %, 24 months. Which statement is true?",
    grader=choice("B", "ABCD", feedback={
        "A": "Look at the day on which each line crosses its threshold: which one comes first?",
        "C": "Read the lower panel: does the cells' line stay at 100 %?",
        "D": "Look at the dashed cut-off line in the upper panel: does serum reach it within 24 months?"}),
    hints=("Set the three sliders exactly as in the question and read the text under the sliders.",
           "Compare two days: when the cells drop below 90 % and when serum drops below 0.75 mmol/L.",
           "Write down the two crossing days from the text, then read the options again: which one states the "
           "order of the two events correctly?"),
)

# --------------------------------------------------------------------------- 7. explain: serum as a marker
exercise(
    "03.poor-marker", name="poor_marker", kind="explain",
    title="Explain why a normal serum Mg does not prove that the body's Mg stores are full",
    grader=explanation({
        "serum holds a tiny share of body Mg": ("0.3", "1 %", "1%", "tiny", "small fraction", "small share",
                                                "small part", "small pool", "per cent", "percent"),
        "the kidney defends serum": ("kidney", "renal", "excret", "reabsor", "urine", "urinary"),
        "the stores buffer serum": ("bone", "buffer", "exchang", "release", "store"),
        "cells can be depleted meanwhile": ("intracellular", "cell", "tissue", "muscle"),
    }, min_words=40),
    model_answer="Serum holds only about 0.3 % of the body's magnesium, so a blood test samples a tiny pool. When "
                 "intake falls, the kidney cuts urinary excretion to a trickle, and bone and cells release magnesium "
                 "back into the blood, so serum is defended and stays in the reference range. Meanwhile the "
                 "intracellular stores in muscle and soft tissue can fall by 10-20 % before serum drops below "
                 "0.75 mmol/L, so a normal serum value can hide depleted cells.",
    rubric=("Serum is a tiny share (about 0.3 %, under 1 %) of body magnesium.",
            "The kidney defends serum by cutting urinary losses when intake falls.",
            "Bone and other stores exchange with and buffer serum.",
            "Cells (muscle, soft tissue) can be depleted while serum stays normal."),
    hints=("Think about where the 25 g of body Mg sits, and how much of it a blood test samples.",
           "Two mechanisms hold serum steady when intake falls: one cuts losses, the other hands Mg back to the blood.",
           "Write 3–5 sentences: the size of the serum pool; what the kidney does when serum dips; what bone and "
           "cells do; and what that means for a person whose cells are losing Mg."),
)

# --------------------------------------------------------------------------- 8. compute: expected counts
_N_HOSPITAL, _N_PRIMARY = 300, 700  # the chapter works 400 and 600
_P_HOSPITAL, _P_PRIMARY = 0.306, 0.096
exercise(
    "03.t2d-counts", name="t2d_counts", kind="compute",
    title="Expected number with hypomagnesaemia among 300 hospital and 700 primary-care patients with T2D",
    grader=value(_N_HOSPITAL * _P_HOSPITAL + _N_PRIMARY * _P_PRIMARY, decimals=0,
                 mistakes={(_N_HOSPITAL + _N_PRIMARY) * (_P_HOSPITAL + _P_PRIMARY) / 2:
                               "you averaged the two percentages; the groups have different sizes, so weight each "
                               "prevalence by its own group.",
                           _N_HOSPITAL * _P_PRIMARY + _N_PRIMARY * _P_HOSPITAL:
                               "the prevalences are swapped: which setting had the higher one?"}),
    hints=("Each setting has its own prevalence; apply each to its own group.",
           "Expected count = number of people × prevalence (as a fraction). Kurstjens 2017 (hospital) found 30.6 %, "
           "Waanders 2019 (primary care) 9.6 %.",
           "Turn each percentage into a fraction and apply it to its own group only; the answer combines two "
           "expected counts (give a whole number of people)."),
)
