"""Chapter 5: magnesium in food.

Everything the food-sources chapter computes lives here as plain functions:

* **nutrient density** and rankings of the USDA SR28 foods (``data/foods.csv``)
  per serving, per 100 g and per 100 kcal, by food group;
* the NIH ODS food table checked against SR28 (:func:`ods_check`);
* a **meal planner** with a pure core: :func:`parse_meal` (text → items, with clear
  ``ValueError`` messages), :func:`grams_for` (household measures → grams),
  :func:`meal_totals` (items → table), and the registered callback ``05.meal_planner``;
* **diet optimisation** with :func:`scipy.optimize.linprog` (HiGHS):
  :func:`optimise_diet` returns a :class:`DietResult` (status and message, never a crash);
* popular **claims** recomputed from the data (:func:`check_claims`).

Sources. Food composition: U.S. Department of Agriculture, Agricultural Research
Service, Nutrient Data Laboratory. USDA National Nutrient Database for Standard
Reference, Release 28 (2015, revised May 2016). Intakes: IOM 1997 (RDA/AI/UL;
doi:10.17226/5776), EFSA NDA Panel 2015 (AI; doi:10.2903/j.efsa.2015.4186), via
:mod:`mgcourse.intakes`. Daily Value 420 mg (old labels: 400 mg). The US upper limit
(350 mg/day from 9 y; 65 mg at 1–3 y; 110 mg at 4–8 y) applies to supplemental
magnesium only: magnesium in food has no upper limit (IOM 1997, p. 242).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgcourse import data, intakes
from mgcourse._registry import register_benchmark
from mgcourse._stamped_text import stamp
from mgcourse._validate import ArgumentTypeError, as_int, as_str, choice, in_range, instance_of
from mgcourse.style import OKABE_ITO, ROLE_COLORS, new_figure, register_figure
from mgcourse.widgets import Dropdown, Slider, Text, View, register

# --------------------------------------------------------------------------- constants

#: Foods with less energy than this (kcal per 100 g) are left out of per-100-kcal rankings:
#: waters, teas, brewed coffee and clear broths have ~0 kcal, so their "density" is huge or
#: infinite although litres would be needed (a course choice, stated wherever it is used).
DENSITY_MIN_KCAL_PER_100G = 10.0
#: One ounce in grams as SR28 uses it in its household measures ("1 oz" = 28.35 g).
OZ_G = 28.35
#: Largest amount of one food the planner accepts (g): a guard against typos (e.g. 30 kg).
MAX_ITEM_G = 5000.0
#: Largest amount :func:`spinach_cups` accepts: 25 cups of boiled spinach (180 g per cup) stay below MAX_ITEM_G.
SPINACH_MAX_CUPS = 25.0
#: Largest portion :func:`mg_per_serving` accepts, g (100 kg: far beyond any portion; keeps the product finite).
MAX_SERVING_G = 100_000.0
DAILY_VALUE_MG = intakes.DAILY_VALUE_MG  # 420 mg (FDA); the ODS %DV column is mg / 420
OLD_DAILY_VALUE_MG = intakes.OLD_DAILY_VALUE_MG  # 400 mg, pre-2016 labels and many web tables

RANK_BASES = {
    "per_100kcal": ("mg_per_100kcal", "Mg per 100 kcal (mg)"),
    "per_100g": ("magnesium_mg_per_100g", "Mg per 100 g (mg)"),
    "per_serving": ("mg_per_measure1", "Mg per household measure 1 (mg)"),
}


# --------------------------------------------------------------------------- the food table

@functools.lru_cache(maxsize=1)
def _food_table() -> pd.DataFrame:
    foods = data.load_foods()
    kcal = foods["energy_kcal_per_100g"].to_numpy(dtype=float)
    mg = foods["magnesium_mg_per_100g"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dens = np.where(kcal >= DENSITY_MIN_KCAL_PER_100G, mg / kcal * 100.0, np.nan)
    foods["mg_per_100kcal"] = dens
    foods["mg_per_measure1"] = mg * foods["measure1_g"].to_numpy(dtype=float) / 100.0
    foods.index = pd.Index(foods["ndb_no"].to_numpy(), name=None)
    return foods


def food_table() -> pd.DataFrame:
    """All 8,790 SR28 foods (index = ``ndb_no``) with two derived columns.

    ``mg_per_100kcal``: magnesium density, mg per 100 kcal; NaN when Mg is missing or the food
    has < :data:`DENSITY_MIN_KCAL_PER_100G` kcal per 100 g. ``mg_per_measure1``: mg in the
    food's first household measure (``measure1_g`` grams).
    """
    return _food_table().copy()


def _ndb_key(ndb_no) -> str:
    """The 5-digit NDB key of a food in the table (same rules and messages as :func:`mgcourse.data.food_by_ndb`)."""
    if isinstance(ndb_no, str):
        key = ndb_no.strip()
        if key.isdigit() and len(key) <= 5 and key.zfill(5) in _food_table().index:
            return key.zfill(5)  # fast path: a hash lookup instead of a scan
    return data.food_by_ndb(ndb_no)["ndb_no"]  # validates, zero-pads, raises ValueError if unknown


def _food(ndb_no) -> pd.Series:
    """The food-table row of one NDB number (ValueError naming it if unknown)."""
    return _food_table().loc[_ndb_key(ndb_no)]


def mg_per_serving(mg_per_100g: float, grams: float) -> float:
    """Magnesium in a portion (mg) from the per-100 g value and the portion's weight (g).

    >>> round(mg_per_serving(550, 28.35), 1)   # roasted pumpkin seed kernels, 1 oz
    155.9
    """
    from mgcourse._validate import in_range

    mg = in_range("mg_per_100g", mg_per_100g, 0, 100_000, unit="mg/100 g")
    g = in_range("grams", grams, 0, MAX_SERVING_G, unit="g")
    return mg * g / 100.0


def mg_per_100kcal(mg_per_100g: float, energy_kcal_per_100g: float,
                   min_kcal_per_100g: float = DENSITY_MIN_KCAL_PER_100G) -> float:
    """Magnesium density (mg per 100 kcal); NaN for foods below ``min_kcal_per_100g``.

    >>> round(mg_per_100kcal(79, 23), 1)         # raw spinach
    343.5
    """
    from mgcourse._validate import in_range

    mg = in_range("mg_per_100g", mg_per_100g, 0, 100_000, unit="mg/100 g")
    kcal = in_range("energy_kcal_per_100g", energy_kcal_per_100g, 0, 1000, unit="kcal/100 g")
    floor = in_range("min_kcal_per_100g", min_kcal_per_100g, 0, 1000, unit="kcal/100 g")
    if kcal < max(floor, 1e-9):
        return float("nan")
    return mg / kcal * 100.0


def rank_foods(by: str = "per_100kcal", *, n: int = 10, food_group: str | None = None,
               min_kcal_per_100g: float = DENSITY_MIN_KCAL_PER_100G) -> pd.DataFrame:
    """The ``n`` richest foods in magnesium.

    ``by`` is ``"per_100kcal"`` (density), ``"per_100g"`` or ``"per_serving"`` (household measure 1
    of SR28, whatever it is: 1 cup, 1 oz, 1 fillet …). ``food_group`` restricts to one SR28 group
    (see :func:`food_groups`). Foods without a magnesium value are skipped; for ``per_100kcal``,
    foods with less than ``min_kcal_per_100g`` kcal per 100 g are left out (waters, teas, coffee).
    """
    from mgcourse._validate import in_range

    choice("by", by, tuple(RANK_BASES))
    n = as_int("n", n, 1, 500)
    floor = in_range("min_kcal_per_100g", min_kcal_per_100g, 0, 1000, unit="kcal/100 g")
    foods = _food_table()
    if food_group is not None and food_group != "all":
        if food_group not in food_groups():
            raise ValueError(f"food_group must be 'all' or one of the SR28 groups, e.g. 'Nut and Seed Products' "
                             f"(got {food_group!r})")
        foods = foods[foods["food_group"] == food_group]
    col = RANK_BASES[by][0]
    if by == "per_100kcal" and floor != DENSITY_MIN_KCAL_PER_100G:
        kcal = foods["energy_kcal_per_100g"]
        foods = foods.assign(mg_per_100kcal=(foods["magnesium_mg_per_100g"] / kcal * 100).where(kcal >= max(floor, 1e-9)))
    ranked = foods.dropna(subset=[col]).sort_values([col, "ndb_no"], ascending=[False, True]).head(n)
    cols = ["ndb_no", "description", "food_group", "energy_kcal_per_100g", "magnesium_mg_per_100g",
            "mg_per_100kcal", "measure1_desc", "measure1_g", "mg_per_measure1"]
    return ranked[cols].reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def food_groups() -> tuple[str, ...]:
    """The food groups of ``foods.csv``, sorted (the 'Other …' group last)."""
    groups = sorted(set(_food_table()["food_group"]))
    return tuple(sorted(groups, key=lambda g: (g.startswith("Other"), g)))


def group_density_summary() -> pd.DataFrame:
    """Per food group: number of foods with a density, median and 90th percentile of mg per 100 kcal."""
    foods = _food_table().dropna(subset=["mg_per_100kcal"])
    g = foods.groupby("food_group")["mg_per_100kcal"]
    out = pd.DataFrame({"foods": g.size(), "median_mg_per_100kcal": g.median(),
                        "p90_mg_per_100kcal": g.quantile(0.9)})
    return out.sort_values("median_mg_per_100kcal", ascending=False)


#: Whole vs refined pairs (SR28 NDB numbers): (label, whole, refined).
GRAIN_PAIRS = (
    ("Bread (commercial)", "18075", "18069"),
    ("Rice, long-grain, cooked", "20037", "20045"),
    ("Wheat flour", "20080", "20081"),
)


def grain_comparison() -> pd.DataFrame:
    """Whole vs refined grains from SR28: Mg per 100 g and per 100 kcal, and the ratio whole/refined."""
    rows = []
    for label, whole, refined in GRAIN_PAIRS:
        w, r = _food(whole), _food(refined)
        rows.append({"pair": label, "whole": w["description"], "refined": r["description"],
                     "whole_mg_per_100g": w["magnesium_mg_per_100g"], "refined_mg_per_100g": r["magnesium_mg_per_100g"],
                     "whole_mg_per_100kcal": w["mg_per_100kcal"], "refined_mg_per_100kcal": r["mg_per_100kcal"],
                     "ratio_whole_to_refined": w["magnesium_mg_per_100g"] / r["magnesium_mg_per_100g"]})
    return pd.DataFrame(rows)


def spinach_cups(cups: float = 1.0) -> pd.DataFrame:
    """Magnesium in ``cups`` cups of raw (11457) and boiled (11458) spinach, using SR28's '1 cup' weights."""
    from mgcourse._validate import in_range

    cups = in_range("cups", cups, 0, SPINACH_MAX_CUPS, low_inclusive=False, unit="cups")
    rows = []
    for ndb, state in (("11457", "raw"), ("11458", "boiled, drained")):
        f = _food(ndb)
        g = grams_for(ndb, cups, "cup")
        rows.append({"ndb_no": ndb, "spinach": state, "cups": cups, "g_per_cup": g / cups, "grams": g,
                     "magnesium_mg_per_100g": f["magnesium_mg_per_100g"],
                     "magnesium_mg": g * f["magnesium_mg_per_100g"] / 100.0,
                     "energy_kcal": g * f["energy_kcal_per_100g"] / 100.0})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- ODS table

def ods_check() -> pd.DataFrame:
    """The NIH ODS table with, where the table gives grams and an SR28 record, the recomputed value.

    ``sr28_mg`` = SR28 mg per 100 g × ``serving_g`` / 100; ``difference_mg`` = sr28_mg − ODS mg.
    Rows without grams (the ODS record is unknown, or not checked) stay empty.
    """
    ods = data.load_ods_food_table()
    foods = _food_table()
    sr_mg, sr_desc = [], []
    for ndb, grams in zip(ods["sr28_ndb_no"], ods["serving_g"]):
        if isinstance(ndb, str) and ndb and not pd.isna(grams):
            f = foods.loc[ndb]
            sr_mg.append(f["magnesium_mg_per_100g"] * grams / 100.0)
            sr_desc.append(f["description"])
        else:
            sr_mg.append(np.nan)
            sr_desc.append("")
    out = ods[["rank", "food", "serving", "magnesium_mg", "percent_dv", "serving_g", "sr28_ndb_no"]].copy()
    out["sr28_description"] = sr_desc
    out["sr28_mg"] = sr_mg
    out["difference_mg"] = out["sr28_mg"] - out["magnesium_mg"]
    out["percent_old_dv"] = out["magnesium_mg"] / OLD_DAILY_VALUE_MG * 100.0
    return out


#: ODS rows that do not match SR28: (food, ODS mg, SR28 record, grams used).
ODS_MISMATCHES = (("Chia seeds, 1 oz", 111.0, "12006", OZ_G), ("Potato, baked with skin, 3.5 oz", 43.0, "11674", 100.0))


def ods_mismatches() -> pd.DataFrame:
    """Chia seeds and baked potato: the ODS value vs the nearest SR28 record (they disagree)."""
    rows = []
    for food, ods_mg, ndb, grams in ODS_MISMATCHES:
        f = _food(ndb)
        rows.append({"food": food, "ods_mg": ods_mg, "sr28_ndb_no": ndb, "sr28_description": f["description"],
                     "grams": grams, "sr28_mg": f["magnesium_mg_per_100g"] * grams / 100.0})
    out = pd.DataFrame(rows)
    out["ods_over_sr28"] = out["ods_mg"] / out["sr28_mg"]
    return out


# --------------------------------------------------------------------------- household measures

@dataclass(frozen=True)
class Measure:
    """A unit the planner accepts for one food: ``name`` (e.g. ``"cup, sliced"``) and grams per 1 unit."""

    name: str
    g_per_unit: float
    source: str  # "SR28 measure 1", "SR28 measure 2" or "unit"


_MEASURE_RE = re.compile(r"^\s*(\d*\.?\d+(?:/\d+)?)\s+(.+)$")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().strip()
    return re.sub(r"\s+", " ", text).strip(" ,.")


def food_measures(ndb_no) -> list[Measure]:
    """Units accepted for one food: ``g``, ``kg``, ``oz`` and SR28's household measures 1 and 2.

    A household measure ".5 fillet" of 159 g becomes ``Measure("fillet", 318.0, ...)``: grams per
    *one* unit, so that "1 fillet" and "0.5 fillet" both work.
    """
    f = _food(ndb_no)
    out = [Measure("g", 1.0, "unit"), Measure("kg", 1000.0, "unit"), Measure("oz", OZ_G, "unit")]
    for k in (1, 2):
        desc, grams = f[f"measure{k}_desc"], f[f"measure{k}_g"]
        if not isinstance(desc, str) or not desc.strip() or pd.isna(grams) or grams <= 0:
            continue
        m = _MEASURE_RE.match(desc)
        qty, name = (m.group(1), m.group(2)) if m else ("1", desc)
        try:
            q = float(qty.split("/")[0]) / float(qty.split("/")[1]) if "/" in qty else float(qty)
        except (ValueError, ZeroDivisionError):
            q = 0.0
        if q <= 0:
            continue
        name = _norm(name)
        if name in {"g", "kg"} or any(x.name == name for x in out):
            continue  # "1 oz" measures duplicate the oz unit; keep the first
        out.append(Measure(name, float(grams) / q, f"SR28 measure {k}"))
    return out


def grams_for(ndb_no, amount: float, unit: str) -> float:
    """Grams of food in ``amount`` × ``unit`` (``g``, ``kg``, ``oz`` or one of the food's SR28 measures).

    A unit may be abbreviated to the start of a measure name when that is unambiguous ("cup" for
    "cup, chopped"); when several measures start with it, the error lists them.
    """
    from mgcourse._validate import as_float

    amt = as_float("amount", amount)
    if amt <= 0:
        raise ValueError(f"amount must be greater than 0 (got {amt:g} for food {ndb_no})")
    if not isinstance(unit, str) or not unit.strip():
        raise ValueError(f"unit must be 'g', 'oz' or a household measure of food {ndb_no} (got {unit!r})")
    u = _norm(unit)
    u = {"gram": "g", "grams": "g", "gr": "g", "ounce": "oz", "ounces": "oz", "cups": "cup", "slices": "slice",
         "tbsp.": "tbsp", "tablespoon": "tbsp", "tablespoons": "tbsp", "teaspoon": "tsp", "teaspoons": "tsp"}.get(u, u)
    measures = food_measures(ndb_no)
    exact = [m for m in measures if m.name == u]
    found = exact or [m for m in measures if m.name.startswith(u + ",") or m.name.startswith(u + " (")]
    if len(found) > 1:
        opts = "; ".join(f"'{m.name}' ({m.g_per_unit:.0f} g)" for m in found)
        raise ValueError(f"unit {unit!r} is ambiguous for food {_food(ndb_no)['ndb_no']}: it could be {opts}")
    if not found:
        f = _food(ndb_no)
        opts = ", ".join(f"'{m.name}'" + (f" ({m.g_per_unit:.0f} g)" if m.source != "unit" else "") for m in measures)
        raise ValueError(f"unknown unit {unit!r} for food {f['ndb_no']} ({f['description']}); allowed: {opts}")
    grams = amt * found[0].g_per_unit
    if grams > MAX_ITEM_G:
        raise ValueError(f"amount must be at most {MAX_ITEM_G:.0f} g of one food (got {amt:g} {unit} = {grams:.0f} g)")
    return grams


# --------------------------------------------------------------------------- the meal planner

@dataclass(frozen=True)
class MealItem:
    """One line of a meal: an SR28 NDB number, an amount and its unit (``g``, ``oz`` or a household measure)."""

    ndb_no: str
    amount: float
    unit: str

    def spec(self) -> str:
        return f"{self.ndb_no}: {self.amount:g} {self.unit}"


#: A meal is a list of items.
Meal = list

_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}
_AMOUNT_RE = re.compile(
    r"^(?P<amount>[-+]?\s*(?:\d+\s+\d+/\d+|\d+\s*[½¼¾⅓⅔⅛]|\d+/\d+|\d*\.?\d+(?:e[-+]?\d+)?|[½¼¾⅓⅔⅛]))\s*(?P<unit>.*)$",
    re.I)


def parse_amount(text: str) -> tuple[float, str]:
    """Split ``"1/4 cup"``, ``"½ cup"``, ``"1 1/2 cup"``, ``"30 g"`` or ``"30g"`` into (amount, unit).

    Raises ValueError for text without a leading number, and for amounts <= 0 (the message starts
    with the parameter's name, ``text``).
    """
    try:
        return _parse_amount(text)
    except ValueError as exc:
        raise type(exc)(f"text: {exc}") from None


def _parse_amount(text: str) -> tuple[float, str]:
    """:func:`parse_amount` with the messages :func:`parse_meal` shows for one item."""
    if not isinstance(text, str):
        raise ValueError(f"amount must be text such as '30 g' or '1 cup' (got {text!r})")
    m = _AMOUNT_RE.match(text.strip())
    if not m:
        raise ValueError(f"amount must start with a number, as in '30 g' or '1/2 cup' (got {text.strip()!r})")
    raw, unit = m.group("amount").replace(" ", ""), m.group("unit").strip()
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = raw.lstrip("+-")
    if raw and raw[-1] in _FRACTIONS:
        value = (float(raw[:-1]) if raw[:-1] else 0.0) + _FRACTIONS[raw[-1]]
    elif "/" in raw:
        parts = m.group("amount").strip().lstrip("+-").split()
        whole = float(parts[0]) if len(parts) == 2 else 0.0
        num, den = parts[-1].split("/")
        if float(den) == 0:
            raise ValueError(f"amount has a zero denominator (got {text.strip()!r})")
        value = whole + float(num) / float(den)
    else:
        value = float(raw)
    value *= sign
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"amount must be greater than 0 (got {value:g} in {text.strip()!r})")
    if not unit:
        raise ValueError(f"amount {text.strip()!r} has no unit: write e.g. '30 g', '1 oz' or '1 cup'")
    return value, unit


def parse_meal(spec: str) -> list[MealItem]:
    """Parse a meal written as text into :class:`MealItem` objects, checking every food and unit.

    Format: items separated by ``;`` or new lines, each ``NDB: amount unit``, e.g.
    ``"12014: 30 g; 11458: 1 cup; 09040: 1 cup, sliced"``. Raises ValueError naming the
    item for an unknown NDB number, an unknown or ambiguous unit, or an amount <= 0.
    """
    if not isinstance(spec, str):
        raise ArgumentTypeError(f"spec (the meal) must be text such as '12014: 30 g; 11458: 1 cup' "
                                f"(got {type(spec).__name__})")
    parts = [p.strip() for p in re.split(r"[;\n]", spec) if p.strip()]
    if not parts:
        raise ValueError("the meal is empty: write items such as '12014: 30 g; 11458: 1 cup' (NDB number: amount unit)")
    if len(parts) > 60:
        raise ValueError(f"the meal has {len(parts)} items; at most 60 are allowed")
    items = []
    for k, part in enumerate(parts, 1):
        if ":" not in part:
            raise ValueError(f"item {k} ({part!r}) must look like 'NDB: amount unit', e.g. '11458: 1 cup'")
        ndb, rest = (s.strip() for s in part.split(":", 1))
        try:
            row = _food(ndb)
        except ValueError as exc:
            raise ValueError(f"item {k}: unknown food: {exc}") from None
        try:
            amount, unit = _parse_amount(rest)
            grams_for(row["ndb_no"], amount, unit)  # validates the unit and the size
        except ValueError as exc:
            raise ValueError(f"item {k} ({part!r}): {exc}") from None
        items.append(MealItem(row["ndb_no"], amount, _norm(unit)))
    return items


def _meal_items(items) -> list[MealItem]:
    """``items`` as a list of :class:`MealItem` (from MealItems or ``(ndb_no, amount, unit)`` tuples)."""
    if isinstance(items, (str, bytes)) or not isinstance(items, (list, tuple)):
        raise ArgumentTypeError(f"items must be a list of MealItem objects or (ndb_no, amount, unit) tuples, "
                                f"e.g. from parse_meal(); got {type(items).__name__}: {items!r:.60}")
    out = []
    for k, it in enumerate(items, 1):
        if isinstance(it, MealItem):
            out.append(it)
        elif isinstance(it, (list, tuple)) and len(it) == 3:
            out.append(MealItem(*it))
        else:
            raise ArgumentTypeError(f"items: entry {k} must be a MealItem or an (ndb_no, amount, unit) tuple, "
                                    f"got {it!r:.60}")
    return out


def format_meal(items) -> str:
    """The text form of a list of :class:`MealItem` (what :func:`parse_meal` reads back)."""
    return "; ".join(i.spec() for i in _meal_items(items))


MEAL_COLUMNS = ["ndb_no", "food", "amount", "unit", "grams", "energy_kcal", "magnesium_mg", "protein_g"]


def meal_totals(items) -> pd.DataFrame:
    """One row per item: grams, energy (kcal), magnesium (mg), protein (g), computed from SR28 per-100 g values.

    ``items`` are :class:`MealItem` objects or ``(ndb_no, amount, unit)`` tuples. Magnesium is NaN for
    the few SR28 foods that have no magnesium value (see :func:`meal_summary`).
    """
    items = _meal_items(items)
    foods = _food_table()
    rows = []
    for it in items:
        g = grams_for(it.ndb_no, it.amount, it.unit)
        f = foods.loc[_ndb_key(it.ndb_no)]
        rows.append({"ndb_no": f["ndb_no"], "food": f["description"], "amount": float(it.amount), "unit": it.unit,
                     "grams": g, "energy_kcal": g * f["energy_kcal_per_100g"] / 100.0,
                     "magnesium_mg": g * f["magnesium_mg_per_100g"] / 100.0,
                     "protein_g": g * f["protein_g_per_100g"] / 100.0})
    return pd.DataFrame(rows, columns=MEAL_COLUMNS)


@dataclass
class MealSummary:
    """Totals of a meal against the learner's RDA."""

    magnesium_mg: float
    energy_kcal: float
    protein_g: float
    grams: float
    rda_mg: float
    percent_rda: float
    percent_dv: float
    unknown_mg: list = field(default_factory=list)  # foods without a magnesium value in SR28


def meal_summary(items, age_years: float, sex: str) -> MealSummary:
    """Total magnesium, energy and protein of a meal, and % of the RDA (IOM 1997) and of the DV (420 mg)."""
    return _summary(meal_totals(items), age_years, sex)


def _summary(table: pd.DataFrame, age_years: float, sex: str, rda: float | None = None) -> MealSummary:
    rda = intakes.rda(age_years, sex) if rda is None else rda
    mg = float(table["magnesium_mg"].sum(skipna=True))
    unknown = table.loc[table["magnesium_mg"].isna(), "food"].tolist()
    return MealSummary(mg, float(table["energy_kcal"].sum()), float(table["protein_g"].sum(skipna=True)),
                       float(table["grams"].sum()), rda, mg / rda * 100.0, mg / DAILY_VALUE_MG * 100.0, unknown)


def _person(age_years: float, sex: str) -> str:
    age = float(age_years)
    if age < 18:
        return f"a {age:g}-year-old {'boy' if sex == 'male' else 'girl'}"
    return f"a {age:g}-year-old {'man' if sex == 'male' else 'woman'}"


DEFAULT_MEAL = "12014: 30 g; 11458: 1 cup; 16015: 1 cup; 20037: 1 cup; 09040: 1 cup, sliced; 01117: 1 container, (8 oz)"


#: SR28 abbreviations -> words, for learner-facing names (course design §6).
_SR28_WORDS = {
    "W/O": "without", "WO/": "without ", "W/": "with ", "WO": "without", "SD": "seeds", "SDS": "seeds",
    "KRNLS": "kernels", "DRIE": "dried", "DRND": "drained", "CKD": "cooked", "BLD": "boiled", "RSTD": "roasted",
    "SLT": "salt", "FRZ": "frozen", "CND": "canned", "UNCKD": "uncooked", "UNENR": "unenriched",
    "ENR": "enriched", "PREP": "prepared", "WHL": "whole", "GRN": "grain", "VAR": "variety", "VEG": "vegetable",
    "CHOC": "chocolate", "FLR": "flour", "RTE": "ready-to-eat", "SWTND": "sweetened", "UNSWTND": "unsweetened",
    "NFS": "not further specified", "PDR": "powder", "LN": "lean", "FLSH": "flesh", "SKN": "skin",
    "PNUTS": "peanuts", "BNS": "beans", "NONFAT": "non-fat", "LOWFAT": "low-fat", "FORT": "fortified",
    "UNSALTED": "unsalted", "DK": "dark", "LT": "light", "PLN": "plain", "CRM": "cream", "CHS": "cheese",
    "MIX": "mix", "SPRD": "spread", "COMM": "commercial", "HMD": "home-made", "RAW": "raw", "DRY": "dry",
}


def readable_food_name(description: str, max_len: int | None = None) -> str:
    """A learner-facing name from an SR28 description: "SPINACH,CKD,BLD,DRND,WO/SALT" ->
    "Spinach, cooked, boiled, drained, without salt" (abbreviations expanded, sentence case).

    A missing description (None, NaN or blank text) gives "–"; ``max_len`` (≥ 2 characters, or None)
    shortens the name at a word boundary with "…"."""
    import re as _re

    if max_len is not None:
        max_len = as_int("max_len", max_len, 2, 10_000, unit="characters")
    if description is None or (isinstance(description, float) and math.isnan(description)):
        return "–"  # a missing description in a table (None/NaN): shown as a dash
    if not isinstance(description, str):
        raise ArgumentTypeError(f"description must be a food description (text), got {description!r} "
                                f"({type(description).__name__})")
    if not description.strip():
        return "–"
    parts = []
    for part in description.replace("&", " and ").split(","):
        words = []
        for tok in part.split():
            up = tok.upper()
            m = _re.match(r"^(W/O|WO/|W/)(.*)$", up)
            if m:
                words.append((_SR28_WORDS[m.group(1)] + m.group(2)).strip().lower())
            else:
                words.append(_SR28_WORDS.get(up, tok).lower())
        if words:
            parts.append(" ".join(words))
    name = ", ".join(parts)
    name = name[:1].upper() + name[1:]
    if max_len and len(name) > max_len:
        cut = name[:max_len - 1].rsplit(" ", 1)[0].rstrip(",")
        name = cut + "…"
    return name


def meal_figure(table: pd.DataFrame, rda_mg: float, title: str = ""):
    """Horizontal bars: Mg of each item and the total, with the RDA as a dashed line; energy in the labels."""
    instance_of("table", table, pd.DataFrame, what="DataFrame from meal_totals()")
    missing = [c for c in ("food", "grams", "magnesium_mg", "energy_kcal") if c not in table.columns]
    if missing:
        raise ValueError(f"table must be the DataFrame returned by meal_totals(); it has no column {', '.join(missing)}")
    rda_mg = in_range("rda_mg", rda_mg, 0, 5000, low_inclusive=False, unit="mg/day")
    title = as_str("title", title)
    return _meal_figure(table, rda_mg, title, rda_mg)[0]


def _meal_figure(table: pd.DataFrame, rda_mg: float, title: str, rda_max_mg: float):
    """:func:`meal_figure` and its changing artists; the x axis holds every RDA up to ``rda_max_mg``."""
    fig, ax = new_figure(figsize=(7.6, 0.45 * (len(table) + 1) + 1.6))
    labels = [f"{readable_food_name(d, 34)} ({g:.0f} g)" for d, g in zip(table["food"], table["grams"])]
    mg = table["magnesium_mg"].fillna(0.0).to_numpy()
    kcal = table["energy_kcal"].to_numpy()
    y = np.arange(len(table) + 1)[::-1]
    ax.barh(y[1:], mg, color=ROLE_COLORS["magnesium"], edgecolor="black", linewidth=0.5)
    ax.barh(y[:1], [mg.sum()], color=OKABE_ITO["blue"], edgecolor="black", linewidth=0.5)
    values = []
    for yy, m, k in zip(y, [mg.sum(), *mg], [kcal.sum(), *kcal]):
        t = ax.text(m, yy, f" {m:.0f} mg · {k:.0f} kcal", va="center", fontsize=10, zorder=4,
                    bbox=dict(facecolor="white", edgecolor="none", pad=1.0, alpha=0.9))
        values.append((m, t))
    line = ax.axvline(rda_mg, color=ROLE_COLORS["reference"], linestyle="--", linewidth=1.8,
                      label=f"RDA {rda_mg:.0f} mg/day", zorder=2)
    ax.set_yticks(y, ["TOTAL", *labels])
    ax.set_xlabel("magnesium (mg)")
    ax.set_xlim(0, max(mg.sum(), rda_max_mg) * 1.35)
    legend = ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    # the labels the RDA line can cross (those starting left of the highest RDA): drawn over it when it moves
    crossed = [t for m, t in values if m <= rda_max_mg * 1.02]
    stamp(*crossed, *legend.get_texts(), ax.title)  # redrawn on every move: from cached bitmaps (see _stamped_text)
    return fig, {"ax": ax, "rda_line": line, "legend": legend, "crossed": crossed}


def _rda(age_years, sex) -> float:
    """:func:`mgcourse.intakes.rda` for a panel (cached: a table lookup costs ~6 ms, a slider move has 40)."""
    return _rda_cached(float(age_years), str(sex))


@functools.lru_cache(maxsize=512)
def _rda_cached(age_years: float, sex: str) -> float:
    return intakes.rda(age_years, sex)


@functools.lru_cache(maxsize=4)
def _rda_max(age_min: float, age_max: float) -> float:
    """The highest RDA (either sex) for ages in [age_min, age_max]: the RDA is a step function of age, so it
    is enough to look at the start of every IOM age band in the range."""
    table = intakes.load_intakes()
    starts = {float(age_min), *(float(a) for a in table["age_min_years"] if age_min <= a <= age_max)}
    return max(_rda(a, s) for a in starts for s in ("female", "male"))


_MEAL_AGE = Slider("Age (years)", 1, 100, 30, 1, integer=True)


@register("05.meal_planner", title="Meal planner: total magnesium against your RDA",
          meal=Text("Meal (NDB: amount unit; …)", DEFAULT_MEAL,
                    examples=("12014: 30 g", "99999: 10 g", "11458: -1 cup", "11458: 1 bucket", "09040: 1 cup",
                              "not a meal", "12014: 30 g; 11458: 1 cup; 09040: 1 cup, sliced", "14555: 1 cup")),
          age_years=_MEAL_AGE,
          sex=Dropdown("Sex", (("female", "female"), ("male", "male")), "female"))
def meal_planner_view(meal, age_years, sex):
    """Meal planner: total magnesium of a meal against the RDA for an age and sex, with energy alongside."""
    items = parse_meal(meal)
    table = meal_totals(items)
    s = _summary(table, age_years, sex, _rda(age_years, sex))
    # The x axis holds the RDA of every age and sex the controls offer (80-420 mg/day): moving the age or
    # switching the sex moves the dashed line, not the axis (the panel then redraws only what moves).
    fig, artists = _meal_figure(table, s.rda_mg, f"Meal vs RDA for {_person(age_years, sex)}",
                                _rda_max(_MEAL_AGE.min, _MEAL_AGE.max))
    artists.update(meal=meal, table=table)
    return _meal_fill(fig, artists, s, age_years, sex)


def _meal_fill(fig, artists, s: MealSummary, age_years, sex) -> View:
    """The RDA line, its legend entry, the title and the readout (shared by the callback and the update)."""
    table = artists["table"]
    who = _person(age_years, sex)
    artists["rda_line"].set_xdata([s.rda_mg, s.rda_mg])
    artists["rda_line"].set_label(f"RDA {s.rda_mg:.0f} mg/day")
    artists["legend"].get_texts()[0].set_text(f"RDA {s.rda_mg:.0f} mg/day")
    artists["ax"].title.set_text(f"Meal vs RDA for {who}")
    dens = f"{s.magnesium_mg / s.energy_kcal * 100:.0f} mg per 100 kcal" if s.energy_kcal >= 1 else "no energy to speak of"
    text = (f"**Total: {s.magnesium_mg:.0f} mg magnesium** = {s.percent_rda:.0f} % of the RDA "
            f"({s.rda_mg:.0f} mg/day for {who}; IOM 1997) and {s.percent_dv:.0f} % of the Daily Value (420 mg). "
            f"Energy {s.energy_kcal:.0f} kcal, protein {s.protein_g:.0f} g, weight {s.grams:.0f} g; "
            f"magnesium density {dens}.")
    if s.unknown_mg:
        text += (f"\n\n⚠️ SR28 has no magnesium value for: {', '.join(s.unknown_mg)}; they count as 0 mg, "
                 "so the total is a lower bound.")
    text += ("\n\nMagnesium from food has **no upper limit**; the US UL (350 mg/day from 9 y) applies to "
             "supplements and medicines only.")
    shown = artists.get("shown")
    if shown is None:  # the table depends on the meal only
        shown = artists["shown"] = table.assign(
            grams=table["grams"].round(1), energy_kcal=table["energy_kcal"].round(0),
            magnesium_mg=table["magnesium_mg"].round(1), protein_g=table["protein_g"].round(1))
    alt = (f"Bar chart of the magnesium in each of {len(table)} foods and the total of {s.magnesium_mg:.0f} mg, "
           f"against a dashed line at the RDA of {s.rda_mg:.0f} mg/day.")
    return View(text=text, figure=fig, alt=alt, table=shown, artists=artists,
                # redrawn on each move: the RDA line, the labels it can cross, its legend entry and the title
                animated=(artists["rda_line"], *artists["crossed"], artists["legend"], artists["ax"].title),
                data={"magnesium_mg": s.magnesium_mg, "energy_kcal": s.energy_kcal, "rda_mg": s.rda_mg})


@meal_planner_view.updater
def _meal_planner_update(view, meal, age_years, sex):
    """In place for the age and the sex (only the RDA moves); a new meal text rebuilds the figure."""
    artists = view.artists
    if meal != artists.get("meal"):
        return None
    s = _summary(artists["table"], age_years, sex, _rda(age_years, sex))
    return _meal_fill(view.figure, artists, s, age_years, sex)


# --------------------------------------------------------------------------- search

#: Words a learner types → the abbreviations SR28 uses in its short descriptions (either may match).
SEARCH_SYNONYMS = {
    "cooked": ("cooked", "ckd"), "boiled": ("boiled", "bld"), "roasted": ("roasted", "rstd"),
    "whole": ("whole", "whl"), "without": ("without", "wo/"), "frozen": ("frozen", "frz"),
    "canned": ("canned", "cnd"), "prepared": ("prepared", "prep"), "drained": ("drained", "drnd"),
    "seeds": ("seed", "sd"), "seed": ("seed", "sd"), "kernels": ("kernel", "krnls"), "beans": ("bean", "bns"),
    "powder": ("powder", "pdr"), "unsweetened": ("unsweetened", "unswtnd"), "dark": ("dark", "dk"),
    "chocolate": ("chocolate", "choc"), "plain": ("plain", "pln"), "lowfat": ("lowfat", "lofat"),
    "commercial": ("commercial", "comm"), "enriched": ("enriched", "enr"), "water": ("water", "h2o"),
    "beverage": ("beverage", "bev"), "fried": ("fried", "fr"), "baked": ("baked", "bkd"),
}


@functools.lru_cache(maxsize=1)
def _lowered() -> tuple[str, ...]:
    return tuple(d.lower() for d in _food_table()["description"])


def search_foods(query: str, limit: int = 20) -> pd.DataFrame:
    """Search the 8,790 SR28 foods by name; understands everyday words for SR28's abbreviations.

    Queries without such words go straight to :func:`mgcourse.data.food_search`. Otherwise
    "rice brown cooked" also finds ``RICE,BROWN,LONG-GRAIN,CKD``: every word (or its SR28
    abbreviation) must occur; ranking as in ``food_search``. Adds ``mg_per_100kcal``.
    """
    if not isinstance(query, str) or not query.split():
        raise ValueError(f"query must be a non-empty string of words (got {query!r})")
    limit = as_int("limit", limit, 1, 10_000)
    words = query.lower().replace(",", " ").split()
    cols = ["ndb_no", "description", "food_group", "energy_kcal_per_100g", "magnesium_mg_per_100g",
            "mg_per_100kcal", "measure1_desc", "measure1_g", "measure2_desc", "measure2_g"]
    table = _food_table()
    if not any(w in SEARCH_SYNONYMS for w in words):
        hits = data.food_search(query, limit)
        return table.loc[hits["ndb_no"], cols].reset_index(drop=True)
    lowered = _lowered()
    idx = range(len(lowered))
    for w in words:
        alts = SEARCH_SYNONYMS.get(w, (w,))
        idx = [i for i in idx if any(a in lowered[i] for a in alts)]
    first = SEARCH_SYNONYMS.get(words[0], (words[0],))
    idx.sort(key=lambda i: (not lowered[i].startswith(first), len(lowered[i]), i))
    return table.iloc[idx[:limit]][cols].reset_index(drop=True)


@register_benchmark("05.food_search")
def _bench_food_search():
    """One search over all 8,790 foods (data.food_search), as the search box does it."""
    return data.food_search("spinach", 20)


@register_benchmark("05.food_search_synonyms")
def _bench_food_search_synonyms():
    """A search that needs the everyday-word → SR28-abbreviation layer."""
    return search_foods("rice brown cooked", 20)


# --------------------------------------------------------------------------- bar rows for live panels
#
# A ranking or a plan is a column of named bars whose names change with a slider. As tick labels they would
# change the y axis, which the live panel keeps as a cached background (see mgcourse.widgets: blitting), so
# every move would redraw the whole figure. Instead the y axis carries no ticks and each row's name is a text
# just left of the axes, where a tick label would be; the panel redraws the bars and the names on each move.

def _row_names(ax, count: int, fontsize: float = 9.0) -> list:
    """``count`` empty texts that stand where y tick labels would: 4 pt left of the axes, at a data y."""
    from matplotlib.transforms import offset_copy

    where = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, x=-4, units="points")
    texts = [ax.text(0.0, 0.5, "", transform=where, ha="right", va="center", fontsize=fontsize)
             for _ in range(count)]
    stamp(*texts)  # redrawn on every move: from cached bitmaps (see mgcourse._stamped_text)
    return texts


#: Axes positions computed by :func:`_freeze_layout`, by figure content (a rebuild with the same names skips
#: the constrained-layout solve, about half of a rebuild).
_LAYOUTS: dict = {}


def _freeze_layout(fig, texts, strings, key=None) -> None:
    """Lay the figure out now with ``texts`` showing ``strings`` (every name they may show at any slider
    value), then keep the axes where they are: the left margin fits the widest name, whatever is shown.
    ``key`` names the figure's content (same key, same layout: computed once)."""
    for i, (t, label) in enumerate(zip(texts, strings)):
        t.set_text(label)
        t.set_y(1.0 - (i + 0.5) / max(len(texts), 1))
        t.set_visible(True)
    key = None if key is None else (key, tuple(fig.get_size_inches()), tuple(strings))
    positions = _LAYOUTS.get(key) if key is not None else None
    if positions is not None and len(positions) == len(fig.axes):
        for ax, pos in zip(fig.axes, positions):
            ax.set_position(pos)
    else:
        # after an earlier freeze the engine is a no-op placeholder, and an axes placed with set_position is
        # left out of the layout: both are undone for this one solve
        fig.set_layout_engine("constrained")
        for a in fig.axes:
            a.set_in_layout(True)
        fig.get_layout_engine().execute(fig)
        positions = [a.get_position().frozen() for a in fig.axes]
        if key is not None:
            _LAYOUTS[key] = positions
    fig.set_layout_engine("none")
    # mgcourse.widgets._fix_layout re-applies the positions recorded here when a dropdown rebuilds this
    # figure (otherwise it would keep the first figure's margin, too narrow for longer names)
    fig._mgcourse_positions = (tuple(fig.get_size_inches()), [a.get_position() for a in fig.axes])


def _place_rows(ax, bars, texts, strings, values, n: int, min_rows: int, fontsize: float = 9.0,
                steps: tuple = ()) -> float:
    """Show rows 0..n-1 from the top of the axes (y from 0 to 1): bar ``i`` of length ``values[i]`` and its
    name ``strings[i]``; hide the other bars and names. The row pitch is 1/max(n, min_rows) of the axes
    height (a few rows stay bar-sized, at the top), or, with ``steps`` (increasing row counts), 1/(the first
    step ≥ n): then adding or removing a row within a step leaves every other row where it is, so a live panel
    redraws the names from cached bitmaps instead of laying every row out again. Names shrink below
    ``fontsize`` only when rows are tight. Returns the pitch."""
    rows = max(n, min_rows)
    if steps:
        rows = next((k for k in steps if k >= rows), rows)
    pitch = 1.0 / rows
    pitch_pt = pitch * ax.get_position().height * ax.figure.get_figheight() * 72.0
    size = min(fontsize, max(6.0, 0.8 * pitch_pt))
    for i, (bar, t) in enumerate(zip(bars, texts)):
        on = i < n
        y = 1.0 - (i + 0.5) * pitch
        bar.set_y(y - 0.35 * pitch if on else 0.0)
        bar.set_height(0.7 * pitch if on else 0.0)
        bar.set_width(float(values[i]) if on else 0.0)
        bar.set_visible(on)
        t.set_text(strings[i] if on else "")
        t.set_y(y if on else 0.5)
        t.set_fontsize(size)
        t.set_visible(on)
    return pitch


# --------------------------------------------------------------------------- ranking widget

#: The most foods the ranking panel shows (its slider's maximum): the figure has a row ready for each.
RANK_MAX_SHOWN = 25
_RANK_MIN_ROWS = 8
#: Row counts the ranking's row pitch steps through (1/8, 1/16 or 1/25 of the axes): a one-food change of the
#: count moves no other row, except across a step.
_RANK_ROW_STEPS = (8, 16, RANK_MAX_SHOWN)


@functools.lru_cache(maxsize=64)
def _ranked_top(basis: str, food_group: str) -> pd.DataFrame:
    """The top :data:`RANK_MAX_SHOWN` foods of one ranking (the panel shows the first n: the same rows and
    order as ``rank_foods(basis, n=n, ...)``, whose sort is stable). Read-only: shared between calls."""
    return rank_foods(basis, n=RANK_MAX_SHOWN, food_group=food_group)


@register("05.food_ranking", title="Which foods are richest in magnesium? It depends on the yardstick",
          basis=Dropdown("Rank by", (("mg per 100 kcal (density)", "per_100kcal"), ("mg per 100 g", "per_100g"),
                                      ("mg per household measure 1", "per_serving")), "per_100kcal"),
          food_group=Dropdown("Food group", (("all groups", "all"), ("Nut and Seed Products", "Nut and Seed Products"),
                                              ("Vegetables", "Vegetables and Vegetable Products"),
                                              ("Legumes", "Legumes and Legume Products"),
                                              ("Cereal Grains and Pasta", "Cereal Grains and Pasta"),
                                              ("Breakfast Cereals", "Breakfast Cereals"),
                                              ("Fruits", "Fruits and Fruit Juices"),
                                              ("Fish and shellfish", "Finfish and Shellfish Products"),
                                              ("Dairy and eggs", "Dairy and Egg Products"),
                                              ("Beverages", "Beverages"), ("Sweets", "Sweets"),
                                              ("Spices and Herbs", "Spices and Herbs")), "all"),
          n=Slider("Foods shown (count)", 3, RANK_MAX_SHOWN, 10, 1, integer=True))
def food_ranking_view(basis, food_group, n):
    """Top foods by magnesium per 100 kcal, per 100 g or per household measure, optionally in one food group."""
    case = _ranking_case(basis, food_group)
    # One figure for every count: a row for each of the top foods (hidden beyond n), the x axis fixed by the
    # richest food (the first row at every n), the names drawn beside the axes (see _row_names).
    fig, ax = new_figure(figsize=(7.6, 5.0))
    slots = RANK_MAX_SHOWN
    bars = ax.barh(np.zeros(slots), np.zeros(slots), color=ROLE_COLORS["magnesium"], edgecolor="black",
                   linewidth=0.5)
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([])
    texts = _row_names(ax, slots)
    # the title is centred on the figure: over a narrow axes (long names) a long group name would not fit
    title = fig.suptitle("", fontsize=11)
    stamp(title)
    artists = {"ax": ax, "title": title, "bars": bars, "texts": texts, "case": None}
    _ranking_show_case(fig, artists, case)
    return _ranking_fill(fig, artists, n)


@dataclass(frozen=True)
class _RankingCase:
    """One yardstick and food group of the ranking panel: its top foods, names, x range and table (read-only)."""

    basis: str
    food_group: str
    top: pd.DataFrame
    values: tuple
    names: tuple
    xmax: float
    label: str
    where: str
    table: pd.DataFrame
    tables: dict  # the first n rows of ``table``, by n (one object per n: the panel re-renders a changed table)


@functools.lru_cache(maxsize=64)
def _ranking_case(basis: str, food_group: str) -> _RankingCase:
    top = _ranked_top(basis, food_group)
    if top.empty:
        raise ValueError(f"no food in group {food_group!r} has a value for this ranking")
    col, label = RANK_BASES[basis]
    values = top[col].to_numpy(float)
    names = [readable_food_name(d, 40) + (f" [{m}]" if basis == "per_serving" else "")
             for d, m in zip(top["description"], top["measure1_desc"].fillna("").str.slice(0, 14))]
    shown = top[["description", "energy_kcal_per_100g", "magnesium_mg_per_100g", "mg_per_100kcal",
                 "measure1_desc", "mg_per_measure1"]].round(1)
    shown["description"] = [readable_food_name(d) for d in shown["description"]]
    shown.columns = ["Food", "Energy (kcal/100 g)", "Mg (mg/100 g)", "Mg (mg/100 kcal)", "Household measure",
                     "Mg (mg/measure)"]
    where = "all 8,790 SR28 foods" if food_group == "all" else f"SR28 group '{food_group}'"
    # what autoscaling gives for bars from 0 (a 5 % margin): the richest food, the first row at every n, sets it
    xmax = float(values.max()) + 0.05 * float(values.max())
    return _RankingCase(basis, food_group, top, tuple(values), tuple(names), xmax, label, where, shown, {})


def _ranking_show_case(fig, artists, case: _RankingCase) -> None:
    """Put a yardstick and food group on the figure: x range, x label, names, and a left margin that fits them."""
    ax = artists["ax"]
    artists["case"] = case
    ax.set_xlim(0.0, case.xmax)
    ax.set_xlabel(case.label)
    artists["title"].set_text(f"Top {len(case.top)}, {case.where}")
    _freeze_layout(fig, artists["texts"], case.names, key=("05.food_ranking", case.basis, case.food_group))


def _ranking_fill(fig, artists, n) -> View:
    """The first n rows, the title and the readout (shared by the callback and the in-place update)."""
    case = artists["case"]
    col, label = RANK_BASES[case.basis]
    ranked = case.top.head(int(n))
    k = len(ranked)
    ax = artists["ax"]
    _place_rows(ax, artists["bars"], artists["texts"], case.names, case.values, k, _RANK_MIN_ROWS,
                steps=_RANK_ROW_STEPS)
    artists["title"].set_text(f"Top {k}, {case.where}")
    first = ranked.iloc[0]
    text = (f"Richest by this yardstick: **{readable_food_name(first['description'])}** "
            f"({first[col]:.0f} {label.split(' (')[0].lower()}).")
    if case.basis == "per_100kcal":
        text += (f" Foods with < {DENSITY_MIN_KCAL_PER_100G:.0f} kcal per 100 g (waters, teas, brewed coffee) "
                 "are left out: their density is huge or infinite, but you would need litres.")
    if case.basis == "per_serving":
        text += " 'Household measure 1' is whatever SR28 lists first (1 cup, 1 oz, 1 fillet …): servings differ."
    alt = f"Horizontal bars of the top {k} foods ranked by {label}, in {case.where}."
    shown = case.tables.get(k)
    if shown is None:
        shown = case.tables[k] = case.table.head(k)
    return View(text=text, figure=fig, alt=alt, table=shown, artists=artists,
                # redrawn on each move: the bars, their names and the title (its count changes)
                animated=(artists["bars"], *artists["texts"], artists["title"]))


@food_ranking_view.updater
def _food_ranking_update(view, basis, food_group, n):
    """In place: the count shows or hides rows (blitted); another yardstick or food group also changes the
    names, the x axis and the left margin (then the panel draws the whole figure)."""
    artists = view.artists
    case = artists["case"]
    if (basis, food_group) != (case.basis, case.food_group):
        _ranking_show_case(view.figure, artists, _ranking_case(basis, food_group))
    return _ranking_fill(view.figure, artists, n)


# --------------------------------------------------------------------------- diet optimisation

#: Everyday foods for the optimiser: (NDB, cap in g, the SR28 household measure the cap equals).
#: The caps are illustrative assumptions ("about one usual portion a day"), not recommendations.
EVERYDAY_FOODS = (
    ("12016", 28.35, "1 oz"),          # pumpkin & squash seed kernels, roasted
    ("12063", 28.35, "1 oz"),          # almonds, dry roasted
    ("12085", 28.35, "1 oz"),          # cashews, dry roasted
    ("16398", 32.0, "2 tbsp"),         # peanut butter, smooth
    ("19165", 10.8, "2 tbsp"),         # cocoa powder, unsweetened
    ("19904", 28.35, "1 oz"),          # dark chocolate 70-85 %
    ("11458", 180.0, "1 cup"),         # spinach, boiled
    ("11090", 91.0, "1 cup, chopped"),  # broccoli, raw
    ("16015", 172.0, "1 cup"),         # black beans, boiled
    ("16070", 198.0, "1 cup"),         # lentils, boiled
    ("11212", 155.0, "1 cup"),         # edamame, prepared
    ("16126", 126.0, ".5 cup"),        # tofu, firm, with nigari
    ("20137", 185.0, "1 cup"),         # quinoa, cooked
    ("20037", 202.0, "1 cup"),         # brown rice, long-grain, cooked
    ("20045", 158.0, "1 cup"),         # white rice, long-grain, cooked
    ("08121", 234.0, "1 cup"),         # oatmeal, cooked in water
    ("18075", 64.0, "2 slices"),       # whole-wheat bread
    ("18069", 58.0, "2 slices"),       # white bread
    ("11674", 148.0, "1 NLEA serving"),  # potato, baked, flesh and skin
    ("09040", 150.0, "1 cup, sliced"),  # banana
    ("09037", 150.0, "1 cup, cubes"),  # avocado
    ("09003", 125.0, "1 cup"),         # apple
    ("15237", 85.0, "3 oz"),           # salmon, Atlantic, farmed, cooked
    ("15037", 85.0, "3 oz"),           # halibut, cooked
    ("05064", 140.0, "1 cup, chopped"),  # chicken breast, roasted
    ("01077", 244.0, "1 cup"),         # milk, whole
    ("01117", 227.0, "8 oz"),          # yogurt, plain, low fat
    ("16120", 243.0, "1 cup"),         # soymilk, unfortified
)
OBJECTIVES = {"energy": ("energy_kcal_per_100g", "energy (kcal)"), "mass": (None, "food mass (g)")}


@dataclass
class DietResult:
    """What :func:`optimise_diet` returns: never an exception for an infeasible problem.

    ``status`` is scipy's code (0 optimal, 2 infeasible, 3 unbounded, other = solver trouble);
    ``message`` is a sentence for a learner; ``plan`` has one row per food used (grams > 0.05 g).
    """

    success: bool
    status: int
    message: str
    plan: pd.DataFrame
    totals: dict
    objective: str
    target_mg: float
    max_possible_mg: float = float("nan")


def _candidate_foods(foods: str | tuple, cap_scale: float | None) -> pd.DataFrame:
    try:
        base = _candidate_base(foods)
    except TypeError:  # a food list with unhashable rows (lists): built each time
        base = _candidate_base.__wrapped__(foods)
    cand = base.copy()
    if not (isinstance(foods, str) and foods == "all"):
        cand["cap_g"] = np.inf if cap_scale is None else cand["cap_g"] * cap_scale
    return cand


@functools.lru_cache(maxsize=8)
def _candidate_base(foods: str | tuple) -> pd.DataFrame:
    """The candidate foods with their caps at scale 1 (cached: the optimiser panel solves many LPs on them)."""
    table = _food_table()
    if foods == "all":
        cand = table.dropna(subset=["magnesium_mg_per_100g", "energy_kcal_per_100g", "protein_g_per_100g"]).copy()
        cand["cap_g"] = np.inf
        cand["cap_measure"] = "none"
        return cand
    rows = foods if foods != "everyday" else EVERYDAY_FOODS
    ids, caps, meas = [], [], []
    for r in rows:
        ndb, cap, m = (r, np.inf, "none") if isinstance(r, str) else (r[0], float(r[1]), r[2] if len(r) > 2 else f"{r[1]:g} g")
        ids.append(_ndb_key(ndb))
        caps.append(cap)
        meas.append(m)
    cand = table.loc[ids].copy()
    cand["cap_g"] = caps
    cand["cap_measure"] = meas
    cand = cand.dropna(subset=["magnesium_mg_per_100g", "energy_kcal_per_100g"])
    cand["protein_g_per_100g"] = cand["protein_g_per_100g"].fillna(0.0)
    return cand


def optimise_diet(target_mg: float = 420.0, *, foods="everyday", objective: str = "energy",
                  cap_scale: float | None = 1.0, min_energy_kcal: float = 0.0, max_energy_kcal: float | None = None,
                  min_protein_g: float = 0.0) -> DietResult:
    """Cheapest diet (in energy or in mass) that reaches ``target_mg`` of magnesium: a linear programme.

    Decision variables: grams of each food, 0 ≤ x_i ≤ cap_i. Minimise Σ c_i·x_i with c = kcal per g
    (``objective="energy"``) or 1 (``"mass"``), subject to Σ Mg_i·x_i ≥ target, optional
    Σ protein_i·x_i ≥ ``min_protein_g`` and ``min_energy_kcal`` ≤ Σ kcal_i·x_i ≤ ``max_energy_kcal``.
    Solved with ``scipy.optimize.linprog(method="highs")``.

    ``foods``: ``"everyday"`` (:data:`EVERYDAY_FOODS`, each capped at about one usual portion —
    illustrative caps), ``"all"`` (all SR28 foods with Mg, energy and protein values, no caps), or a
    sequence of NDB numbers / ``(ndb, cap_g)`` pairs. ``cap_scale`` multiplies every cap;
    ``None`` removes the caps (the "unconstrained" problem).

    Returns a :class:`DietResult`; an infeasible or unbounded problem gives ``success=False`` and a
    message that says why (e.g. the most magnesium the capped foods can give). Bad arguments raise
    ValueError.
    """
    from scipy.optimize import linprog

    from mgcourse._validate import in_range

    target = in_range("target_mg", target_mg, 0, 5000, low_inclusive=False, unit="mg")
    choice("objective", objective, tuple(OBJECTIVES))
    if cap_scale is not None:
        cap_scale = in_range("cap_scale", cap_scale, 0, 100, unit="× the usual portion")
    emin = in_range("min_energy_kcal", min_energy_kcal, 0, 10_000, unit="kcal")
    emax = None if max_energy_kcal is None else in_range("max_energy_kcal", max_energy_kcal, 0, 10_000, unit="kcal")
    pmin = in_range("min_protein_g", min_protein_g, 0, 500, unit="g")
    if emax is not None and emax < emin:
        raise ValueError(f"max_energy_kcal must be at least min_energy_kcal (got {emax:g} < {emin:g})")
    if not (isinstance(foods, str) and foods in ("everyday", "all")):
        if isinstance(foods, str) or not hasattr(foods, "__iter__") or len(foods) == 0:
            raise ValueError(f"foods must be 'everyday', 'all' or a non-empty list of NDB numbers (got {foods!r})")
        foods = tuple(foods)
    cand = _candidate_foods(foods, cap_scale)
    if cand.empty:
        raise ValueError("none of the foods has both a magnesium and an energy value in SR28")
    mg = cand["magnesium_mg_per_100g"].to_numpy(float) / 100.0
    kcal = cand["energy_kcal_per_100g"].to_numpy(float) / 100.0
    prot = cand["protein_g_per_100g"].to_numpy(float) / 100.0
    caps = cand["cap_g"].to_numpy(float)
    c = kcal if objective == "energy" else np.ones_like(kcal)
    a_ub, b_ub = [-mg], [-target]
    if pmin > 0:
        a_ub.append(-prot)
        b_ub.append(-pmin)
    if emin > 0:
        a_ub.append(-kcal)
        b_ub.append(-emin)
    if emax is not None:
        a_ub.append(kcal)
        b_ub.append(emax)
    bounds = [(0.0, None if not math.isfinite(u) else u) for u in caps]
    max_mg = float(np.sum(mg * caps)) if np.all(np.isfinite(caps)) else float("inf")
    try:
        res = linprog(c, A_ub=np.vstack(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    except ValueError as exc:  # scipy rejects a malformed problem: report it, do not crash
        return DietResult(False, 4, f"the solver rejected the problem: {exc}", _empty_plan(), {}, objective, target, max_mg)
    if res.status != 0 or res.x is None:
        return DietResult(False, int(res.status), _explain_failure(res, target, max_mg, pmin, emin, emax, cand),
                          _empty_plan(), {}, objective, target, max_mg)
    x = np.where(res.x > 0.05, res.x, 0.0)
    plan = pd.DataFrame({"ndb_no": cand["ndb_no"].to_numpy(), "food": cand["description"].to_numpy(),
                         "grams": x, "cap_g": caps, "cap_measure": cand["cap_measure"].to_numpy(),
                         "magnesium_mg": mg * x, "energy_kcal": kcal * x, "protein_g": prot * x})
    plan = plan[plan["grams"] > 0].sort_values("magnesium_mg", ascending=False).reset_index(drop=True)
    plan["at_cap"] = np.isfinite(plan["cap_g"]) & (plan["grams"] >= plan["cap_g"] - 1e-6 * np.maximum(1, plan["cap_g"]))
    totals = {k: float(plan[k].sum()) for k in ("grams", "magnesium_mg", "energy_kcal", "protein_g")}
    what = "energy" if objective == "energy" else "food mass"
    extra = "".join([f", ≥ {pmin:.0f} g protein" if pmin > 0 else "", f", ≥ {emin:.0f} kcal" if emin > 0 else "",
                     f", ≤ {emax:.0f} kcal" if emax is not None else ""])
    n = len(plan)
    msg = (f"Optimal: {totals['magnesium_mg']:.0f} mg magnesium from {n} food{'s' if n != 1 else ''}, "
           f"{totals['energy_kcal']:.0f} kcal, {totals['grams']:.0f} g (least {what} that reaches "
           f"{target:.0f} mg{extra}).")
    return DietResult(True, 0, msg, plan, totals, objective, target, max_mg)


def _empty_plan() -> pd.DataFrame:
    return pd.DataFrame(columns=["ndb_no", "food", "grams", "cap_g", "cap_measure", "magnesium_mg", "energy_kcal",
                                 "protein_g", "at_cap"])


def _explain_failure(res, target, max_mg, pmin, emin, emax, cand) -> str:
    if res.status == 2:
        reasons = []
        if math.isfinite(max_mg) and max_mg < target:
            reasons.append(f"even with every food at its cap the foods give only {max_mg:.0f} mg, "
                           f"less than the {target:.0f} mg target; raise the caps or add foods")
        if emax is not None:
            reasons.append(f"the energy ceiling of {emax:.0f} kcal may be too low for the magnesium"
                           + (" and protein" if pmin > 0 else "") + " asked for")
        if pmin > 0:
            caps = cand["cap_g"].to_numpy(float)
            pmax = float(np.sum(cand["protein_g_per_100g"].to_numpy(float) / 100 * caps))
            if pmax < pmin:
                reasons.append(f"the foods at their caps give only {pmax:.0f} g protein (< {pmin:.0f} g)")
        if emin > 0:
            caps = cand["cap_g"].to_numpy(float)
            kmax = float(np.sum(cand["energy_kcal_per_100g"].to_numpy(float) / 100 * caps))
            if kmax < emin:
                reasons.append(f"the foods at their caps give only {kmax:.0f} kcal (< {emin:.0f} kcal)")
        why = "; ".join(reasons) if reasons else "the constraints contradict each other"
        return f"No plan exists (infeasible): {why}."
    if res.status == 3:
        return "The problem is unbounded: nothing stops the objective from falling forever; add bounds."
    return f"The solver stopped without a solution (status {res.status}: {res.message})."


@register_benchmark("05.optimise_diet")
def _bench_optimise():
    return optimise_diet(420.0)


@register("05.diet_optimiser", title="Diet optimisation: reach the RDA with the least energy",
          age_years=Slider("Age (years)", 1, 100, 40, 1, integer=True),
          sex=Dropdown("Sex", (("female", "female"), ("male", "male")), "male"),
          objective=Dropdown("Minimise", (("energy (kcal)", "energy"), ("food mass (g)", "mass")), "energy"),
          cap_scale=Slider("Cap per food (× one usual portion)", 0.1, 5.0, 1.0, 0.1),
          min_protein_g=Slider("Minimum protein (g/day)", 0, 150, 0, 5),
          min_energy_kcal=Slider("Minimum energy (kcal/day)", 0, 3000, 0, 100))
def diet_optimiser_view(age_years, sex, objective, cap_scale, min_protein_g, min_energy_kcal):
    """Least-energy (or least-mass) choice of everyday foods that reaches the RDA, under per-food caps."""
    rda, shown = _optimiser_solve(age_years, sex, objective, cap_scale, min_protein_g, min_energy_kcal)
    if not shown.res.success:
        return _optimiser_message(rda, shown.res, age_years, sex)
    return _optimiser_fill(*_optimiser_figure(), rda, shown, age_years, sex)


#: The x axis of the optimiser's figure, in % of each food's cap: 100 % is the cap. Grams would need an axis
#: from a few grams (caps × 0.1) to 1.2 kg (a cup of milk × 5) as the cap slider moves; as a share of the
#: cap every plan fits one fixed axis, and the bars show at a glance which foods sit at their cap (the
#: grams are in the labels and the table). Beyond 100 %: a column of labels.
_OPT_XMAX_PCT = 175.0
_OPT_MIN_ROWS = 6


def _optimiser_solve(age_years, sex, objective, cap_scale, min_protein_g, min_energy_kcal):
    """The RDA and the plan for these settings (cached: a slider move re-solves only settings not seen before)."""
    rda = _rda(age_years, sex)
    # slider values arrive as floats such as 1.2000000000000002: the key is rounded far below their step
    return rda, _optimise_cached(rda, objective, round(float(cap_scale), 9), round(float(min_protein_g), 9),
                                 round(float(min_energy_kcal), 9))


@dataclass(frozen=True)
class _ShownPlan:
    """One LP solution and what the optimiser panel shows of it (names, bars, labels, table, text): read-only."""

    res: DietResult
    names: tuple = ()
    shares: tuple = ()
    labels: tuple = ()
    table: pd.DataFrame | None = None
    text: str = ""
    alt: str = ""


@functools.lru_cache(maxsize=1024)
def _optimise_cached(target_mg, objective, cap_scale, min_protein_g, min_energy_kcal) -> _ShownPlan:
    """:func:`optimise_diet` of the everyday foods, with the panel's labels and table, for one setting."""
    res = optimise_diet(target_mg, objective=objective, cap_scale=cap_scale, min_protein_g=min_protein_g,
                        min_energy_kcal=min_energy_kcal)
    if not res.success:
        return _ShownPlan(res)
    plan, t = res.plan, res.totals
    grams = plan["grams"].to_numpy(float)
    caps = plan["cap_g"].to_numpy(float)
    labels = tuple(f"{_grams(g)}: {m:.0f} mg, {k:.0f} kcal"
                   for g, m, k in zip(grams, plan["magnesium_mg"], plan["energy_kcal"]))
    at_cap = int(plan["at_cap"].sum())
    text = (f"\n\n{res.message} Protein {t['protein_g']:.0f} g. "
            f"{at_cap} of {len(plan)} foods sit at their cap: the caps, not taste, shape the answer. "
            "A plan like this meets one nutrient and ignores all the others: it is a teaching model, not a diet.")
    alt = (f"Bar chart of the {len(plan)} foods in the optimal plan, each bar the share of the food's cap that the "
           f"plan uses ({at_cap} at 100 %, a dashed line), labelled with its grams, magnesium and "
           f"energy; together they give {t['magnesium_mg']:.0f} mg magnesium and {t['energy_kcal']:.0f} kcal.")
    shown = plan[["food", "grams", "cap_g", "magnesium_mg", "energy_kcal", "protein_g"]].round(1)
    shown["food"] = [readable_food_name(d) for d in shown["food"]]
    shown.columns = ["Food", "Amount (g)", "Cap (g)", "Mg (mg)", "Energy (kcal)", "Protein (g)"]
    return _ShownPlan(res, tuple(_short_food_name(d) for d in plan["food"]), tuple(100.0 * grams / caps), labels,
                      shown, text, alt)


def _optimiser_head(rda, age_years, sex) -> str:
    return (f"Target: the RDA of **{rda:.0f} mg/day** for {_person(age_years, sex)} (IOM 1997), from "
            f"{len(EVERYDAY_FOODS)} everyday foods. ")


def _optimiser_message(rda, res, age_years, sex) -> View:
    """No plan (infeasible): the message, no figure."""
    return View(text=_optimiser_head(rda, age_years, sex) + "\n\n⚠️ " + res.message, data={"status": res.status},
                error=False)


@functools.lru_cache(maxsize=64)
def _short_food_name(description: str) -> str:
    return readable_food_name(description, 34)


def _optimiser_figure():
    """The figure with a row ready for each everyday food (a plan uses some of them), laid out once."""
    from matplotlib.transforms import offset_copy

    fig, ax = new_figure(figsize=(7.6, 4.2))
    slots = len(EVERYDAY_FOODS)
    bars = ax.barh(np.zeros(slots), np.zeros(slots), color=ROLE_COLORS["magnesium"], edgecolor="black",
                   linewidth=0.5, label="amount in the plan")
    cap = ax.axvline(100.0, color="black", linestyle="--", linewidth=1.2, zorder=2, label="the food's cap")
    # the labels stand in a column just right of the cap line (no bar or line ever crosses them)
    column = offset_copy(ax.transData, fig=fig, x=4, units="points")
    labels = [ax.text(100.0, 0.5, "", transform=column, va="center", fontsize=9, zorder=3) for _ in range(slots)]
    stamp(*labels)
    texts = _row_names(ax, slots)
    ax.set_xlim(0.0, _OPT_XMAX_PCT)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.spines["bottom"].set_bounds(0.0, 100.0)  # the axis ends at the cap; the labels stand beyond it
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([])
    ax.set_xlabel("amount in the optimal plan (% of the food's cap)")
    ax.xaxis.label.set_x(50.0 / _OPT_XMAX_PCT)  # centred under the 0-100 % axis, not under the label column
    ax.legend(handles=[bars, cap], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=10,
              borderaxespad=0.2)
    table = _food_table()
    _freeze_layout(fig, texts, [_short_food_name(table.loc[_ndb_key(r[0]), "description"]) for r in EVERYDAY_FOODS],
                   key="05.diet_optimiser")
    return fig, {"ax": ax, "bars": bars, "cap": cap, "labels": labels, "texts": texts}


def _grams(g: float) -> str:
    return f"{g:.1f} g" if g < 9.95 else f"{g:.0f} g"


def _optimiser_fill(fig, artists, rda, shown: _ShownPlan, age_years, sex) -> View:
    """Rows, labels and readout for one plan (shared by the callback and the in-place update)."""
    n = len(shown.names)
    pitch = _place_rows(artists["ax"], artists["bars"], artists["texts"], shown.names, shown.shares, n,
                        _OPT_MIN_ROWS)
    size = artists["texts"][0].get_fontsize()
    for i, lab in enumerate(artists["labels"]):
        on = i < n
        lab.set_text(shown.labels[i] if on else "")
        lab.set_y(1.0 - (i + 0.5) * pitch if on else 0.5)
        lab.set_fontsize(size)
        lab.set_visible(on)
    text = _optimiser_head(rda, age_years, sex) + shown.text
    return View(text=text, figure=fig, alt=shown.alt, table=shown.table, data={"status": 0, **shown.res.totals},
                artists=artists,
                # redrawn on each move: the bars, their names and labels, and the cap line (drawn over the bars)
                animated=(artists["bars"], artists["cap"], *artists["texts"], *artists["labels"]))


@diet_optimiser_view.updater
def _diet_optimiser_update(view, age_years, sex, objective, cap_scale, min_protein_g, min_energy_kcal):
    """In place for every control (the figure's rows and axis do not depend on them); no plan: the message."""
    rda, shown = _optimiser_solve(age_years, sex, objective, cap_scale, min_protein_g, min_energy_kcal)
    if not shown.res.success:
        return _optimiser_message(rda, shown.res, age_years, sex)
    return _optimiser_fill(view.figure, view.artists, rda, shown, age_years, sex)


# --------------------------------------------------------------------------- claims

@dataclass(frozen=True)
class ClaimCheck:
    claim: str
    seen_in: str
    readings: tuple  # (reading, claimed value, computed value, unit, relative tolerance)
    verdict: str  # filled from the readings by check_claims
    why: str


def _mg(ndb: str, amount: float, unit: str) -> float:
    return grams_for(ndb, amount, unit) * float(_food(ndb)["magnesium_mg_per_100g"]) / 100.0


def judge(claimed: float, computed: float, rtol: float = 0.10) -> bool:
    """True if a claimed value lies within ``rtol`` (relative) of the value computed from the data.

    ``claimed`` and ``computed`` must be finite numbers (an infinite value is refused, not judged);
    ``rtol`` is between 0 and 1.
    """
    from mgcourse._validate import as_float, in_range

    claimed, computed = as_float("claimed", claimed), as_float("computed", computed)
    rtol = in_range("rtol", rtol, 0, 1)
    return abs(claimed - computed) <= rtol * abs(computed)


def check_claims(rtol: float = 0.10) -> pd.DataFrame:
    """Popular claims about magnesium in food, recomputed from SR28, ODS and IOM, with a verdict.

    Each claim is recomputed under one or more *readings* (raw or cooked, kernels or whole seeds,
    old or new DV, age 25 or 40). Food values agree if within ``rtol`` (natural variation and
    rounding); reference values (RDA, %DV) must match to 0.5 %. The result of this arithmetic check
    (column ``verdict``) is *agrees* (every reading agrees), *agrees under some readings* (the claim is
    true for one food or basis, not the other) or *disagrees* (no reading agrees). These words describe a
    recomputation, not the course's evidence grade: the grades live in ``data/claims.csv``.
    """
    from mgcourse._validate import in_range

    rtol = in_range("rtol", rtol, 0, 1)
    exact = 0.005  # reference values (RDA, %DV) are exact figures: no tolerance beyond rounding
    rows = []
    # 1. "125 mg, as much as 5 cups of spinach" (a supplement/product advert)
    raw, boiled = _mg("11457", 5, "cup"), _mg("11458", 5, "cup")
    rows.append(ClaimCheck(
        "A product with 125 mg magnesium has 'as much as 5 cups of spinach'", "product advertising",
        (("5 cups raw spinach (11457, 30 g/cup)", 125, raw, "mg", rtol),
         ("5 cups boiled spinach (11458, 180 g/cup)", 125, boiled, "mg", rtol)), "",
        f"True only for raw spinach ({raw:.0f} mg in 150 g); 5 cups of boiled spinach have {boiled:.0f} mg. "
        "A cup of raw leaves weighs 30 g, a cup of cooked spinach 180 g, so 'cups' hide a 6-fold difference in food."))
    # 2. "pumpkin seeds, 1/4 cup = 42 mg"
    kern, whole = _mg("12016", 0.25, "cup"), _mg("12163", 0.25, "cup")
    rows.append(ClaimCheck(
        "Pumpkin seeds: ¼ cup = 42 mg", "a health-system web page (suncoasthealthcare)",
        (("¼ cup roasted kernels (12016, 118 g/cup)", 42, kern, "mg", rtol),
         ("¼ cup whole roasted seeds in the hull (12163, 64 g/cup)", 42, whole, "mg", rtol)), "",
        f"For the kernels (pepitas) that top the ODS list (156 mg per oz), ¼ cup gives {kern:.0f} mg, about 4 times "
        f"more. The 42 mg fits only whole seeds in their hulls ({whole:.0f} mg), a different SR28 record: as a "
        "statement about the kernels it is wrong."))
    # 3. "cocoa 53.8 mcg per 2 tbsp"
    cocoa = _mg("19165", 2, "tbsp")
    rows.append(ClaimCheck(
        "Cocoa powder: 53.8 mcg magnesium per 2 tbsp", "a nutrition blog (nutritionadvance)",
        (("as written: µg (1 mg = 1,000 µg)", 53.8, cocoa * 1000.0, "µg", rtol),), "",
        f"2 tbsp (10.8 g) of unsweetened cocoa (19165) hold {cocoa:.1f} mg = {cocoa * 1000:,.0f} µg. The number is right "
        "but the unit is wrong by a factor of 1,000: it should read mg."))
    # 4. old DV tables
    rows.append(ClaimCheck(
        "Pumpkin seeds, 1 oz (156 mg): 39 % of the Daily Value", "older web tables and pre-2016 labels (DV 400 mg)",
        (("%DV with the old DV of 400 mg", 39, 156 / OLD_DAILY_VALUE_MG * 100, "%", exact),
         ("%DV with the current DV of 420 mg", 39, 156 / DAILY_VALUE_MG * 100, "%", exact)), "",
        f"156 mg is right, but the Daily Value is now 420 mg: {156 / DAILY_VALUE_MG * 100:.0f} % DV, not "
        f"{156 / OLD_DAILY_VALUE_MG * 100:.0f} %. Tables on the old DV overstate every %DV by 5 %."))
    # 5. halibut 90 mg per 3 oz (superseded ODS table)
    hal = _mg("15037", 3, "oz")
    rows.append(ClaimCheck(
        "Halibut, cooked, 3 oz: 90 mg", "the superseded ODS table, still copied widely",
        (("3 oz (85 g) cooked halibut (15037)", 90, hal, "mg", rtol),), "",
        f"SR28 gives {hal:.0f} mg (the current ODS table: 24 mg). The old value is almost 4 times too high."))
    # 6. "19-50 y: RDA 400/310 mg"
    r25m, r25f = intakes.rda(25, "male"), intakes.rda(25, "female")
    r40m, r40f = intakes.rda(40, "male"), intakes.rda(40, "female")
    rows.append(ClaimCheck(
        "Adults 19–50 y: RDA 400 mg (men) / 310 mg (women)", "a nutrition information site (nutri-facts)",
        (("RDA at 25 y, men (IOM 1997)", 400, r25m, "mg/day", exact), ("RDA at 25 y, women", 310, r25f, "mg/day", exact),
         ("RDA at 40 y, men", 400, r40m, "mg/day", exact), ("RDA at 40 y, women", 310, r40f, "mg/day", exact)), "",
        f"IOM bands are 19–30 y ({r25m:.0f}/{r25f:.0f}) and 31–50 y ({r40m:.0f}/{r40f:.0f}): the single 19–50 y band "
        "is wrong from age 31 on."))
    out = []
    for r in rows:
        agree = [judge(claimed, computed, tol) for _, claimed, computed, _, tol in r.readings]
        verdict = "agrees" if all(agree) else "agrees under some readings" if any(agree) else "disagrees"
        for (reading, claimed, computed, unit, _), ok in zip(r.readings, agree):
            out.append({"claim": r.claim, "seen in": r.seen_in, "reading": reading, "claimed": claimed,
                        "computed": computed, "unit": unit, "agrees": ok, "verdict": verdict, "why": r.why})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- figures

def rda_figure():
    """Step plot of the US RDA/AI (IOM 1997) by age for both sexes, the EFSA AI, the DV and the supplemental UL."""
    fig, ax = new_figure(figsize=(7.6, 4.4))
    table = intakes.load_intakes()  # evaluate only where a band starts or ends: the curves are steps
    edges = pd.concat([table["age_min_years"], table["age_max_years"].dropna()])
    ages = np.array(sorted({0.0, 80.0, *(float(a) for a in edges if 0 <= a <= 80)}))
    for sex, color, ls in (("male", OKABE_ITO["blue"], "-"), ("female", OKABE_ITO["vermillion"], "--")):
        us = [intakes.rda(a, sex) for a in ages]
        eu = [intakes.efsa_ai(a, sex) for a in ages]
        eu = [np.nan if v is None else v for v in eu]
        ax.step(ages, us, where="post", color=color, linestyle=ls, label=f"US RDA/AI, {sex} (IOM 1997)")
        ax.step(ages, eu, where="post", color=color, linestyle=":", alpha=0.8, label=f"EU AI, {sex} (EFSA 2015)")
    ul = [intakes.upper_limit_supplemental(a) for a in ages]
    ax.step(ages, [np.nan if v is None else v for v in ul], where="post", color=OKABE_ITO["reddish_purple"],
            linestyle=(0, (5, 1, 1, 1)), label="US UL, supplements only (not food)")
    ax.axhline(DAILY_VALUE_MG, color=ROLE_COLORS["reference"], linewidth=1.2)
    ax.text(80, DAILY_VALUE_MG + 6, "Daily Value 420 mg (labels)", ha="right", fontsize=10, color="#555555")
    ax.set_xlabel("age (years)")
    ax.set_ylabel("magnesium (mg/day)")
    ax.set_ylim(0, 470)
    ax.set_xlim(0, 80)
    ax.legend(fontsize=9, loc="lower right", ncol=1)
    return fig


RDA_FIGURE_ALT = ("Step plot of the US RDA (AI for infants) by age for men and women rising from 30 mg/day in infancy "
                  "to 420 and 320 mg/day from 31 years, with the EFSA adequate intakes dotted (higher than the US values "
                  "in young children, lower in adults), the supplemental upper limit (65, 110, then 350 mg/day) and "
                  "the Daily Value of 420 mg.")
register_figure("ch05_rda_by_age", alt=RDA_FIGURE_ALT)(rda_figure)


def group_density_figure():
    """Median magnesium density (mg per 100 kcal) by SR28 food group, with the 90th percentile."""
    s = group_density_summary()
    s = s[~s.index.str.startswith("Other")]
    fig, ax = new_figure(figsize=(7.6, 6.2))
    y = np.arange(len(s))[::-1]
    ax.barh(y, s["median_mg_per_100kcal"], color=ROLE_COLORS["magnesium"], edgecolor="black", linewidth=0.5,
            label="median")
    ax.scatter(s["p90_mg_per_100kcal"], y, marker="D", color=OKABE_ITO["orange"], zorder=3, label="90th percentile")
    ax.set_yticks(y, s.index, fontsize=9)
    ax.set_xlabel("magnesium density (mg per 100 kcal)")
    ax.legend(loc="lower right")
    return fig


GROUP_FIGURE_ALT = ("Horizontal bars of the median magnesium density of each SR28 food group, highest for vegetables, "
                    "legumes, spices and nuts and lowest for fats and oils, sausages, beverages and baked products, with the "
                    "90th percentile as diamonds.")
register_figure("ch05_density_by_group", alt=GROUP_FIGURE_ALT)(group_density_figure)


def spinach_figure():
    """Raw vs boiled spinach: grams per cup and magnesium per cup (SR28 11457 and 11458)."""
    t = spinach_cups(1.0)
    fig, (a1, a2) = new_figure(1, 2, figsize=(7.6, 3.6))
    colors = [OKABE_ITO["bluish_green"], OKABE_ITO["blue"]]
    a1.bar(t["spinach"], t["grams"], color=colors, edgecolor="black")
    a1.set_ylabel("weight of 1 cup (g)")
    a2.bar(t["spinach"], t["magnesium_mg"], color=colors, edgecolor="black")
    a2.set_ylabel("magnesium in 1 cup (mg)")
    for ax, col, fmt in ((a1, "grams", "{:.0f} g"), (a2, "magnesium_mg", "{:.0f} mg")):
        for i, v in enumerate(t[col]):
            ax.text(i, v, fmt.format(v), ha="center", va="bottom")
        ax.set_ylim(0, t[col].max() * 1.2)
    return fig


SPINACH_FIGURE_ALT = ("Two bar charts: a cup of raw spinach weighs 30 g and holds 24 mg magnesium, a cup of boiled "
                      "spinach weighs 180 g and holds 157 mg.")
register_figure("ch05_spinach_cups", alt=SPINACH_FIGURE_ALT)(spinach_figure)


def grains_figure():
    """Whole vs refined grains: magnesium per 100 g (SR28)."""
    g = grain_comparison()
    fig, ax = new_figure(figsize=(7.6, 3.8))
    x = np.arange(len(g))
    ax.bar(x - 0.2, g["whole_mg_per_100g"], 0.4, color=OKABE_ITO["orange"], edgecolor="black", label="whole grain")
    ax.bar(x + 0.2, g["refined_mg_per_100g"], 0.4, color=OKABE_ITO["sky_blue"], edgecolor="black", hatch="//",
           label="refined")
    for xi, w, r in zip(x, g["whole_mg_per_100g"], g["refined_mg_per_100g"]):
        ax.text(xi - 0.2, w, f"{w:.0f}", ha="center", va="bottom")
        ax.text(xi + 0.2, r, f"{r:.0f}", ha="center", va="bottom")
    ax.set_xticks(x, g["pair"])
    ax.set_ylabel("magnesium (mg per 100 g)")
    ax.set_ylim(0, g["whole_mg_per_100g"].max() * 1.2)
    ax.legend()
    return fig


GRAINS_FIGURE_ALT = ("Paired bars showing that whole-grain bread, brown rice and whole-grain flour have about 3 to 6 "
                     "times the magnesium per 100 g of their refined counterparts.")
register_figure("ch05_whole_vs_refined", alt=GRAINS_FIGURE_ALT)(grains_figure)


# --------------------------------------------------------------------------- notebook search box

def meal_builder(age_years: float = 30, sex: str = "female", initial: str = "") -> None:
    """Display an ipywidgets search box + add button for the meal planner (see :func:`build_meal_builder`)."""
    from IPython.display import display

    display(build_meal_builder(age_years, sex, initial))


def build_meal_builder(age_years: float = 30, sex: str = "female", initial: str = ""):
    """The meal-builder widget: a thin wrapper around the pure functions (returns an ``ipywidgets.VBox``).

    Search uses :func:`search_foods`; units come from :func:`food_measures`; the meal is kept as
    text and shown with the ``05.meal_planner`` callback, so the widget holds no logic of its own.
    The box exposes its parts as attributes (``query``, ``results``, ``amount``, ``unit``, ``add``,
    ``meal``, ``message``, ``output``) for tests and for instructors who want to script it.
    """
    import ipywidgets as W

    from mgcourse.widgets import safe_call

    query = W.Text(description="Search food", placeholder="e.g. spinach boiled", continuous_update=False,
                   style={"description_width": "initial"})
    results = W.Select(options=[], rows=7, description="Matching foods", style={"description_width": "initial"},
                       layout=W.Layout(width="95%"))  # the description is the list's accessible name
    amount = W.FloatText(value=1.0, description="Amount", style={"description_width": "initial"}, layout=W.Layout(width="180px"))
    unit = W.Dropdown(options=["g"], description="Unit", style={"description_width": "initial"})
    add = W.Button(description="Add to meal")  # no "success" green: white on it is below 4.5:1
    clear = W.Button(description="Clear meal")
    meal = W.Textarea(value=initial, description="Meal", layout=W.Layout(width="95%", height="70px"),
                      style={"description_width": "initial"})
    age = W.IntSlider(value=int(age_years), min=1, max=100, description="Age (years)", continuous_update=False)
    sex_w = W.Dropdown(options=["female", "male"], value=sex, description="Sex")
    msg = W.HTML()
    out = W.Output()

    def on_search(_=None):
        try:
            hits = search_foods(query.value, 30) if query.value.strip() else pd.DataFrame()
            results.options = [(f"{r.ndb_no}  {r.description}  ({r.magnesium_mg_per_100g:g} mg/100 g)", r.ndb_no)
                               for r in hits.itertuples()] if len(hits) else []
            msg.value = "" if len(hits) or not query.value.strip() else "no food matches every word"
        except ValueError as exc:
            msg.value = f"⚠️ {exc}"

    def on_select(_=None):
        if results.value:
            unit.options = [m.name for m in food_measures(results.value)]

    def on_add(_=None):
        if not results.value:
            msg.value = "⚠️ choose a food in the list first"
            return
        try:
            item = MealItem(results.value, float(amount.value), unit.value)
            grams_for(item.ndb_no, item.amount, item.unit)
        except ValueError as exc:
            msg.value = f"⚠️ {exc}"
            return
        msg.value = ""
        meal.value = "; ".join(p for p in (meal.value.strip(), item.spec()) if p)

    def on_clear(_=None):
        meal.value = ""

    def refresh(_=None):
        with out:
            out.clear_output(wait=True)
            safe_call(meal_planner_view, meal=meal.value, age_years=age.value, sex=sex_w.value).display()

    query.observe(on_search, names="value")
    results.observe(on_select, names="value")
    add.on_click(on_add)
    clear.on_click(on_clear)
    for w in (meal, age, sex_w):
        w.observe(refresh, names="value")
    box = W.VBox([query, results, W.HBox([amount, unit, add, clear]), msg, meal, W.HBox([age, sex_w]), out])
    box.query, box.results, box.amount, box.unit, box.add, box.clear = query, results, amount, unit, add, clear
    box.meal, box.message, box.output, box.age, box.sex = meal, msg, out, age, sex_w
    refresh()
    return box
