"""Parameter domains of the learner-facing library, for the contract test (issue #15).

Every public function of the science modules is listed in :data:`DOMAINS`
(one spec per parameter it is tested on) or in :data:`NOT_TESTED` with the
reason. A spec knows

* ``valid()``: a hypothesis strategy for values the function must accept and
  answer with finite, physically admissible output, and
* ``invalid()``: hostile values (NaN, ±inf, 1e308, 10**400, booleans, None,
  strings, empty / wrong-length / object arrays, values just outside the
  range) that must raise ``ValueError``/``TypeError`` naming the parameter.

The ranges are the documented ones (read from each function's own checks);
when a function changes its range, change it here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

HUGE_INT = 10 ** 400
OBJECT_ARRAY = np.array([1.0, "x"], dtype=object)
RAGGED = [[1.0, 2.0], [3.0]]


def _floats(lo, hi, lo_incl=True, hi_incl=True):
    return st.floats(min_value=lo, max_value=hi, exclude_min=not lo_incl, exclude_max=not hi_incl,
                     allow_nan=False, allow_infinity=False)


def _outside(lo, hi, lo_incl, hi_incl) -> list:
    out = []
    if lo is not None:
        out.append(lo if not lo_incl else (lo - max(1.0, abs(lo)) * 1e-3 if lo != 0 else -1.0))
        out.append(-1e308 if lo > -1e308 else None)
        out.append(-HUGE_INT)
    if hi is not None:
        out.append(hi if not hi_incl else hi + max(1.0, abs(hi)) * 1e-3)
        out.append(1e308)
        out.append(HUGE_INT)
    return [v for v in out if v is not None]


@dataclass
class Num:
    """A scalar number in [lo, hi] (``integer``: whole numbers only)."""
    lo: float | None = None
    hi: float | None = None
    lo_incl: bool = True
    hi_incl: bool = True
    integer: bool = False
    none_ok: bool = False
    examples: tuple = ()          # valid values always tried (e.g. the edges)
    strategy: Any = None          # overrides the generated strategy
    only: Any = None              # the one valid value tried
    text_ok: bool = False         # numbers typed as text ("5.5") are documented input (widget text boxes)

    def base(self):
        if self.only is not None:
            return self.only
        if self.examples:
            return self.examples[0]
        lo = self.lo if self.lo is not None else (0.0 if self.hi is None or self.hi > 0 else self.hi - 1)
        hi = self.hi if self.hi is not None else lo + 2
        mid = (lo + hi) / 2
        return int(math.ceil(mid)) if self.integer else mid

    def valid(self):
        if self.only is not None:
            return st.just(self.only)
        if self.strategy is not None:
            return self.strategy
        if self.integer:
            s = st.integers(int(math.ceil(self.lo if self.lo is not None else -1000)),
                            int(self.hi if self.hi is not None else 10 ** 6))
        else:
            lo = self.lo if self.lo is not None else -1e6
            hi = self.hi if self.hi is not None else 1e6
            s = _floats(lo, hi, self.lo_incl or self.lo is None, self.hi_incl or self.hi is None)
        if self.examples:
            s = st.sampled_from(self.examples) | s
        return s

    def invalid(self) -> list:
        bad = [math.nan, math.inf, -math.inf, True, [1.0]] + (["abc"] if self.text_ok else ["1.0"])
        if not self.none_ok:
            bad.append(None)
        if self.integer:
            lo = self.lo if self.lo is not None else 0
            bad.append(lo + 0.5)
        bad += _outside(self.lo, self.hi, self.lo_incl, self.hi_incl)
        if self.lo is None and self.hi is None:
            bad.append(HUGE_INT)
        return bad


@dataclass
class Arr:
    """A number or array of numbers, each in [lo, hi]."""
    lo: float | None = None
    hi: float | None = None
    lo_incl: bool = True
    hi_incl: bool = True
    length: int | None = None     # exact length required
    min_size: int = 1
    max_size: int = 6
    scalar_ok: bool = True
    none_ok: bool = False
    strategy: Any = None
    only: Any = None

    def base(self):
        if self.only is not None:
            return self.only
        lo = self.lo if self.lo is not None else 0.0
        hi = self.hi if self.hi is not None else lo + 2
        mid = (lo + hi) / 2
        return [mid] * self.length if self.length is not None else ([mid, mid] if not self.scalar_ok else mid)

    def valid(self):
        if self.only is not None:
            return st.just(self.only)
        if self.strategy is not None:
            return self.strategy
        lo = self.lo if self.lo is not None else -1e6
        hi = self.hi if self.hi is not None else 1e6
        el = _floats(lo, hi, self.lo_incl or self.lo is None, self.hi_incl or self.hi is None)
        if self.length is not None:
            return st.lists(el, min_size=self.length, max_size=self.length)
        lists = st.lists(el, min_size=max(self.min_size, 1), max_size=self.max_size)
        return (el | lists) if self.scalar_ok and self.min_size <= 1 else lists

    def invalid(self) -> list:
        bad = [math.nan, math.inf, [1.0, math.nan], [math.inf], True, "abc", [], OBJECT_ARRAY, RAGGED,
               np.array([True, False]), {"a": 1}]
        if not self.none_ok:
            bad.append(None)
        for v in _outside(self.lo, self.hi, self.lo_incl, self.hi_incl):
            bad.append([v] if self.length is None else [v] * self.length)
        if self.length is not None:
            bad += [[1.0] * (self.length + 1), [1.0] * max(self.length - 1, 0) or [[1.0]]]
        return bad


@dataclass
class Choice:
    """One of a fixed set of values."""
    values: tuple
    none_ok: bool = False
    bad_examples: tuple = ("not-an-option",)

    def base(self):
        return self.values[0]

    def valid(self):
        vals = self.values + ((None,) if self.none_ok else ())
        return st.sampled_from(vals)

    def invalid(self) -> list:
        bad = list(self.bad_examples) + [1.0, True, ["x"], math.nan]
        if not self.none_ok:
            bad.append(None)
        return bad


@dataclass
class Text:
    """Free text; ``bad`` lists strings that must be refused."""
    examples: tuple
    bad: tuple = ()
    none_ok: bool = False

    def base(self):
        return self.examples[0]

    def valid(self):
        return st.sampled_from(self.examples)

    def invalid(self) -> list:
        return list(self.bad) + [1.0, ["x"]] + ([] if self.none_ok else [None])


@dataclass
class Flag:
    """A boolean."""

    def base(self):
        return False

    def valid(self):
        return st.booleans()

    def invalid(self) -> list:
        return [None, "yes", 1.5, math.nan]


@dataclass
class Obj:
    """An object parameter built by ``build`` (a no-argument callable, or a strategy)."""
    build: Callable[[], Any]
    none_ok: bool = False
    extra_bad: tuple = ()
    strategy: Any = None

    def base(self):
        return self.build()

    def valid(self):
        s = self.strategy if self.strategy is not None else st.builds(self.build)
        return (s | st.none()) if self.none_ok else s

    def invalid(self) -> list:
        return [1.0, "abc", [1, 2], object()] + list(self.extra_bad) + ([] if self.none_ok else [None])


@dataclass
class PathArg:
    """A file path (text or pathlib.Path); ``build`` gives the valid one, ``None`` only if ``none_ok``."""
    build: Callable[[], Any]
    none_ok: bool = False

    def base(self):
        return self.build()

    def valid(self):
        s = st.builds(self.build)
        return (s | st.none()) if self.none_ok else s

    def invalid(self) -> list:
        return [1.0, True, ["data"], object(), "", b"data"] + ([] if self.none_ok else [None])


@dataclass
class Fixed:
    """A parameter held at one value (not tested for bad input, e.g. a matplotlib ``ax``)."""
    value: Any

    def base(self):
        return self.value

    def valid(self):
        return st.just(self.value)

    def invalid(self) -> list:
        return []


@dataclass
class Spec:
    params: dict
    nonneg: bool = False          # every number in the output must be ≥ 0 (fluxes, pools, amounts)
    slow: bool = False            # one valid example instead of many (simulations, figures)
    check_output: bool = True     # walk the output for NaN/inf
    output_check: Callable | None = None  # extra check on (kwargs, result)
    fixed: dict = field(default_factory=dict)  # other arguments passed as given


# ----------------------------------------------------------------------------- builders
def _balance_params():
    from mgcourse.models import balance
    return balance.Parameters()


def _cycle_params():
    from mgcourse.models import cycle
    return cycle.Parameters()


def _mm_params():
    from mgcourse.models import minimal_model
    return minimal_model.Parameters()


def _case(case_id="A"):
    from mgcourse import capstone
    return capstone.get_case(case_id)


def _balance_sim():
    from mgcourse.models import balance
    return balance.simulate(days=60.0, intake_mg_per_day=100.0)


def _supp_report():
    from mgcourse import capstone
    return capstone.supplement_report(_case("B")) or capstone.supplement_report(_case("A")) \
        or capstone.supplement_report(_case("C"))


def _cohort():
    from mgcourse import evidence
    return evidence.simulate_cohort(200, seed=1)


def _index_report():
    from mgcourse import signalling
    return signalling.index_report(5.5, "mmol/L", 9.0, "µU/mL")


def _meal_items():
    from mgcourse import diet
    return diet.parse_meal("12061: 30 g; 11457: 1 cup")


def _meal_table():
    from mgcourse import diet
    return diet.meal_totals(_meal_items())


def _food_log():
    return _case("A").food_log


def _extract(n_per_psu=6):
    """A small constructed frame with the NHANES extract's columns: 3 strata × 2 PSUs, a pregnant row, an
    unreliable recall and a missing insulin (so every inclusion step drops something). Not real data."""
    from mgcourse import nhanes

    rng = np.random.default_rng(15)
    rows = []
    seqn = 1
    for h in (1, 2, 3):
        for j in (1, 2):
            for _ in range(n_per_psu):
                mg = float(rng.uniform(150, 450))
                rows.append({"seqn": seqn, "age_years": int(rng.integers(20, 81)),
                             "sex": "female" if seqn % 2 else "male", "pregnant": 0, "recall_reliable": 1,
                             "mg_intake_mg_per_day": mg, "energy_kcal_per_day": float(rng.uniform(1200, 3000)),
                             "weight_dietary_day1": float(rng.uniform(5e3, 5e4)),
                             "weight_fasting": float(rng.uniform(1e4, 1e5)), "strata": h, "psu": j,
                             "glucose_mg_dl": float(rng.uniform(80, 140)), "insulin_uU_ml": float(rng.uniform(3, 30)),
                             "hba1c_percent": float(rng.uniform(4.8, 7.0)), "bmi_kg_m2": float(rng.uniform(19, 40)),
                             "waist_cm": float(rng.uniform(70, 130))})
                seqn += 1
    rows[0]["pregnant"] = 1
    rows[1]["recall_reliable"] = 0
    rows[2]["insulin_uU_ml"] = math.nan
    rows[3]["bmi_kg_m2"] = math.nan
    import pandas as pd
    return pd.DataFrame(rows, columns=list(nhanes.EXTRACT_COLUMNS))


def _intake_sample():
    from mgcourse import nhanes
    return nhanes.intake_sample(_extract())


def _fasting_sample():
    from mgcourse import nhanes
    return nhanes.fasting_sample(_extract())


def _analysis_sample():
    from mgcourse import nhanes
    return nhanes.analysis_sample(_fasting_sample())


def _scores():
    return np.random.default_rng(3).normal(size=(6, 2))


def _intakes_table():
    from mgcourse import data
    return data.load_intakes()


def _data_file(name):
    def build():
        from mgcourse import data
        return data.data_dir() / name
    return build


def _schema():
    from mgcourse import data
    return data.FSIGT_SCHEMA


def _chapter():
    from mgcourse import course_map
    return course_map.chapter("04")


def _claim_row():
    from mgcourse import claims
    return claims.ledger().reset_index().iloc[0]


def _fsigt(column):
    def build():
        from mgcourse import data
        return data.load_fsigt()[column].to_numpy()
    return build


import pandas as _pd  # noqa: E402

EMPTY_FRAME = _pd.DataFrame()
def _finite_columns(frame, columns) -> bool:
    return all(np.all(np.isfinite(frame[c].to_numpy(dtype=float))) for c in columns if c in frame.columns)


def _sample_ok(kw, frame) -> bool:
    """A survey sample: non-empty, weights finite and > 0, the analysis columns finite (missing values are
    NaN by design in the other columns, so those are not walked)."""
    cols = ("weight", "mg_intake_mg_per_day", "mg_intake_100mg_per_day", "log_homa_ir", "homa_ir")
    return len(frame) > 0 and bool((frame["weight"] > 0).all()) and _finite_columns(frame, cols)


#: Data tables hold missing values as NaN by design ("empty numbers become NaN, never 0"): their
#: output check is a non-empty table, not a walk over every cell.
TABLE = dict(check_output=False, output_check=lambda kw, r: len(r) > 0)
SAMPLE = dict(check_output=False, output_check=_sample_ok)
P_BAL = Obj(_balance_params, none_ok=True)
P_CYC = Obj(_cycle_params, none_ok=True)
P_MM = Obj(_mm_params, none_ok=True)
CASE = Obj(_case, strategy=st.sampled_from(("A", "B", "C")).map(_case))
AGE = Num(0, 120)
ADULT = Num(19, 100)
SEX = Choice(("female", "male"))
CASE_ID = Choice(("A", "B", "C"))
MG_INTAKE = Num(0, 5000)

# ----------------------------------------------------------------------------- registry
DOMAINS: dict[str, Spec] = {
    # functions added since the first registry (issue #15, contract3)
    "indices.ogtt_mean": Spec({"values": Arr(0, 10_000, length=5, strategy=st.lists(_floats(0, 1800), min_size=5, max_size=5)),
                               "times_min": Arr(0, 1440, length=5, none_ok=True, only=None,
                                                strategy=st.sampled_from((None, [0.0, 30.0, 60.0, 90.0, 120.0], [0.0, 15.0, 30.0, 60.0, 120.0]))),
                               "mean": Choice(("trapezoidal", "arithmetic"))}, nonneg=True),
    "units.parse_number": Spec({"text": Num(None, None, text_ok=True, strategy=_floats(-1e6, 1e6) | st.sampled_from(("5,5", "0,85", "-3.2", "1,234.5", "12,345,678", " 7 "))),
                                "name": Text(("text", "fasting glucose"), bad=("", "  "))}),
    "diet.readable_food_name": Spec({"description": Text(("SPINACH,CKD,BLD,DRND,WO/SALT", "NUTS,ALMONDS", "SEEDS,PUMPKIN&SQUASH SD KRNLS,DRIED", ""), none_ok=True),
                                     "max_len": Num(2, 10_000, integer=True, none_ok=True, strategy=st.none() | st.integers(2, 60))}),
    "models.minimal_model.fit_fsigt": Spec({"t_min": Obj(_fsigt("time_min"),
                                                         extra_bad=(np.array([0.0, math.nan]),)),
                                            "glucose_mg_dl": Obj(_fsigt("glucose_mg_dl"), extra_bad=(np.full(24, -1.0), np.full(24, math.inf))),
                                            "insulin_uU_ml": Obj(_fsigt("insulin_uU_ml"), extra_bad=(np.full(24, math.nan), np.ones(23))),
                                            "gb_mg_dl": Num(40, 400, only=90.0), "ib_uU_ml": Num(0, 300, only=7.0),
                                            "min_time_min": Num(0, 600, only=8.0), "p2": Num(1e-4, 1.0, only=0.02093),
                                            "start": Arr(None, None, length=3, only=(3.0, 0.03, 280.0))}, slow=True, check_output=False),
    # toolkit (chapter 01)
    "toolkit.clearance_rhs": Spec({"t_min": Num(0, 10_080), "g_mg_dl": Arr(0, 1000), "k_per_min": Num(1e-6, 10),
                                   "gb_mg_dl": Num(0, 1000)}),
    "toolkit.clearance_glucose_mg_dl": Spec({"t_min": Arr(0, 10_080), "k_per_min": Num(1e-6, 10),
                                             "g0_mg_dl": Num(0, 1000), "gb_mg_dl": Num(0, 1000)}, nonneg=True),
    "toolkit.time_to_reach_min": Spec({"target_mg_dl": Num(0, 1000, only=120.0), "k_per_min": Num(1e-6, 10),
                                       "g0_mg_dl": Num(0, 1000, strategy=_floats(121, 1000)), "gb_mg_dl": Num(0, 1000, strategy=_floats(0, 119))},
                                      nonneg=True),
    "toolkit.eigen_stability": Spec({"a": Obj(lambda: [[-1.0, 2.0], [-3.0, -0.5]],
                                              strategy=st.lists(st.lists(_floats(-1e6, 1e6), min_size=2, max_size=2), min_size=2, max_size=2),
                                              extra_bad=([[1.0, math.nan], [0.0, 1.0]], [[math.inf, 0.0], [0.0, 1.0]], [[1e308, 0.0], [0.0, 1.0]],
                                                         [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [], RAGGED, OBJECT_ARRAY, [[True, False], [False, True]]))}),
    # course_map
    "course_map.chapter": Spec({"number": Choice(tuple(f"{i:02d}" for i in range(10)) + tuple(range(10)),
                                                 bad_examples=("not-an-option", "10", 42, -1, "4.0", ""))}),
    "course_map.badge_time": Spec({"ch": Obj(_chapter)}),
    "course_map.badge_number": Spec({"ch": Obj(_chapter)}),
    "course_map.estimated_time_line": Spec({"ch": Obj(_chapter)}),
    "course_map.markdown_table": Spec({"link_prefix": Text(("", "notebooks/")),
                                       "available": Obj(lambda: {"00_welcome.ipynb", "04_vicious_cycle.ipynb"}, none_ok=True)}),
    # claims
    "claims.grade_text": Spec({"row": Obj(_claim_row, extra_bad=({"claim": "x"},))}),
    "claims.claim_box": Spec({"claim_id": Text(("article-05", "article-01"), bad=("nonsense", ""))}),
    # data loaders
    "data.manifest_checksums": Spec({"folder": PathArg(lambda: __import__("mgcourse.data").data.data_dir())}),
    "data.read_validated_csv": Spec({"path": PathArg(_data_file("fsigt_pacini_bergman_1986.csv")), "schema": Obj(_schema)}),
    "data.load_foods": Spec({"path": PathArg(_data_file("foods.csv"), none_ok=True)}, slow=True, **TABLE),
    "data.load_ods_food_table": Spec({"path": PathArg(_data_file("ods_food_table.csv"), none_ok=True)}, **TABLE),
    "data.load_intakes": Spec({"path": PathArg(_data_file("intakes.csv"), none_ok=True)}, **TABLE),
    "data.load_supplement_forms": Spec({"path": PathArg(_data_file("supplement_forms.csv"), none_ok=True)}, **TABLE),
    "data.load_fsigt": Spec({"path": PathArg(_data_file("fsigt_pacini_bergman_1986.csv"), none_ok=True)}, nonneg=True),
    "data.load_claims": Spec({"path": PathArg(_data_file("claims.csv"), none_ok=True)}, **TABLE),
    "data.food_search": Spec({"query": Text(("spinach", "pumpkin seeds", "ALMONDS", "zzz-no-match"), bad=("", "  ", ",")),
                              "limit": Num(1, None, integer=True, strategy=st.integers(1, 50))},
                             check_output=False, output_check=lambda kw, r: len(r) <= kw["limit"] and all(
                                 w in d.lower() for d in r["description"] for w in kw["query"].lower().replace(",", " ").split())),
    "data.food_by_ndb": Spec({"ndb_no": Choice(("09040", 9040, "12061", "9040"), bad_examples=("99999", "abc", "123456", -5, " "))}),
    # nhanes (small constructed frames; None = the course's extract, which loads in well under a second)
    "nhanes.load_extract": Spec({"path": PathArg(_data_file("nhanes_2017_2018.csv"),
                                                 none_ok=True)}, slow=True, **TABLE),
    "nhanes.intake_sample": Spec({"data": Obj(_extract, none_ok=True, extra_bad=(EMPTY_FRAME,))}, **SAMPLE),
    "nhanes.fasting_sample": Spec({"data": Obj(_extract, none_ok=True, extra_bad=(EMPTY_FRAME,))}, **SAMPLE),
    "nhanes.inclusion_steps": Spec({"sample": Obj(_intake_sample, strategy=st.sampled_from((_intake_sample, _fasting_sample)).map(lambda f: f()),
                                                  extra_bad=("nonsense", EMPTY_FRAME))}, nonneg=True),
    "nhanes.ear_mg_per_day": Spec({"age_years": Arr(19, 120, length=3),
                                   "sex": Choice((("female", "male", "male"), ("male", "male", "female")),
                                                 bad_examples=(("female", "x", "male"), ("female", "male"), ("female", None, "male"), "female")),
                                   "intakes": Obj(_intakes_table, none_ok=True, extra_bad=(EMPTY_FRAME,))}, nonneg=True,
                                  output_check=lambda kw, r: set(np.ravel(r)) <= {255.0, 265.0, 330.0, 350.0}),  # IOM 1997 adult EARs
    "nhanes.weighted_quantile": Spec({"values": Arr(None, None, length=4), "weights": Arr(0, None, length=4, strategy=st.lists(_floats(0.1, 1e300), min_size=4, max_size=4)),
                                      "q": Arr(0, 1)},
                                     output_check=lambda kw, r: bool(np.all(np.isin(np.atleast_1d(r), kw["values"])))),
    "nhanes.weighted_mean": Spec({"values": Arr(None, None, length=4), "weights": Arr(0, None, length=4, strategy=st.lists(_floats(0.1, 1e300), min_size=4, max_size=4))},
                                 output_check=lambda kw, r: min(kw["values"]) - 1e-9 * max(map(abs, kw["values"])) <= r
                                 <= max(kw["values"]) + 1e-9 * max(map(abs, kw["values"]))),
    "nhanes.design_matrix": Spec({"df": Obj(_analysis_sample, extra_bad=(EMPTY_FRAME,)),
                                  "columns": Choice((("age_years", "sex"), ("mg_intake_100mg_per_day",), ()), bad_examples=(("nope",), "nope", (1,)))}),
    "nhanes.design_scores_variance": Spec({"scores": Obj(_scores, extra_bad=(np.full((6, 2), math.nan), np.ones((5, 2)), np.ones(6), OBJECT_ARRAY, RAGGED)),
                                           "strata": Choice(((1, 1, 1, 2, 2, 2),), bad_examples=("nope", (1, 1, 1, 2, 2), (1, 1, 1, 2, 2, None), (1, 1, 1, 2, 2, math.nan))),
                                           "psu": Choice(((1, 2, 2, 1, 2, 1),), bad_examples=("nope", (1, 2, 2, 1, 2), (1, 2, 2, 1, 2, None), (1, 1, 1, 1, 1, 1)))}),
    "nhanes.survey_regression": Spec({"df": Obj(_analysis_sample, extra_bad=(EMPTY_FRAME,)),
                                      "outcome": Choice(("log_homa_ir",), bad_examples=("nope", "sex")),
                                      "exposure": Choice(("mg_intake_100mg_per_day",), bad_examples=("nope", "log_homa_ir")),
                                      "covariates": Choice(((), ("age_years", "sex"), ("energy_kcal_per_day", "age_years", "sex", "waist_cm")),
                                                           bad_examples=("nope", ("nope",), ("log_homa_ir",), ("age_years", "age_years"))),
                                      "weight": Choice(("weight",), bad_examples=("nope", "sex")),
                                      "strata": Choice(("strata",), bad_examples=("nope",)),
                                      "psu": Choice(("psu",), bad_examples=("nope", "strata")),
                                      "level": Num(0, 1, lo_incl=False, hi_incl=False, strategy=_floats(0.5, 0.999))}),
    "nhanes.analysis_sample": Spec({"sample": Obj(_fasting_sample, none_ok=True, extra_bad=(EMPTY_FRAME,))}, **SAMPLE),
    "nhanes.adjustment_table": Spec({"sample": Obj(_analysis_sample, none_ok=True, extra_bad=(EMPTY_FRAME,)),
                                     "sets": Obj(lambda: {"crude": (), "age, sex": ("age_years", "sex")}, none_ok=True,
                                                 extra_bad=({}, {"x": ("nope",)}, {1: ()}, {"x": 1.0}))}),
    # units
    "units.normalise_unit": Spec({"unit": Text(("mg/dL", "mmol/L", "pmol/L", "µU/mL", "mU/L"), bad=("furlongs", ""))}),
    "units.units_for": Spec({"substance": Choice(("glucose", "insulin", "magnesium"))}),
    "units.convert": Spec({"value": Arr(0, None, strategy=_floats(0, 1e4) | st.lists(_floats(0, 1e4), min_size=1, max_size=6)), "from_unit": Fixed("mmol/L"), "to_unit": Choice(("mg/dL", "mmol/L"), bad_examples=("furlongs", "pmol/L")),
                           "substance": Choice(("glucose",)), "insulin_factor": Num(5.0, 8.0)}, nonneg=True),
    "units.converter_text": Spec({"value": Num(0, None, strategy=_floats(0, 1e4)), "substance": Choice(("glucose",)), "from_unit": Choice(("mg/dL", "mmol/L")),
                                  "to_unit": Choice(("mg/dL", "mmol/L"))}),
    # indices
    "indices.homa_ir": Spec({"glucose_mmol_l": Arr(0, 100, lo_incl=False, strategy=_floats(0.5, 100)), "insulin_uU_ml": Arr(0, 1e4, lo_incl=False, strategy=_floats(0.1, 1e4))}, nonneg=True),
    "indices.homa_beta": Spec({"glucose_mmol_l": Arr(3.5, 100, lo_incl=False, strategy=_floats(3.6, 100)), "insulin_uU_ml": Arr(0, 1e4, lo_incl=False, strategy=_floats(0.1, 1e4))}, nonneg=True),
    "indices.quicki": Spec({"glucose_mg_dl": Arr(0, 1800, lo_incl=False, strategy=_floats(10, 1800)), "insulin_uU_ml": Arr(0, 1e4, lo_incl=False, strategy=_floats(0.2, 1e4))}, nonneg=True),
    "indices.matsuda": Spec({"glucose_mg_dl": Arr(0, 1800, lo_incl=False, length=5, strategy=st.lists(_floats(10, 1800), min_size=5, max_size=5)), "insulin_uU_ml": Arr(0, 1e4, lo_incl=False, length=5, strategy=st.lists(_floats(0.2, 1e4), min_size=5, max_size=5))}, nonneg=True),
    "indices.fasting_glucose_category": Spec({"glucose_mg_dl": Num(0, 1800, lo_incl=False)}),
    # intakes
    "intakes.rda": Spec({"age_years": AGE, "sex": SEX}, nonneg=True),
    "intakes.ear": Spec({"age_years": AGE, "sex": SEX}, nonneg=True),
    "intakes.upper_limit_supplemental": Spec({"age_years": AGE}, nonneg=True),
    "intakes.efsa_ai": Spec({"age_years": AGE, "sex": SEX}, nonneg=True),
    "intakes.eu_upper_limit_supplemental": Spec({"age_years": AGE}, nonneg=True),
    "intakes.intake_table": Spec({"source": Choice(("IOM1997", "EFSA2015", "SCF_EFSA_UL"))}, check_output=False),
    "intakes.ul_status": Spec({"dose_mg": Num(0, 1e5), "age_years": AGE}),
    # chemistry
    "chemistry.parse_formula": Spec({"formula": Text(("MgO", "Mg(OH)2", "MgCl2·6H2O", "C12H10Mg3O14"),
                                                     bad=("", "Xx2", "Mg" + "(" * 2000 + "O" + ")" * 2000, "Mg99999999999999999999", "Mg(OH"))}),
    "chemistry.molar_mass": Spec({"formula": Text(("MgO", "Mg(OH)2", "MgCl2·6H2O", "C12H10Mg3O14"),
                                                  bad=("", "Mg" + "(" * 2000 + "O" + ")" * 2000, "Mg" + "9" * 400, "H999999999999"))}, nonneg=True),
    "chemistry.elemental_fraction": Spec({"formula": Text(("MgO", "Mg(OH)2", "MgCl2·6H2O")), "element": Choice(("Mg",), bad_examples=("Zz",))}, nonneg=True),
    "chemistry.salt_mass_for_elemental_mg": Spec({"elemental_mg": Num(0, 1e5), "formula": Text(("MgO", "MgCl2"), bad=("NaCl", ""))}, nonneg=True),
    "chemistry.elemental_mg_from_salt_mg": Spec({"salt_mg": Num(0, 1e5), "formula": Text(("MgO", "MgCl2"), bad=("",))}, nonneg=True),
    # signalling
    "signalling.mg_factor": Spec({"mg_relative": Arr(0, 3), "k_mg_relative": Num(0, 10, lo_incl=False)}, nonneg=True),
    "signalling.receptor_activation": Spec({"insulin_uU_ml": Arr(0, None, strategy=_floats(0, 1e4) | st.lists(_floats(0, 1e4), min_size=1, max_size=6)), "mg_relative": Num(0, 3), "ec50_uU_ml": Num(0, 1e4, lo_incl=False),
                                            "hill": Num(0.25, 6), "k_mg_relative": Num(0, 10, lo_incl=False)}, nonneg=True),
    # documented: returns inf when the target activation is unreachable at this Mg
    "signalling.insulin_to_match": Spec({"target": Num(0, 10, strategy=_floats(0.01, 0.95)), "mg_relative": Num(0, 3, strategy=_floats(0.05, 3)),
                                         "ec50_uU_ml": Num(0, 1e4, lo_incl=False), "hill": Num(0.25, 6),
                                         "k_mg_relative": Num(0, 10, lo_incl=False)}, check_output=False,
                                        output_check=lambda kw, r: r >= 0 and not math.isnan(r)),
    "signalling.quicki_position": Spec({"q": Num(0, 5, lo_incl=False)}),
    # index_report: an unknown unit string ("ng/mL") keeps the message "unknown unit 'ng/mL'; known units: ..." that notebook 02
    # prints (stored output); known units of the wrong kind and non-strings name glucose_unit / insulin_unit.
    "signalling.index_report": Spec({"glucose": Num(1, 60, text_ok=True), "glucose_unit": Choice(("mmol/L",), bad_examples=("µU/mL", "mg")),
                                     "insulin": Num(0.2, 1000, text_ok=True),
                                     "insulin_unit": Choice(("µU/mL",), bad_examples=("mg/dL", "mg")), "insulin_factor": Num(5, 8),
                                     "ogtt_glucose": Fixed(None), "ogtt_insulin": Fixed(None)}, check_output=False),
    "signalling.index_table": Spec({"report": Obj(_index_report)}, check_output=False),
    # supplements
    "supplements.form": Spec({"form_id": Choice(("oxide", "bisglycinate", "trimagnesium_dicitrate_anhydrous"))}, check_output=False),
    "supplements.short_name": Spec({"form_id": Choice(("oxide", "bisglycinate"))}),
    "supplements.read_label": Spec({"amount_mg": Num(0, 10_000), "form_id": Choice(("oxide", "bisglycinate")), "basis": Choice(("salt", "elemental"))}, nonneg=True),
    "supplements.family_range": Spec({"salt_mg": Num(0, 10_000), "family": Choice(("citrate",))}, nonneg=True, check_output=False),
    "supplements.ul_placement": Spec({"dose_mg_per_day": Num(0, 100_000), "age_years": Num(0, 120)}, nonneg=True),
    "supplements.citrate_label_figure": Spec({"salt_mg": Num(0, 10_000, lo_incl=False, strategy=_floats(1, 10_000))}, slow=True, check_output=False),
    # diet
    "diet.mg_per_serving": Spec({"mg_per_100g": Num(0, 100_000), "grams": Num(0, 1e5)}, nonneg=True),
    "diet.mg_per_100kcal": Spec({"mg_per_100g": Num(0, 100_000), "energy_kcal_per_100g": Num(0, 1000), "min_kcal_per_100g": Num(0, 1000)},
                                check_output=False),
    "diet.rank_foods": Spec({"by": Choice(("per_100kcal", "per_100g", "per_serving")), "n": Num(1, 500, integer=True),
                             "food_group": Choice(("Nut and Seed Products",), none_ok=True), "min_kcal_per_100g": Num(0, 1000)}, check_output=False),
    "diet.spinach_cups": Spec({"cups": Num(0, 25, lo_incl=False, examples=(25.0, 1.0), strategy=_floats(0.1, 25))}, nonneg=True, check_output=False),
    "diet.food_measures": Spec({"ndb_no": Choice(("11457", "12061"), bad_examples=("99999999",))}),
    "diet.grams_for": Spec({"ndb_no": Choice(("11457",), bad_examples=("99999999",)), "amount": Num(0, None, lo_incl=False, strategy=_floats(0.01, 10)), "unit": Choice(("g", "oz", "cup"))}, nonneg=True),
    "diet.parse_amount": Spec({"text": Text(("30 g", "1 cup", "1/2 cup"), bad=("", "g", "0 g", "1/0 cup", "-3 g"))}),
    "diet.parse_meal": Spec({"spec": Text(("12061: 30 g", "12061: 30 g; 11457: 1 cup"), bad=())}, check_output=False),
    # parse_meal's content errors name the item ("item 2 ('99999: 1 g'): unknown food ..."), not the parameter:
    # documented, shown in notebook 05 and tested in test_diet.py; wrong types name spec.
    "diet.format_meal": Spec({"items": Obj(_meal_items)}),
    "diet.meal_totals": Spec({"items": Obj(_meal_items)}, check_output=False),
    "diet.meal_summary": Spec({"items": Obj(_meal_items), "age_years": AGE, "sex": SEX}, check_output=False),
    "diet.meal_figure": Spec({"table": Obj(_meal_table), "rda_mg": Num(0, 5000, lo_incl=False, strategy=_floats(1, 2000)),
                                  "title": Text(("", "My meal"))}, slow=True, check_output=False),
    "diet.search_foods": Spec({"query": Text(("spinach", "almonds raw"), bad=("",)), "limit": Num(1, 10_000, integer=True, strategy=st.integers(1, 100))}, check_output=False),
    "diet.optimise_diet": Spec({"target_mg": Num(0, 5000, lo_incl=False, strategy=_floats(100, 600)), "foods": Fixed("everyday"),
                                "objective": Choice(("energy", "mass")),
                                "cap_scale": Num(0, 100, none_ok=True, strategy=_floats(0.5, 3)),
                                "min_energy_kcal": Num(0, 10_000, strategy=_floats(0, 100)),
                                "max_energy_kcal": Num(0, 10_000, none_ok=True, strategy=_floats(3000, 10_000)),
                                "min_protein_g": Num(0, 500, strategy=_floats(0, 50))}, slow=True, check_output=False),
    "diet.judge": Spec({"claimed": Num(None, None), "computed": Num(None, None), "rtol": Num(0, 1)}),
    "diet.check_claims": Spec({"rtol": Num(0, 1)}, check_output=False, slow=True),
    # evidence
    "evidence.cohort_meta_table": Spec({"outcome": Choice(("type 2 diabetes", "stroke"), none_ok=True)}, check_output=False),
    "evidence.se_from_ci": Spec({"ci_low": Num(None, 2.0, hi_incl=False, strategy=_floats(0.1, 1.0)), "ci_high": Fixed(2.0), "log": Flag()}, nonneg=True),
    "evidence.get_meta": Spec({"meta_id": Choice(("larsson2007", "dong2011", "fang2016")), "outcome": Choice(("type 2 diabetes",))}),
    "evidence.rr_for_change": Spec({"rr_per_100mg": Num(0.1, 10), "delta_mg_per_day": Arr(-5000, 5000)}, nonneg=True),
    "evidence.rr_curve": Spec({"meta_id": Choice(("larsson2007", "dong2011", "fang2016")), "delta_mg_per_day": Arr(-5000, 5000)}, check_output=False),
    "evidence.absolute_risk": Spec({"baseline_risk": Num(0, 1, lo_incl=False, hi_incl=False, strategy=_floats(1e-4, 0.99)),
                                    "relative_risk": Num(0, None, lo_incl=False, strategy=_floats(0.1, 5))}),  # risk capped at 1
    "evidence.mean_difference": Spec({"mean_1": Num(None, None, strategy=_floats(-1e3, 1e3)),
                                      "sd_1": Num(0, None, lo_incl=False, strategy=_floats(0.1, 100)),
                                      "n_1": Num(2, None, integer=True, strategy=st.integers(2, 10_000)),
                                      "mean_2": Num(None, None, strategy=_floats(-1e3, 1e3)),
                                      "sd_2": Num(0, None, lo_incl=False, strategy=_floats(0.1, 100)),
                                      "n_2": Num(2, None, integer=True, strategy=st.integers(2, 10_000))}),
    "evidence.trial_doses": Spec({"age_years": AGE}, check_output=False),
    "evidence.pool_fixed": Spec({"estimates": Arr(None, None, length=4, scalar_ok=False, strategy=st.lists(_floats(-5, 5), min_size=4, max_size=4)),
                                 "standard_errors": Arr(0, None, lo_incl=False, length=4, scalar_ok=False, strategy=st.lists(_floats(0.01, 5), min_size=4, max_size=4))}),
    "evidence.pool_random": Spec({"estimates": Arr(None, None, length=4, scalar_ok=False, strategy=st.lists(_floats(-5, 5), min_size=4, max_size=4)),
                                  "standard_errors": Arr(0, None, lo_incl=False, length=4, scalar_ok=False, strategy=st.lists(_floats(0.01, 5), min_size=4, max_size=4))}),
    "evidence.log_risk_ratio": Spec({"events_1": Arr(0.5, 100, length=3), "total_1": Fixed([100, 100, 100]),
                                     "events_2": Arr(0.5, 100, length=3), "total_2": Fixed([100, 100, 100])}, check_output=False),
    "evidence.simulate_cohort": Spec({"n": Num(50, 2000, integer=True), "seed": Num(0, None, integer=True, strategy=st.integers(0, 10_000)),  # any seed numpy takes
                                      "intake_drop_per_10pct_fat_mg": Num(-200, 200), "true_effect_log_per_100mg": Num(-1, 1)}, check_output=False),
    "evidence.ols": Spec({"y": Arr(None, None, length=6, strategy=st.lists(_floats(-10, 10), min_size=6, max_size=6))}, fixed={"x": [0.0, 1.0, 2.0, 3.0, 4.0, 6.0]}),
    "evidence.confounding_estimates": Spec({"cohort": Obj(_cohort), "true_effect_log_per_100mg": Num(-1, 1, none_ok=True)}, check_output=False),
    "evidence.plot_rr_curves": Spec({"delta_max_mg": Num(0, 5000, lo_incl=False, strategy=_floats(10, 600)),
                                     "highlight_delta_mg": Num(-5000, 5000, none_ok=True, strategy=_floats(-300, 600)),
                                     "meta_ids": Fixed(("larsson2007",)), "ax": Fixed(None)}, slow=True, check_output=False),
    "evidence.plot_forest": Spec({"ax": Fixed(None)}, slow=True, check_output=False),
    "evidence.plot_pooling_example": Spec({"ax": Fixed(None)}, slow=True, check_output=False),
    "evidence.reverse_causation_snapshot": Spec({"si_fractions": Arr(0.05, 1.0, scalar_ok=False, max_size=3),
                                                 "day": Num(1, 365, integer=True), "full_cycle": Flag()}, slow=True, check_output=False),
    # capstone
    "capstone.get_case": Spec({"case_id": CASE_ID}),
    "capstone.select_case": Spec({"case_id": CASE_ID}),
    "capstone.lab_values": Spec({"case": CASE}, nonneg=True),
    "capstone.indices_report": Spec({"case": CASE}),
    "capstone.serum_mg_category": Spec({"serum_mg_mmol_l": Num(0, 5, lo_incl=False, strategy=_floats(0.01, 5))}),
    "capstone.food_log_table": Spec({"entries": Obj(_food_log)}, check_output=False),
    "capstone.food_log_total_mg": Spec({"entries": Obj(_food_log)}, nonneg=True),
    "capstone.intake_comparison": Spec({"case": CASE, "total_mg": Num(0, 10_000)}),
    "capstone.apply_swaps": Spec({"entries": Obj(_food_log), "swaps": Fixed(())}, check_output=False),
    "capstone.plan_foods": Spec({"case": CASE}, slow=True, check_output=False),
    "capstone.food_plan": Spec({"case": CASE}, slow=True, check_output=False),
    "capstone.supplement_report": Spec({"case": CASE}, slow=True),
    "capstone.run_scenario": Spec({"name": Text(("baseline",)), "intake_mg_per_day": Num(0, 2000)}, slow=True, nonneg=True),
    "capstone.supplement_as_food_equivalent_mg": Spec({"report": Obj(_supp_report, none_ok=True)}, nonneg=True),
    "capstone.model_scenarios": Spec({"case": CASE}, slow=True),
    "capstone.pool_category": Spec({"mg_pool": Num(0, 10)}),
    "capstone.model_limits": Spec({"case": CASE}),
    "capstone.evidence_summary": Spec({"case": CASE}),
    "capstone.evidence_table": Spec({"case": CASE}, check_output=False),
    "capstone.evidence_markdown": Spec({"case": CASE}),
    "capstone.pipeline": Spec({"case_id": CASE_ID}, slow=True, check_output=False),
    "capstone.exercise_case_markdown": Spec({"case": CASE}),
    "capstone.summary_markdown": Spec({"case_id": CASE_ID}, slow=True),
    "capstone.case_figure": Spec({"case_id": CASE_ID}, slow=True, check_output=False),
    "capstone.food_log_figure": Spec({"case_id": CASE_ID}, slow=True, check_output=False),
    "capstone.food_log_figure_alt": Spec({"case_id": CASE_ID}, slow=True),
    "capstone.plan_figure": Spec({"case_id": CASE_ID}, slow=True, check_output=False),
    "capstone.plan_figure_alt": Spec({"case_id": CASE_ID}, slow=True),
    "capstone.case_figure_alt": Spec({"case_id": CASE_ID}, slow=True),
    "capstone.scenario_figure": Spec({"case_id": CASE_ID, "intake_mg_per_day": Num(0, 2000), "years": Num(0.5, 20)}, slow=True, check_output=False),
    # models.absorption
    "models.absorption.fit_saturable_parameters": Spec({"meal_mg": Num(0, 500, examples=(5.0,), strategy=_floats(0, 7)), "low_fraction": Fixed(0.65), "high_fraction": Fixed(0.11),
                                                        "high_added_mg": Num(0, 5000, lo_incl=False, strategy=_floats(100, 2000)), "linear_fraction": Fixed(0.07)}, nonneg=True),
    "models.absorption.fraction_absorbed": Spec({"dose_mg": Num(0, 5000), "form": Choice(("oxide",), none_ok=True)}, nonneg=True),
    "models.absorption.absorbed_mg": Spec({"daily_dose_mg": Num(0, 5000), "portions": Num(1, 6, integer=True),
                                           "form": Choice(("oxide",), none_ok=True)}, nonneg=True),
    "models.absorption.absorbed_mg_curve": Spec({"doses_mg": Arr(0, 5000)}, nonneg=True),
    "models.absorption.fraction_absorbed_curve": Spec({"doses_mg": Arr(0, 5000)}, nonneg=True),
    "models.absorption.splitting_table": Spec({"daily_dose_mg": Num(0, 5000), "portions": Arr(1, 6, scalar_ok=False, only=(1, 2, 3))},
                                              nonneg=True, check_output=False),
    "models.absorption.saturable_share": Spec({"dose_mg": Num(0, 5000)}, nonneg=True),
    # models.balance
    "models.balance.fractional_absorption": Spec({"intake_mg_per_day": MG_INTAKE, "params": P_BAL}, nonneg=True),
    "models.balance.absorbed_mg_per_day": Spec({"intake_mg_per_day": MG_INTAKE, "params": P_BAL}, nonneg=True),
    "models.balance.filtered_load_mg_per_day": Spec({"serum_mmol_l": Arr(0, 10), "params": P_BAL}, nonneg=True),
    "models.balance.urinary_mg_per_day": Spec({"serum_mmol_l": Arr(0, 10), "params": P_BAL}, nonneg=True),
    "models.balance.fractional_excretion": Spec({"serum_mmol_l": Arr(0, 10, lo_incl=False, strategy=_floats(0.01, 5)), "params": P_BAL}, nonneg=True),
    "models.balance.endogenous_faecal_mg_per_day": Spec({"serum_mmol_l": Arr(0, 10), "params": P_BAL}, nonneg=True),
    "models.balance.equilibrium_pools_mg": Spec({"serum_mmol_l": Arr(0, 10), "params": P_BAL}, nonneg=True),
    "models.balance.derivatives": Spec({"state_mg": Arr(0, 250_000, length=3), "params": P_BAL, "intake_mg_per_day": Num(0, 5000, none_ok=True)}),
    "models.balance.steady_state": Spec({"params": P_BAL, "intake_mg_per_day": Num(0, 5000, none_ok=True, examples=(0.0,))}, nonneg=True),
    "models.balance.replete_state_mg": Spec({"params": P_BAL}, nonneg=True),
    "models.balance.simulate": Spec({"params": P_BAL, "days": Num(0, 3650, lo_incl=False, strategy=_floats(1, 200)), "intake_mg_per_day": Num(0, 5000, none_ok=True),
                                     "rtol": Num(1e-13, 1e-2, only=(1e-6)), "atol": Num(1e-12, 1.0, only=(1e-6)),
                                     "n_points": Num(2, 200, integer=True, none_ok=True)}, slow=True, nonneg=True),
    "models.balance.depletion_summary": Spec({"sim": Obj(_balance_sim)}, check_output=False),
    "models.balance.pool_table": Spec({"params": P_BAL}),
    "models.balance.depletion_text": Spec({"sim": Obj(_balance_sim)}),
    "models.balance.steady_state_table": Spec({"intakes_mg_per_day": Arr(0, 5000, scalar_ok=False, max_size=3),
                                               "leaks_fe": Arr(0, 0.5, scalar_ok=False, max_size=2)}, nonneg=True),
    "models.balance.hill_sensitivity_table": Spec({"hills": Arr(0.25, 6, scalar_ok=False, max_size=2), "intake_mg_per_day": MG_INTAKE,
                                                   "days": Num(0, 3650, lo_incl=False, strategy=_floats(10, 200))}, slow=True, check_output=False),
    "models.balance.wilson_interval": Spec({"cases": Num(0, 100, integer=True), "n": Fixed(100), "z": Num(0, 10, lo_incl=False)},
                                           nonneg=True, output_check=lambda kw, r: r[0] <= kw["cases"] / kw["n"] <= r[1] <= 1),
    "models.balance.serum_vs_cells_figure": Spec({"params": P_BAL, "hills": Arr(0.25, 6, scalar_ok=False, max_size=2)}, slow=True, check_output=False),
    "models.balance.pools_figure": Spec({"params": P_BAL}, slow=True, check_output=False),
    "models.balance.nephron_figure": Spec({"params": P_BAL}, slow=True, check_output=False),
    "models.balance.absorption_figure": Spec({"params": P_BAL}, slow=True, check_output=False),
    "models.balance.renal_figure": Spec({"params": P_BAL}, slow=True, check_output=False),
    "models.balance.steady_state_figure": Spec({"leaks_fe": Arr(0, 0.5, scalar_ok=False, max_size=2)}, slow=True, check_output=False),
    # models.cycle
    "models.cycle.si_factor": Spec({"mg_pool": Arr(0, 10), "params": P_CYC}, nonneg=True),
    "models.cycle.sensing_factor": Spec({"mg_pool": Arr(0, 10), "params": P_CYC}, nonneg=True),
    "models.cycle.renal_loss_mg_per_day": Spec({"glucose_mg_dl": Arr(0, 5000, strategy=_floats(20, 600)),
                                                "insulin_uU_ml": Arr(0, 1e4, strategy=_floats(0, 500)),
                                                "mg_pool": Arr(0, 10, strategy=_floats(0, 3)),
                                                "params": P_CYC}, nonneg=True),
    "models.cycle.rhs": Spec({"t": Num(None, None), "y": Arr(None, None, length=4, only=([100.0, 10.0, 300.0, 1.0])),
                              "params": P_CYC}),
    "models.cycle.jacobian": Spec({"t": Num(None, None), "y": Arr(None, None, length=4, only=([100.0, 10.0, 300.0, 1.0])), "params": P_CYC}),
    "models.cycle.simulate": Spec({"params": P_CYC, "days": Num(0, 73050, lo_incl=False, strategy=_floats(1, 400)), "y0": Fixed(None), "t_eval": Fixed(None),
                                   "rtol": Num(1e-10, 1e-2, only=(1e-6)), "atol": Fixed(None)}, slow=True, nonneg=True,
                                  check_output=False),
    "models.cycle.simulate_intervention": Spec({"params": P_CYC, "days": Fixed(400.0), "t_switch_days": Num(0, 400),
                                                "new_intake_mg_per_day": Num(0, 5000), "y0": Fixed(None)}, slow=True, check_output=False),
    "models.cycle.topp_roots": Spec({"params": P_CYC}),
    "models.cycle.steady_states": Spec({"params": P_CYC}),
    # models.cycle_analysis
    "models.cycle_analysis.jacobian_batch": Spec({"Y": Fixed(np.array([[100.0, 10.0, 300.0, 1.0]])), "params": P_CYC}),
    "models.cycle_analysis.fold_intakes": Spec({"params": P_CYC}, slow=True),
    "models.cycle_analysis.bifurcation": Spec({"params": P_CYC, "intake_max_mg_per_day": Num(10, 5000, strategy=_floats(10, 1000)), "n": Num(10, 100_000, integer=True, strategy=st.integers(50, 300))},
                                              slow=True, check_output=False),
    "models.cycle_analysis.qss_glucose": Spec({"beta_mg": Arr(0, 1e5, strategy=_floats(1, 2000)), "mg_pool": Arr(0, 10, strategy=_floats(0.05, 3)), "params": P_CYC,
                                               "guess": Fixed(None), "iterations": Num(1, 10_000, integer=True, strategy=st.integers(60, 200))}, nonneg=True),
    "models.cycle_analysis.mg_nullcline": Spec({"glucose_mg_dl": Arr(0, 5000, lo_incl=False, strategy=_floats(20, 600)), "params": P_CYC}, check_output=False),
    "models.cycle_analysis.beta_nullclines": Spec({"mg_pool": Arr(0, 10, lo_incl=False, strategy=_floats(0.05, 3)), "params": P_CYC}, check_output=False),
    "models.cycle_analysis.phase_plane_field": Spec({"params": P_CYC, "m_range": Arr(0, 10, lo_incl=False, length=2, only=((0.1, 1.5))),
                                                     "g_range": Arr(0, 5000, lo_incl=False, length=2, only=((60.0, 590.0))),
                                                     "n": Num(2, 40, integer=True)}, check_output=False),
    "models.cycle_analysis.outcome_map": Spec({"params": P_CYC, "intakes_mg_per_day": Arr(0, 5000, scalar_ok=False, max_size=2, none_ok=True),
                                               "start_mg_pool": Arr(0, 10, scalar_ok=False, max_size=2, none_ok=True), "years": Num(0.1, 100, strategy=_floats(0.1, 2)),
                                               "beta0_mg": Num(1e-3, 1e4, strategy=_floats(1, 1e3)), "dt_days": Num(0.1, 20, strategy=_floats(5, 20))}, slow=True, check_output=False),
    "models.cycle_analysis.sensitivity": Spec({"params": P_CYC, "names": Fixed(("absorbed_fraction",)), "rel_change": Num(0, 0.9, lo_incl=False)},
                                              slow=True, check_output=False),
    "models.cycle_analysis.bifurcation_figure": Spec({"params": P_CYC, "intake_max_mg_per_day": Num(10, 5000, strategy=_floats(10, 1000)), "ax": Fixed(None),
                                                      "quantity": Choice(("glucose_mg_dl", "mg_pool"))}, slow=True, check_output=False),
    "models.cycle_analysis.phase_plane_figure": Spec({"params": P_CYC, "starts": Fixed(((0.8, 60.0),)), "years": Num(0, 100, lo_incl=False, strategy=_floats(0.5, 2)),
                                                      "stream": Flag()}, slow=True, check_output=False),
    "models.cycle_analysis.outcome_map_figure": Spec({"params": P_CYC, "years": Num(0.1, 100, strategy=_floats(0.5, 2))}, slow=True, check_output=False),
    "models.cycle_analysis.hysteresis_sweep": Spec({"params": P_CYC, "intakes": Arr(0, 5000, scalar_ok=False, max_size=2, none_ok=True, strategy=st.lists(_floats(50, 600), min_size=1, max_size=2)),
                                                    "years_each": Num(0, 100, lo_incl=False, strategy=_floats(0.5, 2))}, slow=True, check_output=False),
    "models.cycle_analysis.hysteresis_figure": Spec({"params": P_CYC}, slow=True, check_output=False),
    # models.minimal_model
    "models.minimal_model.derivatives": Spec({"t_min": Num(0, 1440), "state": Arr(None, None, length=3, only=([200.0, 0.0, 50.0])),
                                              "params": P_MM, "insulin_equation": Choice(("basal-corrected", "as-published"))}),
    "models.minimal_model.euler_step": Spec({"state": Arr(0, 500, length=3,  # G 0-1000, X −1-1, I 0-2000: these bounds' outside values are all refused
                                              only=([200.0, 0.0, 50.0])), "t_min": Num(0, 1440),
                                             "dt_min": Num(0, 60, lo_incl=False, strategy=_floats(0.01, 1)), "params": P_MM}),
    "models.minimal_model.euler_simulate": Spec({"params": P_MM, "minutes": Num(1, 1440, strategy=_floats(1, 200)), "dt_min": Num(1e-3, 10, only=(0.5))},
                                                slow=True, check_output=False),
    "models.minimal_model.simulate": Spec({"params": P_MM, "minutes": Num(1, 1440), "glucose0_mg_dl": Num(0, 1000, lo_incl=False, none_ok=True),
                                           "insulin0_uU_ml": Num(0, 2000, none_ok=True),
                                           "insulin_equation": Choice(("basal-corrected", "as-published"))}, slow=True, check_output=False),
    "models.minimal_model.simulate_cached": Spec({"si_e4": Num(0, 100), "sg_per_min": Num(0, 0.5), "minutes": Num(1, 1440)},
                                                 slow=True, check_output=False),
    "models.minimal_model.synthetic_ivgtt": Spec({"seed": Num(0, None, integer=True, strategy=st.integers(0, 10_000)),
                                                  "si": Num(0, 1e-2, strategy=_floats(1e-5, 1e-2)),
                                                  "noise_sd_mg_dl": Num(0, 50), "sg": Num(0, 0.5, none_ok=True), "params": P_MM},
                                                 slow=True, check_output=False),
    "models.minimal_model.model_glucose": Spec({"t_min": Arr(0, 1440, scalar_ok=False, only=([0.0, 10.0, 60.0])),
                                                "params": Obj(_mm_params), "insulin_input": Fixed(None)}, slow=True, nonneg=True),
}

#: Public functions not in DOMAINS, and why.
NOT_TESTED = {
    "capstone.cite": "takes *keys (no named parameter); bad keys are a regression case in test_contract.py",
    "units.converter_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "signalling.receptor_toy_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "signalling.index_calculator_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "supplements.compare_forms_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "supplements.dose_response_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "diet.meal_planner_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "diet.food_ranking_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "diet.diet_optimiser_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "diet.meal_builder": "builds and displays ipywidgets (widget machinery)",
    "diet.build_meal_builder": "builds ipywidgets (widget machinery)",
    "evidence.dose_response_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "evidence.confounding_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "evidence.reverse_causation_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "capstone.case_summary_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "capstone.intake_scenario_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "models.balance.depletion_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "models.cycle_analysis.explorer_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "models.cycle_analysis.bifurcation_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "models.cycle_analysis.intervention_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "models.cycle_analysis.phase_plane_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "claims.fact_check_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "toolkit.clearance_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "nhanes.adjustment_view": "widget callback: control ranges are the job of tests/test_widgets.py",
    "data.require": "takes *names (no named parameter); bad names are a regression case in test_contract.py",
    "models.minimal_model.fit_si": "fits a model (seconds per call); its array checks are tested in test_minimal_model.py",
    "models.minimal_model.minimal_model_view": "widget callback: control ranges are the job of tests/test_widgets.py",
}

#: Modules of the learner-facing library.
MODULES = ("units", "indices", "intakes", "chemistry", "signalling", "supplements", "diet", "evidence", "capstone",
           "welcome", "toolkit", "course_map", "claims", "data", "nhanes", "models.absorption", "models.balance", "models.cycle", "models.cycle_analysis",
           "models.minimal_model")

#: Modules of the package that are not in MODULES, and why (every other module must be in MODULES:
#: test_contract.py checks that a new module is registered one way or the other).
EXCLUDED_MODULES = {
    "widgets": "widget machinery (panels, controls, safe_call); control ranges are tested in tests/test_widgets.py",
    "style": "figure style and saving (no learner input)",
    "checks": "exercise-check machinery; hostile answers are tested in tests/test_checks.py and "
              "tests/test_feedback_gaming.py (checks.value(nan) is a regression case in test_contract.py)",
    "models": "package of the model modules, which are listed one by one",
    "tools": "maintainers' command-line tooling (mgcourse.tools.*), not learner-facing",
    "exercise_bank": "exercise definitions (mgcourse.exercise_bank.*), graded through checks",
    "a11y": "the JavaScript that names slider handles for screen readers (no learner input); tested in "
            "tests/test_style.py and the browser audit tests/browser/test_lab_accessibility.py",
}

#: Functions whose bad-input handling is still open (issue #15): their invalid-input test is an expected
#: failure. Empty since every gap was closed; test_contract.py asserts that it stays empty.
KNOWN_GAPS: dict[str, str] = {}
