"""Exercises of chapter 05 (food sources): per-serving values, density rankings, %DV, spinach cups,
a day's plan checked against the data, the diet optimiser, and a claim to critique.

No data file is read when this module is imported: 05.top-density and 05.plan-day read foods.csv when an answer
is checked, and the reference of 05.spinach-cups is computed on first use (``deferred``), so the bank imports
without ``data/`` and a check says "cannot be checked"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mgcourse.checks import NotAttempted, Result, choice, deferred, exercise, explanation, function, is_stub, value

# --------------------------------------------------------------------------- 05.portion-mg (implement)


def _mg_in_portion(mg_per_100g, grams):
    if grams < 0:
        raise ValueError("grams must be >= 0")
    if mg_per_100g < 0:
        raise ValueError("mg_per_100g must be >= 0")
    return mg_per_100g * grams / 100.0


exercise(
    "05.portion-mg", name="portion_mg", kind="implement",
    title="Write mg_in_portion(mg_per_100g, grams): magnesium in a portion",
    grader=function(_mg_in_portion, [(550.0, 28.35), (79.0, 30.0), (87.0, 180.0), (27.0, 118.0), (0.0, 50.0),
                                     (592.0, 0.0)],
                    rtol=1e-9, raises=[((550.0, -10.0), ValueError), ((-5.0, 10.0), ValueError)],
                    describe=lambda a: f"mg_in_portion({a[0]:g}, {a[1]:g})"),
    library=("mgcourse.diet:mg_per_serving",),
    hints=("Food tables give nutrients per 100 g of edible food. How many 'hundreds of grams' is your portion?",
           "Scale linearly: the portion holds (grams / 100) times the per-100 g amount. Negative amounts make no sense.",
           "Two guards first (a negative amount of either argument is a ValueError that names the parameter); "
           "then the result is the per-100 g amount scaled by how many hundreds of grams the portion is. Test it "
           "on a portion you can do in your head, such as 200 g."),
)

# --------------------------------------------------------------------------- 05.top-density (compute)

MIN_KCAL = 10.0  # the chapter's rule: foods below 10 kcal per 100 g are left out of density rankings


def _eligible() -> pd.DataFrame:
    from mgcourse.data import load_foods

    foods = load_foods()
    foods = foods[foods["magnesium_mg_per_100g"].notna() & (foods["energy_kcal_per_100g"] >= MIN_KCAL)].copy()
    foods["density"] = foods["magnesium_mg_per_100g"] / foods["energy_kcal_per_100g"] * 100
    return foods.set_index(foods["ndb_no"].to_numpy())


def _as_ndb_list(answer):
    if isinstance(answer, pd.DataFrame):
        if "ndb_no" in answer.columns:
            answer = answer["ndb_no"]
        else:
            answer = answer.index
    if isinstance(answer, (pd.Series, pd.Index, np.ndarray)):
        answer = list(answer)
    if not isinstance(answer, (list, tuple)):
        raise TypeError("give a list of NDB numbers (or a DataFrame with an ndb_no column)")
    return [str(a).strip().zfill(5) for a in answer]


def _grade_top_density(answer):
    if is_stub(answer) or (isinstance(answer, (pd.DataFrame, pd.Series)) and answer.empty):
        raise NotAttempted
    try:
        ids = _as_ndb_list(answer)
    except TypeError as exc:
        return [Result(False, "the type of your answer", f"{exc}.")]
    foods = _eligible()
    dens = foods["density"].sort_values(ascending=False)
    tenth = float(dens.iloc[9])
    res = [Result(len(ids) == 10 and len(set(ids)) == 10, "ten different foods",
                  "" if len(ids) == 10 and len(set(ids)) == 10 else f"your answer has {len(ids)} entries, "
                                                                     f"{len(set(ids))} different.")]
    known = [i for i in ids if i in foods.index]
    ok = len(known) == len(ids)
    res.append(Result(ok, "every food has a magnesium value and at least 10 kcal per 100 g",
                      "" if ok else "some of your foods lack a magnesium value or have < 10 kcal per 100 g "
                                    "(or are not SR28 NDB numbers)."))
    top = ok and all(foods.loc[i, "density"] >= tenth - 1e-9 for i in ids)
    res.append(Result(top, "they are the ten highest in mg per 100 kcal",
                      "" if top else "at least one of your foods is not among the ten densest; did you sort "
                                     "by mg per 100 kcal (not per 100 g), highest first?"))
    return res


_grade_top_density.secrets = ()
exercise(
    "05.top-density", name="top_density", kind="compute",
    title="Top 10 foods by magnesium per 100 kcal, with pandas",
    grader=_grade_top_density,
    hints=("Start from `load_foods()`; you need a new column, a filter and a sort.",
           "Density = magnesium_mg_per_100g / energy_kcal_per_100g × 100. Drop foods without a magnesium value and "
           "those below 10 kcal per 100 g before you sort.",
           "Filter first with a boolean mask that combines two conditions (& between them, each in brackets), "
           "then add the density column, then keep the ten largest: pandas has a method that sorts and cuts in one."),
)

# --------------------------------------------------------------------------- 05.percent-dv (compute)
#: A fictional 2014 label (the chapter works pumpkin seeds; the exercise uses another product).
PERCENT_DV_MG = 95.0

exercise(
    "05.percent-dv", name="percent_dv", kind="compute",
    title="A 2014 granola-bar label: magnesium 95 mg per bar. %DV on a current label?",
    grader=value(PERCENT_DV_MG / 420 * 100, sig=2, what="your %DV",
                 mistakes={PERCENT_DV_MG / 400 * 100: "that is the old Daily Value of 400 mg; current labels use 420 mg.",
                           PERCENT_DV_MG / 420: "that is a fraction; %DV is a percentage (× 100).",
                           PERCENT_DV_MG / 320 * 100: "that is the RDA of an adult woman, not the Daily Value."}),
    hints=("%DV compares a serving with one reference amount printed on every US label.",
           "%DV = mg per serving / Daily Value × 100. Which Daily Value do current labels use?",
           "Since the 2016 label rule the magnesium DV is 420 mg (before: 400 mg). A %DV is a share of that "
           "reference amount, written as a percentage."),
)

# --------------------------------------------------------------------------- 05.spinach-cups (compute)


#: Swiss chard, boiled (SR28 11148, "1 cup, chopped") against raw spinach (11457, "1 cup"). The chapter works the
#: spinach-against-spinach comparison; the exercise uses another leafy green so it is not solved there.
CUP_FOOD_NDB, RAW_SPINACH_NDB = "11148", "11457"


def _cup_mg(ndb: str) -> float:
    from mgcourse.data import food_by_ndb

    f = food_by_ndb(ndb)
    return float(f["magnesium_mg_per_100g"] * f["measure1_g"] / 100)


def _spinach_ratio():
    return _cup_mg(CUP_FOOD_NDB) / _cup_mg(RAW_SPINACH_NDB)


def _boiled_spinach_ratio():
    from mgcourse import diet

    t = diet.spinach_cups(1.0).set_index("ndb_no")
    return float(t.loc["11458", "magnesium_mg"] / t.loc["11457", "magnesium_mg"])


def _spinach_cups_reference() -> dict:
    """The reference number of cups and four typical slips (reads foods.csv)."""
    return {"expected": _spinach_ratio(), "what": "your number of cups",
            "mistakes": {86 / 79: "that compares mg per 100 g only; a cup of cooked chard weighs much more than a cup "
                                  "of raw spinach.",
                         175 / 30: "that is the weight ratio only; the two foods also differ in mg per 100 g.",
                         79 / 86: "that compares mg per 100 g only, and upside down.",
                         _boiled_spinach_ratio(): "that is the chapter's boiled spinach (11458); this exercise "
                                                  "compares boiled Swiss chard (11148)."}}


exercise(
    "05.spinach-cups", name="spinach_cups", kind="compute",
    title="How many cups of raw spinach hold as much magnesium as 1 cup (chopped) of boiled Swiss chard?",
    grader=deferred(_spinach_cups_reference, sig=2),
    hints=("A 'cup' is a volume. Look up how many grams one cup of each food weighs in foods.csv (measure columns).",
           "Mg in one cup = grams per cup × mg per 100 g / 100, for raw spinach (11457) and boiled chard (11148).",
           "Read measure1_g and magnesium_mg_per_100g for both foods and work out the mg in one cup of each first; "
           "the question is then how many raw-spinach cups it takes to match the chard cup."),
)

# --------------------------------------------------------------------------- 05.plan-day (explore)

PLAN_AGE_YEARS, PLAN_SEX = 40, "male"
PLAN_MAX_KCAL, PLAN_MIN_KCAL, PLAN_MIN_FOODS, PLAN_MAX_ITEM_G = 2000.0, 1200.0, 4, 500.0


def _grade_plan(answer):
    from mgcourse import diet, intakes

    if is_stub(answer):
        raise NotAttempted
    if not isinstance(answer, str):
        return [Result(False, "your plan", "write the plan as text, e.g. '12014: 30 g; 11458: 1 cup'.")]
    try:
        items = diet.parse_meal(answer)
        table = diet.meal_totals(items)
    except ValueError as exc:
        return [Result(False, "your plan can be read", str(exc))]
    rda = intakes.rda(PLAN_AGE_YEARS, PLAN_SEX)
    mg, kcal = float(table["magnesium_mg"].sum(skipna=True)), float(table["energy_kcal"].sum())
    n_foods = table["ndb_no"].nunique()
    per_food = table.groupby("ndb_no")["grams"].sum()
    return [
        Result(True, "your plan can be read"),
        Result(n_foods >= PLAN_MIN_FOODS, f"at least {PLAN_MIN_FOODS} different foods",
               "" if n_foods >= PLAN_MIN_FOODS else f"your plan has {n_foods}."),
        Result(bool(per_food.max() <= PLAN_MAX_ITEM_G), f"no food above {PLAN_MAX_ITEM_G:.0f} g",
               "" if per_food.max() <= PLAN_MAX_ITEM_G else "one food is above the limit."),
        Result(mg >= rda, "magnesium reaches the RDA of a 40-year-old man",
               "" if mg >= rda else f"your plan gives {mg:.0f} mg; that is not enough yet."),
        Result(PLAN_MIN_KCAL <= kcal <= PLAN_MAX_KCAL, "energy between 1,200 and 2,000 kcal",
               "" if PLAN_MIN_KCAL <= kcal <= PLAN_MAX_KCAL else f"your plan has {kcal:.0f} kcal."),
    ]


_grade_plan.secrets = ()
exercise(
    "05.plan-day", name="plan_day", kind="explore",
    title="Plan a day that reaches the RDA of a 40-year-old man within 1,200–2,000 kcal",
    grader=_grade_plan,
    hints=("Use the meal planner: add foods until the total passes the dashed RDA line, and watch the energy.",
           "Energy is the hard part: lean on foods with many mg per 100 kcal (leafy greens, legumes, whole grains) "
           "and use nuts and seeds in ounces, not cups. A day also needs enough food, hence the 1,200 kcal floor.",
           "Start from a base of a cup each of cooked spinach and black beans, add whole grains and a handful of "
           "seeds, then fill up with ordinary foods until the energy is in range; check every item's unit."),
)

# --------------------------------------------------------------------------- 05.lp-setup (implement)


def _least_energy_grams(mg_per_g, kcal_per_g, caps_g, target_mg):
    from scipy.optimize import linprog

    mg, kcal, caps = (np.asarray(v, dtype=float) for v in (mg_per_g, kcal_per_g, caps_g))
    res = linprog(kcal, A_ub=-mg[None, :], b_ub=[-float(target_mg)], bounds=[(0.0, c) for c in caps], method="highs")
    if res.status != 0:
        raise ValueError(f"no plan reaches {target_mg} mg: {res.message}")
    return res.x


# spinach boiled (11458), pumpkin seed kernels roasted (12016), black beans boiled (16015), white rice cooked (20045)
_LP_MG = (0.87, 5.50, 0.70, 0.12)
_LP_KCAL = (0.23, 5.74, 1.32, 1.30)
_LP_CAPS = (180.0, 28.35, 172.0, 158.0)
exercise(
    "05.lp-setup", name="lp_setup", kind="implement",
    title="Write least_energy_grams(...): the least-energy plan as a linear programme",
    grader=function(_least_energy_grams,
                    [(_LP_MG, _LP_KCAL, _LP_CAPS, 100.0), (_LP_MG, _LP_KCAL, _LP_CAPS, 300.0),
                     (_LP_MG, _LP_KCAL, _LP_CAPS, 400.0), (_LP_MG[:2], _LP_KCAL[:2], _LP_CAPS[:2], 250.0)],
                    rtol=1e-6, atol=1e-4,
                    raises=[((_LP_MG, _LP_KCAL, _LP_CAPS, 1000.0), ValueError)],
                    describe=lambda a: f"{len(a[0])} foods, target {a[3]:g} mg"),
    library=("mgcourse.diet:optimise_diet",),
    hints=("Write down the three ingredients of linprog: the cost vector c, the inequality A_ub·x ≤ b_ub, and the bounds.",
           "linprog minimises c·x subject to A_ub·x ≤ b_ub. 'Magnesium at least the target' is Σ mg_i·x_i ≥ target; "
           "multiply both sides by −1 to turn ≥ into ≤. The caps go into bounds as (0, cap) pairs.",
           "The cost vector is the energy per gram. Build the one-row inequality from the magnesium per gram with "
           "the sign flipped (and the target flipped too), one (0, cap) bound per food, and check the solver's "
           "status before you return the grams: a failed solve must become a ValueError."),
)

# --------------------------------------------------------------------------- 05.optimiser-caps (explore)

exercise(
    "05.optimiser-caps", name="optimiser_caps", kind="explore",
    title="Diet optimiser: what happens when the cap per food is halved?",
    grader=choice("B", "ABCD", feedback={
        "A": "Look at the list of foods, not only the amounts: are they the same foods?",
        "C": "A tighter constraint can never make a minimum lower. Compare the energy in the two settings.",
        "D": "At half a portion per food the everyday foods can still reach the RDA; go lower to find where it fails."}),
    hints=("Set age 40, male, minimise energy, then move 'Cap per food' from 1.0 to 0.5.",
           "With caps, the optimiser fills the densest foods up to their caps, then moves to the next densest.",
           "Count the foods in the plan and read the energy at 1.0 and at 0.5."),
)

# --------------------------------------------------------------------------- 05.claim-critique (explain)

exercise(
    "05.claim-critique", name="claim_critique", kind="explain",
    title="Critique: 'our tablet gives 125 mg of magnesium, as much as 5 cups of spinach'",
    grader=explanation({
        "raw versus cooked spinach": ("raw", "cooked", "boiled", "wilt"),
        "weight of a cup (grams), not volume": ("gram", " g ", "weigh", "weight", "30 g", "180"),
        "food versus supplement (UL, or what else spinach gives)": ("supplement", "upper limit", "ul", "fibre",
                                                                    "fiber", "food", "absorb", "other nutrient"),
    }, min_words=40, need=2),
    model_answer="Partly supported, and misleading. Five cups of RAW spinach weigh only about 150 g (30 g per cup) "
                 "and hold about as much magnesium as the tablet; but five cups of BOILED spinach weigh about 900 g "
                 "(180 g per cup) and hold about six times more. A cup is a volume, so the comparison hides the "
                 "weight in grams and picks the flattering reading. The tablet is also a supplement: its magnesium "
                 "counts towards the upper limit (UL) of 350 mg/day for supplemental magnesium, while magnesium in "
                 "food has no upper limit, and spinach brings other nutrients and fibre as well.",
    rubric=("Distinguishes raw from cooked (boiled) spinach and says which reading the claim uses.",
            "Says that a cup is a volume and compares grams (about 30 g raw vs 180 g boiled per cup).",
            "Names a difference between a supplement and food: the UL of 350 mg/day applies to supplements only, "
            "or what else spinach provides."),
    hints=("Compute both readings of '5 cups': raw and boiled.",
           "A cup is a volume; what matters is grams. Look at the weight per cup of raw and of boiled spinach.",
           "Write what the comparison hides (which spinach? how many grams?), whether the claim is true, and one "
           "way a tablet differs from food (think of the UL)."),
)
