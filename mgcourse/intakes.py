"""Dietary reference intakes for magnesium, looked up in ``data/intakes.csv``.

All values are mg/day of magnesium. Sources (full citations in the CSV and in
``data/README.md``): IOM 1997 (US RDA/AI/EAR/UL, also used by the NIH ODS),
EFSA 2015 (EU adequate intakes) and the EU (SCF/EFSA) upper level for
supplemental magnesium. Age bands are half-open: "19-30 y" means
19 <= age_years < 31.

The upper limits (UL) apply to magnesium from supplements, medicines and
fortificants only, not to magnesium naturally present in food.
"""

from __future__ import annotations

import functools
import math

from ._validate import in_range
import pandas as pd

from mgcourse.data import _file_stamp, load_intakes

#: FDA Daily Value for magnesium, adults and children >= 4 y, mg/day (used for %DV on
#: current US labels; the NIH ODS food table's %DV column is mg / 420).
DAILY_VALUE_MG = 420
#: Daily Value on pre-2016 US labels, mg/day (still used by many older web tables).
OLD_DAILY_VALUE_MG = 400

SOURCES = ("IOM1997", "EFSA2015", "SCF_EFSA_UL")
AGE_RANGE_YEARS = (0, 120)
#: Ages (years) at which pregnancy/lactation values may be asked for: the IOM
#: bands "<=18 y" (applied from 14), 19-30 and 31-50 y.
REPRODUCTIVE_AGE_YEARS = (14, 51)


def _age(age_years) -> float:
    lo, hi = AGE_RANGE_YEARS
    return in_range("age_years", age_years, lo, hi, unit="years")


#: Largest daily dose :func:`ul_status` accepts (mg/day): 100 g, far above any real dose.
MAX_DOSE_MG_PER_DAY = 100_000.0


def _sex(sex) -> str:
    key = sex.strip().lower() if isinstance(sex, str) else None
    mapped = {"male": "male", "m": "male", "female": "female", "f": "female"}.get(key)
    if mapped is None:
        raise ValueError(f"sex must be 'male' or 'female' (or 'M'/'F', any case) (got {sex!r})")
    return mapped


def _life_stage(age: float, sex: str, pregnant, lactating) -> str:
    for name, flag in (("pregnant", pregnant), ("lactating", lactating)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False (got {flag!r})")
    if pregnant and lactating:
        raise ValueError("pregnant and lactating cannot both be True (got pregnant=True, lactating=True)")
    if not (pregnant or lactating):
        return "general"
    name = "pregnant" if pregnant else "lactating"
    if sex != "female":
        raise ValueError(f"{name}=True requires sex='female' (got sex={sex!r})")
    lo, hi = REPRODUCTIVE_AGE_YEARS
    if not lo <= age < hi:
        raise ValueError(f"{name}=True is defined for ages {lo} to {hi - 1} years, i.e. {lo} <= age_years < {hi} "
                         f"(got age_years={age:g})")
    return "pregnancy" if pregnant else "lactation"


def _lookup(source_id: str, measures: tuple[str, ...], age: float, sex: str = "any",
            life_stage: str = "general") -> pd.Series | None:
    """The single row of intakes.csv that covers ``age`` (years), or None if no band covers it.

    Cached on the file's stamp and the arguments: panels look the same values up on every slider move."""
    stamp = _file_stamp("intakes.csv")
    if stamp is None:  # unreadable: load_intakes raises the message
        return _lookup_rows(None, source_id, tuple(measures), age, sex, life_stage)
    row = _lookup_rows(stamp, source_id, tuple(measures), float(age), sex, life_stage)
    return None if row is None else row.copy()


@functools.lru_cache(maxsize=1024)
def _lookup_rows(stamp, source_id: str, measures: tuple[str, ...], age: float, sex: str,
                 life_stage: str) -> pd.Series | None:
    table = load_intakes()
    upper = table["age_max_years"].fillna(math.inf)
    rows = table[(table["source_id"] == source_id) & table["measure"].isin(measures)
                 & (table["life_stage"] == life_stage) & table["sex"].isin([sex, "any"])
                 & (table["age_min_years"] <= age) & (age < upper)]
    if len(rows) > 1:
        raise RuntimeError(f"intakes.csv: {len(rows)} rows match {source_id} {measures} age {age:g} {sex} {life_stage}")
    return rows.iloc[0] if len(rows) else None


def _value(row: pd.Series | None) -> float | None:
    if row is None or pd.isna(row["value_mg_per_day"]):
        return None
    return float(row["value_mg_per_day"])


def rda(age_years: float, sex: str, *, pregnant: bool = False, lactating: bool = False) -> float:
    """US recommended intake of magnesium, mg/day (IOM 1997).

    The RDA from 1 year; for infants (< 1 year) the adequate intake (AI), as
    the IOM gives no RDA for them. Pregnancy and lactation are accepted only
    for females aged 14 to 50 years.

    >>> rda(30, "female"), rda(31, "F"), rda(25, "female", pregnant=True)
    (310.0, 320.0, 350.0)
    """
    age, sex = _age(age_years), _sex(sex)
    stage = _life_stage(age, sex, pregnant, lactating)
    return _value(_lookup("IOM1997", ("AI", "RDA"), age, sex, stage))


def ear(age_years: float, sex: str) -> float | None:
    """US estimated average requirement, mg/day (IOM 1997); only the adult (>= 31 y) values are stored, else None."""
    return _value(_lookup("IOM1997", ("EAR",), _age(age_years), _sex(sex)))


def upper_limit_supplemental(age_years: float) -> float | None:
    """US tolerable upper intake level for supplemental magnesium, mg/day (IOM 1997).

    65 (1-3 y), 110 (4-8 y), 350 (>= 9 y, including pregnancy and lactation);
    None for infants (< 1 y: not established). Applies to supplements,
    medicines and fortificants, not to food.
    """
    return _value(_lookup("IOM1997", ("UL_supplemental",), _age(age_years)))


def efsa_ai(age_years: float, sex: str, *, pregnant: bool = False, lactating: bool = False) -> float | None:
    """EU adequate intake of magnesium, mg/day (EFSA 2015).

    None below 0.5 year (EFSA sets no value for the first half-year). In
    pregnancy and lactation EFSA applies the AI for women (from 18 y); for
    younger pregnant or lactating girls a ValueError says so.
    """
    age, sex = _age(age_years), _sex(sex)
    stage = _life_stage(age, sex, pregnant, lactating)
    row = _lookup("EFSA2015", ("AI",), age, sex, stage)
    if row is None and stage != "general":
        raise ValueError(f"EFSA 2015 gives a {stage} AI only from 18 years (got age_years={age:g}); "
                         "use pregnant=False, lactating=False for the AI of the age group")
    return _value(row)


def eu_upper_limit_supplemental(age_years: float) -> float | None:
    """EU (SCF/EFSA) upper level for supplemental magnesium, mg/day: 250 from 4 years, else None.

    Applies to readily dissociable magnesium salts and compounds such as MgO
    in supplements, water or fortified food.
    """
    return _value(_lookup("SCF_EFSA_UL", ("UL_supplemental",), _age(age_years)))


def intake_table(source: str = "IOM1997") -> pd.DataFrame:
    """The rows of ``data/intakes.csv`` for one source (tidy; values in mg/day), for tables and plots."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)} (got {source!r})")
    table = load_intakes()
    rows = table[table["source_id"] == source]
    return rows.sort_values(["measure", "life_stage", "sex", "age_min_years"]).reset_index(drop=True)


def ul_status(dose_mg: float, age_years: float) -> str:
    """One sentence comparing a daily dose of supplemental Mg (mg/day) with the US UL for an age (years)."""
    dose_mg = in_range("dose_mg", dose_mg, 0, MAX_DOSE_MG_PER_DAY, unit="mg/day")
    age = _age(age_years)
    ul = upper_limit_supplemental(age)
    dose = f"{dose_mg:g} mg/day of supplemental Mg"
    if ul is None:
        return (f"{dose}: no UL is set for infants; supplements only under medical supervision.")
    if dose_mg > ul:
        verdict = "is ABOVE"
    elif dose_mg == ul:
        verdict = "is at"
    else:
        verdict = "is below"
    return (f"{dose} {verdict} the US upper limit of {ul:g} mg/day for age {age:g} "
            "(the UL applies to supplements and medicines, not to food).")
