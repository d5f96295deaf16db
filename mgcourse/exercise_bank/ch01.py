"""Exercises of chapter 01 (the Python toolkit).

Food values are USDA SR28 (``data/foods.csv``, looked up by NDB number here, so a data rebuild carries
through); intake references are ``data/intakes.csv`` (IOM 1997; EFSA 2015). Glucose: 1 mmol/L = 18.0156 mg/dL
(molar mass 180.156 g/mol); magnesium: 1 mmol = 24.305 mg. The clearance data of exercise 1.6 are
**synthetic** (generated with a fixed seed), made to practise fitting, not measurements.
"""

from __future__ import annotations

import functools

import numpy as np

from mgcourse import data
from mgcourse.checks import Result, deferred, exercise, function
from mgcourse.units import GLUCOSE_MG_DL_PER_MMOL_L, MG_MOLAR_MASS_G_PER_MOL


@functools.lru_cache(maxsize=None)
def _mg_per_100g(ndb_no: str) -> float:
    return float(data.food_by_ndb(ndb_no)["magnesium_mg_per_100g"])


@functools.lru_cache(maxsize=None)
def _kcal_per_100g(ndb_no: str) -> float:
    return float(data.food_by_ndb(ndb_no)["energy_kcal_per_100g"])


def _rda(sex: str, age: float) -> float:
    t = data.load_intakes()
    row = t[(t.source_id == "IOM1997") & (t.measure == "RDA") & (t.life_stage == "general")
            & (t.sex.isin([sex, "any"])) & (t.age_min_years <= age) & (t.age_max_years.fillna(200) > age)]
    return float(row["value_mg_per_day"].iloc[0])


# Every reference value below is computed on first use (``deferred``), never when this module is imported:
# a course copy without data/ still imports the bank, and a check then says "cannot be checked".

# --------------------------------------------------------------------------- 1.1 compute: a food log in mmol
#: (NDB number, grams): oats 60 g, cooked spinach 180 g (1 cup), cooked black beans 150 g, a banana 118 g
LOG_11 = (("20038", 60.0), ("11458", 180.0), ("16015", 150.0), ("09040", 118.0))


def _food_log_mmol() -> dict:
    mg = sum(_mg_per_100g(n) * g / 100.0 for n, g in LOG_11)
    return {"expected": mg / MG_MOLAR_MASS_G_PER_MOL, "what": "your total in mmol/day", "mistakes": {
        mg: "that is the total in mg; the question asks for mmol.",
        mg * MG_MOLAR_MASS_G_PER_MOL: "you multiplied by the molar mass; from mg to mmol you divide.",
        sum(_mg_per_100g(n) for n, _ in LOG_11) / MG_MOLAR_MASS_G_PER_MOL:
            "you added the per-100 g values; each food's portion is not 100 g."}}


exercise(
    "01.food-log-mmol", name="food_log_mmol", kind="compute",
    title="Total magnesium of a day's food log in mmol/day, to 2 decimal places",
    grader=deferred(_food_log_mmol, decimals=2),
    hints=("Two steps: the magnesium in each portion (mg), then the total converted to mmol.",
           "A portion holds (mg per 100 g) × grams / 100. With NumPy arrays of the per-100 g values and of the "
           "grams, one multiplication does all four foods at once. 1 mmol of Mg weighs 24.305 mg.",
           "Concept: arrays in the same food order are multiplied element by element, so one expression gives "
           "every portion. First step: build the array of per-100 g values and the array of grams, and check one "
           "portion by hand (oats: 177 mg per 100 g, 60 g eaten) against your array's first element."),
)


# --------------------------------------------------------------------------- 1.2 implement: glucose on arrays
def _glucose_mmol_l(glucose_mg_dl):
    g = np.asarray(glucose_mg_dl, dtype=float)
    if np.any(g < 0):
        raise ValueError("glucose_mg_dl must be ≥ 0")
    return g / GLUCOSE_MG_DL_PER_MMOL_L


exercise(
    "01.glucose-array", name="glucose_array", kind="implement",
    title="Write glucose_mmol_l(glucose_mg_dl): a number or a NumPy array of mg/dL values, returned in mmol/L",
    grader=function(_glucose_mmol_l,
                    [(np.array([90.0, 126.0, 200.0]),), (100.0,), (np.array([0.0, 54.0]),),
                     (np.array([[70.0, 140.0], [99.0, 250.0]]),)],
                    rtol=1e-6, raises=[((np.array([90.0, -5.0]),), ValueError), ((-1.0,), ValueError)],
                    describe=lambda a: f"glucose_mmol_l({np.asarray(a[0]).tolist()!r})"),
    library=("mgcourse.units:convert",),
    hints=("Your function should not need a loop: NumPy divides a whole array at once.",
           "Glucose has a molar mass of 180.156 g/mol, so 1 mmol/L is 18.0156 mg/dL. np.asarray turns a number or "
           "a list into an array; np.any tests a condition on every element.",
           "Concept: guard first, compute after, and let NumPy broadcast. First step: turn the input into a float "
           "array, so that a number, a list and an array of any shape are handled alike; then think about which "
           "elements make the input invalid."),
)


# --------------------------------------------------------------------------- 1.3 implement: a labelled figure
def _figure_grader(func):
    from mgcourse.checks import NotAttempted, is_stub

    if is_stub(func):
        raise NotAttempted
    if not callable(func):
        return [Result(False, "your answer", f"expected a function, got {type(func).__name__}.")]
    ages = np.array([14.0, 19.0, 31.0, 51.0])            # IOM 1997 RDA bands (data/intakes.csv)
    men, women = np.array([410.0, 400.0, 420.0, 420.0]), np.array([360.0, 310.0, 320.0, 320.0])
    try:
        fig = func(ages, men, women)
    except NotImplementedError:
        raise NotAttempted from None
    except Exception as exc:
        return [Result(False, "calling your function", f"it raised {type(exc).__name__}: {exc}")]
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        return [Result(False, "the return value", f"return the Figure, got {type(fig).__name__}.")]
    axes = fig.get_axes()
    if not axes:
        return [Result(False, "the figure", "it has no axes.")]
    ax = axes[0]
    xl, yl = ax.get_xlabel(), ax.get_ylabel()
    results = [
        Result("(" in xl and ("year" in xl.lower() or " y)" in xl), "x-axis label with its unit",
               "" if "(" in xl else "label the x axis with the quantity and its unit in brackets, e.g. years."),
        Result("mg" in yl and "day" in yl and "(" in yl, "y-axis label with its unit",
               "" if "mg" in yl else "label the y axis with the quantity and its unit in brackets (mg per day)."),
    ]
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()] if legend is not None else []
    results.append(Result(len(labels) >= 2, "a legend naming both series",
                          "" if len(labels) >= 2 else "call ax.legend() after giving each line a label=."))
    lines = [ln for ln in ax.get_lines() if len(ln.get_ydata()) >= len(ages)]
    ys = [np.asarray(ln.get_ydata(), dtype=float) for ln in lines]
    has = [any(y.shape == s.shape and np.allclose(y, s) for y in ys) for s in (men, women)]
    results.append(Result(all(has), "both series drawn from the arguments",
                          "" if all(has) else "plot the two arrays you are given (with ax.plot or ax.step), "
                                              "not values typed in."))
    import matplotlib.pyplot as plt

    plt.close(fig)
    return results


_figure_grader.secrets = ()
exercise(
    "01.labelled-figure", name="labelled_figure", kind="implement",
    title="Write plot_intakes(ages_years, men_mg_per_day, women_mg_per_day) that returns a labelled Figure",
    grader=_figure_grader,
    hints=("A figure a reader can use says what is on each axis, in which unit, and which line is which.",
           "fig, ax = plt.subplots() gives you a figure and its axes; ax.plot(x, y, label=...) draws a labelled "
           "line; ax.set_xlabel and ax.set_ylabel name the axes (put the unit in brackets); ax.legend() shows "
           "the labels.",
           "Concept: a function that draws should create its own figure and hand it back to the caller. First "
           "step: make a new figure and axes inside the function and draw one of the two series with a label; "
           "the axis labels, the second series and the legend follow the same pattern."),
)

# --------------------------------------------------------------------------- 1.4 compute: filter + groupby
_GROUP = "Vegetables and Vegetable Products"


def _group_median() -> dict:
    foods = data.load_foods()
    by_group = foods.groupby("food_group")["magnesium_mg_per_100g"]
    return {"expected": float(by_group.median()[_GROUP]), "what": "your median", "mistakes": {
        float(by_group.mean()[_GROUP]): "that is the mean; the question asks for the median (the middle value).",
        float(foods["magnesium_mg_per_100g"].median()): "that is the median of all 8,790 foods, not of one group."}}


exercise(
    "01.group-median", name="group_median", kind="compute",
    title=f"Median magnesium (mg per 100 g) of the foods in '{_GROUP}', to 1 decimal place",
    grader=deferred(_group_median, decimals=1),
    hints=("Select the rows of one food group first, or let groupby split the table for you.",
           "df[df['food_group'] == name] keeps the rows of one group; df.groupby('food_group')[column].median() "
           "computes one median per group, and you can pick your group from the result by its name.",
           "Concept: a summary of one group is a filter followed by a summary. First step: load the foods table "
           "and count the rows whose food group is the one asked (a few hundred); then "
           "summarise their magnesium column with the middle value, not the average."),
)

# --------------------------------------------------------------------------- 1.5 compute: merge + RDA
#: almonds 28 g (1 oz), cooked long-grain brown rice 195 g, cooked spinach 90 g, 2 % milk 244 g (1 cup)
LOG_15 = (("12061", 28.0), ("20037", 195.0), ("11458", 90.0), ("01079", 244.0))


def _merge_rda() -> dict:
    mg = sum(_mg_per_100g(n) * g / 100.0 for n, g in LOG_15)
    rda_f, rda_m = _rda("female", 40), _rda("male", 40)
    return {"expected": 100.0 * mg / rda_f, "what": "your percentage of the RDA", "mistakes": {
        100.0 * mg / rda_m: "that RDA is the one for men.",
        mg: "that is the total in mg; express it as a percentage of the RDA.",
        mg / rda_f: "give a percentage, not a fraction."}}


exercise(
    "01.merge-rda", name="merge_rda", kind="compute",
    title="Merge a food log with foods.csv: what % of a 40-year-old woman's RDA does it supply? (1 decimal place)",
    grader=deferred(_merge_rda, decimals=1),
    hints=("The log has NDB numbers and grams; foods.csv has NDB numbers and mg per 100 g. Join them, then compare "
           "with the right row of intakes.csv.",
           "pd.merge(log, foods, on='ndb_no') adds the food columns to each log row (NDB numbers are strings with "
           "five digits). In intakes.csv the row you need has measure 'RDA', life_stage 'general', sex 'female' and "
           "an age range that contains 40.",
           "Concept: a merge lines up two tables on a shared key, after which each row has everything it needs. "
           "First step: merge and check that the result still has four rows (one per food); the magnesium of "
           "each portion is then a new column, and the RDA a separate filter of intakes.csv."),
)


# --------------------------------------------------------------------------- 1.6 compute: least_squares fit
def synthetic_clearance_data(seed: int = 11):
    """The synthetic measurements of exercise 1.6: (t_min, glucose_mg_dl). SYNTHETIC, for practice only."""
    t_min = np.arange(0.0, 121.0, 10.0)
    true_k, g0, gb = 0.022, 260.0, 85.0
    rng = np.random.default_rng(seed)
    g = gb + (g0 - gb) * np.exp(-true_k * t_min) + rng.normal(0.0, 6.0, t_min.size)
    return t_min, np.round(g, 1)


def _fit_k() -> dict:
    from scipy.optimize import least_squares

    t, g = synthetic_clearance_data()
    res = least_squares(lambda p: 85.0 + (260.0 - 85.0) * np.exp(-p[0] * t) - g, x0=[0.05], bounds=(0.0, 1.0))
    return {"expected": float(res.x[0]), "what": "your fitted k", "mistakes": {
        0.022: "that is the value used to generate the data; fit it from the noisy measurements (the fit will "
               "differ a little)."}}


exercise(
    "01.fit-k", name="fit_k", kind="compute",
    title="Fit the clearance rate constant k (per min) to the synthetic data with least_squares, to 4 decimal places",
    grader=deferred(_fit_k, decimals=4),
    hints=("least_squares needs a function that returns the residuals (model minus data) for a trial k.",
           "The model is G(t) = G_b + (G_0 − G_b)·exp(−k t) with G_b = 85 and G_0 = 260 mg/dL (given). "
           "least_squares(residuals, x0=[a starting guess]) returns an object whose .x holds the best parameters.",
           "Concept: the fit searches for the k that makes the residuals smallest in the least-squares sense. "
           "First step: write residuals(p) with k = p[0] and call it with a trial k such as 0.05 per min; it "
           "should return one number per measurement time. Then hand it to least_squares."),
)

# --------------------------------------------------------------------------- 1.7 compute: linprog
_OATS, _SPINACH = "20038", "11458"
_MG_NEED, _SPINACH_MAX_G = 320.0, 150.0


def _lp_energy() -> dict:
    spinach_mg = _mg_per_100g(_SPINACH) * _SPINACH_MAX_G / 100.0
    oats_g = (_MG_NEED - spinach_mg) / (_mg_per_100g(_OATS) / 100.0)
    kcal = _kcal_per_100g(_SPINACH) * _SPINACH_MAX_G / 100.0 + _kcal_per_100g(_OATS) * oats_g / 100.0
    return {"expected": kcal, "what": "your minimum energy", "mistakes": {
        _kcal_per_100g(_SPINACH) * _MG_NEED / _mg_per_100g(_SPINACH):
            "that plan ignores the limit of 150 g spinach: set it in bounds.",
        _kcal_per_100g(_OATS) * _MG_NEED / _mg_per_100g(_OATS): "that is oats alone; let the solver use spinach too."}}


exercise(
    "01.lp-energy", name="lp_energy", kind="compute",
    title="linprog: the least energy (kcal) from oats and cooked spinach that gives ≥ 320 mg Mg with ≤ 150 g "
          "spinach, to the nearest kcal",
    grader=deferred(_lp_energy, decimals=0),
    hints=("Decide the unknowns first (grams of each food), then write the cost and each constraint as a row of "
           "numbers per gram.",
           "linprog minimises c @ x subject to A_ub @ x ≤ b_ub and bounds. A 'greater than or equal' constraint "
           "becomes ≤ by multiplying both sides by −1. Per gram, a food gives (value per 100 g) / 100.",
           "Concept: a limit on one variable alone is a bound, a limit on a combination of variables is a row of "
           "A_ub. First step: write c, the energy per gram of oats and of spinach, in that order; the magnesium "
           "row follows the same per-gram logic with the sign turned round."),
)


# --------------------------------------------------------------------------- 1.8 implement: stability
def _is_stable(a):
    m = np.asarray(a, dtype=float)
    if m.shape != (2, 2):
        raise ValueError(f"a must be 2×2, got shape {m.shape}")
    return bool(np.all(np.linalg.eigvals(m).real < 0))


exercise(
    "01.stability", name="stability", kind="implement",
    title="Write is_stable(a): True when every eigenvalue of the 2×2 matrix a has a negative real part",
    grader=function(_is_stable,
                    [(np.array([[-1.0, 0.0], [0.0, -2.0]]),), (np.array([[0.5, 0.0], [0.0, -1.0]]),),
                     (np.array([[-0.1, -1.0], [1.0, -0.1]]),), (np.array([[0.0, 1.0], [-1.0, 0.0]]),),
                     (np.array([[-2.0, 3.0], [1.0, -1.0]]),), (np.array([[0.2, -1.0], [1.0, 0.2]]),)],
                    raises=[((np.eye(3),), ValueError)],
                    describe=lambda a: f"is_stable({np.asarray(a[0]).tolist()!r})"),
    library=("mgcourse.toolkit:eigen_stability",),
    hints=("Stability of dx/dt = A x is decided by the eigenvalues of A, not by its entries one by one.",
           "np.linalg.eigvals returns the eigenvalues, possibly complex; .real gives their real parts. A deviation "
           "shrinks only if every real part is below zero; a real part of exactly zero does not shrink.",
           "Concept: the matrix decides through its eigenvalues, and only their real parts matter. First step: "
           "reject any input whose shape is not 2×2 with a ValueError; then look at what np.linalg.eigvals "
           "returns for one stable and one unstable example before you write the test."),
)
