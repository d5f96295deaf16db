"""The input contract of the learner-facing library (issue #15), tested property-based.

For every public function of the science modules (registry: ``tests/contract_domains.py``):

* valid input (drawn by hypothesis from each parameter's documented domain) gives
  finite output (no NaN/inf anywhere in numbers, arrays, dataclasses, dicts or
  numeric table columns) and, where the function returns amounts, fluxes or
  concentrations, no negative number;
* each hostile value in place of each parameter (NaN, ±inf, 1e308, 10**400, a
  boolean, None, a string, empty / wrong-length / ragged / object arrays, values
  just outside the range) raises ValueError or TypeError whose message names
  the parameter.

The regression cases of the issue are listed explicitly at the end.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
from numbers import Number

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contract_domains as cd

FAST_EXAMPLES = 12
SLOW_EXAMPLES = 1


def _public_functions():
    out = {}
    for modname in cd.MODULES:
        mod = importlib.import_module(f"mgcourse.{modname}")
        for name, obj in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
                continue
            if inspect.signature(obj).parameters:
                out[f"{modname}.{name}"] = obj
    return out


FUNCTIONS = _public_functions()
TESTED = sorted(cd.DOMAINS)


def test_registry_covers_every_public_function():
    missing = sorted(set(FUNCTIONS) - set(cd.DOMAINS) - set(cd.NOT_TESTED))
    assert not missing, f"public functions with no domain in tests/contract_domains.py: {missing}"
    stale = sorted((set(cd.DOMAINS) | set(cd.NOT_TESTED)) - set(FUNCTIONS))
    assert not stale, f"registry entries for functions that do not exist: {stale}"
    for qual, spec in cd.DOMAINS.items():
        params = inspect.signature(FUNCTIONS[qual]).parameters
        named = {k for k, p in params.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        unknown = set(spec.params) - named
        assert not unknown, f"{qual}: registry names parameters it does not have: {unknown}"
        required = {k for k, p in params.items() if p.default is p.empty and k in named}
        assert required <= set(spec.params), f"{qual}: required parameters without a domain: {required - set(spec.params)}"


def test_every_module_is_registered_or_excluded():
    """A new learner-facing module must join MODULES (or EXCLUDED_MODULES with a reason)."""
    import pkgutil

    import mgcourse

    found = set()
    for info in pkgutil.walk_packages(mgcourse.__path__, "mgcourse."):
        name = info.name.removeprefix("mgcourse.")
        if any(part.startswith("_") for part in name.split(".")):
            continue  # private modules (_validate, _registry)
        if name.split(".")[0] in ("tools", "exercise_bank") and name not in ("tools", "exercise_bank"):
            continue  # covered by their package's entry
        found.add(name)
    unregistered = sorted(found - set(cd.MODULES) - set(cd.EXCLUDED_MODULES))
    assert not unregistered, f"modules in neither MODULES nor EXCLUDED_MODULES: {unregistered}"
    stale = sorted((set(cd.MODULES) | set(cd.EXCLUDED_MODULES)) - found)
    assert not stale, f"registered modules that do not exist: {stale}"
    assert not set(cd.MODULES) & set(cd.EXCLUDED_MODULES)


# ----------------------------------------------------------------------------- output checks
def _numbers(obj, path="result"):
    """Yield (path, number) for every number inside a result."""
    if obj is None or isinstance(obj, (str, bytes, bool, np.bool_)):
        return
    if isinstance(obj, Number):
        yield path, float(obj) if not isinstance(obj, int) or abs(obj) < 1e300 else math.inf
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "iuf":
            for i, v in enumerate(obj.ravel()):
                yield f"{path}[{i}]", float(v)
        elif obj.dtype.kind == "O":
            for i, v in enumerate(obj.ravel()):
                yield from _numbers(v, f"{path}[{i}]")
    elif isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            if pd.api.types.is_numeric_dtype(obj[col]) and not pd.api.types.is_bool_dtype(obj[col]):
                yield from _numbers(obj[col].to_numpy(dtype=float), f"{path}[{col!r}]")
    elif isinstance(obj, pd.Series):
        if pd.api.types.is_numeric_dtype(obj) and not pd.api.types.is_bool_dtype(obj):
            yield from _numbers(obj.to_numpy(dtype=float), path)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _numbers(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numbers(v, f"{path}[{k!r}]")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _numbers(v, f"{path}[{i}]")


def _check_output(qual, spec, kwargs, result):
    if spec.check_output:
        nums = list(_numbers(result))
        bad = [(p, v) for p, v in nums if not math.isfinite(v)]
        assert not bad, f"{qual}({kwargs}) returned non-finite numbers: {bad[:5]}"
        if spec.nonneg:
            neg = [(p, v) for p, v in nums if v < 0]
            assert not neg, f"{qual}({kwargs}) returned negative amounts: {neg[:5]}"
    if spec.output_check is not None:
        assert spec.output_check(kwargs, result), f"{qual}({kwargs}) returned an inadmissible result {result!r}"


def _call(qual, kwargs):
    spec = cd.DOMAINS[qual]
    try:
        return FUNCTIONS[qual](**kwargs, **spec.fixed)
    finally:
        plt.close("all")


# ----------------------------------------------------------------------------- valid input
@pytest.mark.parametrize("qual", TESTED)
def test_valid_input_gives_admissible_output(qual):
    spec = cd.DOMAINS[qual]
    strategy = st.fixed_dictionaries({k: s.valid() for k, s in spec.params.items()})

    @settings(max_examples=SLOW_EXAMPLES if spec.slow else FAST_EXAMPLES, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(kwargs=strategy)
    def check(kwargs):
        _check_output(qual, spec, kwargs, _call(qual, kwargs))

    check()


# ----------------------------------------------------------------------------- invalid input
def _short(v):
    r = repr(v)
    return r if len(r) < 40 else r[:37] + "..."


@pytest.mark.parametrize("qual", [pytest.param(q, marks=pytest.mark.xfail(
    strict=True, reason=f"issue #15 still open for parameters: {cd.KNOWN_GAPS[q]}")) if q in cd.KNOWN_GAPS else q
    for q in TESTED])
def test_invalid_input_is_refused_naming_the_parameter(qual):
    spec = cd.DOMAINS[qual]
    base = {k: s.base() for k, s in spec.params.items()}
    problems = []
    for name, s in spec.params.items():
        for bad in s.invalid():
            kwargs = dict(base, **{name: bad})
            try:
                result = _call(qual, kwargs)
            except (ValueError, TypeError) as exc:
                if name not in str(exc):
                    problems.append(f"{name}={_short(bad)}: {type(exc).__name__} does not name {name!r}: {exc}")
            except Exception as exc:  # noqa: BLE001 - any other type breaks the contract
                problems.append(f"{name}={_short(bad)}: {type(exc).__name__}: {exc}")
            else:
                problems.append(f"{name}={_short(bad)}: accepted, returned {_short(result)}")
    assert not problems, f"{qual}:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------- regressions from issue #15
def _regressions():
    from mgcourse import capstone, chemistry, checks, diet, evidence, indices, signalling, units
    from mgcourse.models import absorption, balance, cycle, cycle_analysis, minimal_model

    nan, inf = float("nan"), float("inf")
    return [
        ("diet.judge(100, inf)", lambda: diet.judge(100, inf), "computed"),
        ("reverse_causation_snapshot(day=nan)", lambda: evidence.reverse_causation_snapshot((1.0,), day=nan), "day"),
        ("qss_glucose(nan, 1.0)", lambda: cycle_analysis.qss_glucose(nan, 1.0), "beta_mg"),
        ("qss_glucose(iterations=0)", lambda: cycle_analysis.qss_glucose(300.0, 1.0, iterations=0), "iterations"),
        ("minimal_model.derivatives(unknown equation)",
         lambda: minimal_model.derivatives(0.0, [200.0, 0.0, 50.0], insulin_equation="nonsense"), "insulin_equation"),
        ("minimal_model.derivatives(7-element state)",
         lambda: minimal_model.derivatives(0.0, [200.0, 0.0, 50.0, 1, 2, 3, 4]), "state"),
        ("balance.urinary_mg_per_day(-1)", lambda: balance.urinary_mg_per_day(-1.0), "serum_mmol_l"),
        ("balance.filtered_load_mg_per_day(-1)", lambda: balance.filtered_load_mg_per_day(-1.0), "serum_mmol_l"),
        ("balance.endogenous_faecal_mg_per_day(-1)", lambda: balance.endogenous_faecal_mg_per_day(-1.0), "serum_mmol_l"),
        ("balance.wilson_interval(z=-1)", lambda: balance.wilson_interval(10, 100, z=-1), "z"),
        ("insulin_to_match(ec50=-1)", lambda: signalling.insulin_to_match(0.3, 0.6, ec50_uU_ml=-1), "ec50_uU_ml"),
        ("insulin_to_match(hill=0)", lambda: signalling.insulin_to_match(0.3, 0.6, hill=0), "hill"),
        ("homa_ir(1e308, 9)", lambda: indices.homa_ir(1e308, 9), "glucose_mmol_l"),
        ("homa_ir(True, 9.0)", lambda: indices.homa_ir(True, 9.0), "glucose_mmol_l"),
        ("quicki_position(inf)", lambda: signalling.quicki_position(inf), "q"),
        ("quicki_position(nan)", lambda: signalling.quicki_position(nan), "q"),
        ("units.convert(to_unit=None)", lambda: units.convert(5.5, "mmol/L", None, substance="glucose"), "to_unit"),
        ("cycle.simulate(rtol='abc')", lambda: cycle.simulate(days=10, rtol="abc"), "rtol"),
        ("splitting_table(portions=[])", lambda: absorption.splitting_table(300, portions=[]), "portions"),
        ("molar_mass(deep nesting)", lambda: chemistry.molar_mass("Mg" + "(" * 2000 + "O" + ")" * 2000), "formula"),
        ("molar_mass(huge subscript)", lambda: chemistry.molar_mass("Mg" + "9" * 400), "formula"),
        ("capstone.indices_report(None)", lambda: capstone.indices_report(None), "case"),
        ("capstone.cite(['x'])", lambda: capstone.cite(["x"]), "reference key"),
        ("checks.value(expected=nan)", lambda: checks.value(nan), "expected"),
        ("as_float(10**400)", lambda: indices.fasting_glucose_category(10 ** 400), "glucose_mg_dl"),
        ("cycle.si_factor(params=0)", lambda: cycle.si_factor(1.0, params=0), "params"),
        # closed KNOWN_GAPS whose hostile values lie beyond the registry's (unbounded) domains
        ("units.convert(1e308 mmol/L → mg/dL)", lambda: units.convert(1e308, "mmol/L", "mg/dL", substance="glucose"), "value"),
        ("units.convert(to_unit='pmol/L' for glucose)",
         lambda: units.convert(5.5, "mmol/L", "pmol/L", substance="glucose"), "to_unit"),
        ("insulin_to_match(unreachable)", lambda: signalling.insulin_to_match(0.9, 0.1), "unreachable"),
        ("index_report(insulin=1e308)", lambda: signalling.index_report(5.5, "mmol/L", 1e308, "µU/mL"), "insulin"),
        ("pool_fixed(estimates=1e308)", lambda: evidence.pool_fixed([1e308] * 4, [0.01] * 4), "estimates"),
        ("pool_random(estimates=±1e300)",
         lambda: evidence.pool_random([1e300, -1e300, 3.0, 4.0], [1e-100] * 4), "estimates"),
        ("pool_fixed(standard_errors=1e308)", lambda: evidence.pool_fixed([1.0] * 4, [1e308] * 4), "standard_errors"),
        ("ols(y=±1e308)", lambda: evidence.ols([1e308, -1e308, 1e308, 1, 2, 3], x=[0, 1, 2, 3, 4, 6]), "y"),
        ("mean_difference(means ±1e308)", lambda: evidence.mean_difference(1e308, 1, 10, -1e308, 1, 10), "mean_1"),
        ("mean_difference(sd_1=1e308)", lambda: evidence.mean_difference(1, 1e308, 10, 1, 1, 10), "sd_1"),
        ("log_risk_ratio(events_2=5e-324)",
         lambda: evidence.log_risk_ratio([1, 1], [100, 100], [1, 5e-324], [100, 100]), "events_2"),
        ("diet.spinach_cups(28)", lambda: diet.spinach_cups(28), "cups"),
        ("minimal_model.euler_step(X=500)", lambda: minimal_model.euler_step([200.0, 500.0, 50.0], 0.0, 0.5), "state"),
    ] + _regressions_contract3()


def _regressions_contract3():
    """Functions and modules added to the registry by contract3 (issue #15, items 1-2)."""
    from mgcourse import claims, course_map, data, diet, indices, nhanes, toolkit, units
    from mgcourse.models import minimal_model

    nan, inf = float("nan"), float("inf")
    frame = cd._analysis_sample()
    fit = dict(outcome="log_homa_ir", exposure="mg_intake_100mg_per_day")
    fsigt = data.load_fsigt()
    return [
        ("ogtt_mean(values with NaN)", lambda: indices.ogtt_mean([90.0, nan, 100.0]), "values"),
        ("ogtt_mean(times_min with NaN)", lambda: indices.ogtt_mean([90.0, 150.0, 100.0], [0, nan, 60]), "times_min"),
        ("ogtt_mean(mean=None)", lambda: indices.ogtt_mean([90.0, 150.0, 100.0], mean=None), "mean"),
        ("parse_number(None)", lambda: units.parse_number(None), "value"),
        ("parse_number([5.5])", lambda: units.parse_number([5.5]), "value"),
        ("parse_number(name=1.0)", lambda: units.parse_number("5,5", 1.0), "name"),
        ("readable_food_name(12061)", lambda: diet.readable_food_name(12061), "description"),
        ("readable_food_name(max_len=0)", lambda: diet.readable_food_name("NUTS,ALMONDS", 0), "max_len"),
        ("fit_fsigt(glucose NaN)", lambda: minimal_model.fit_fsigt(fsigt["time_min"], np.full(len(fsigt), nan),
                                                                   fsigt["insulin_uU_ml"]), "glucose_mg_dl"),
        ("fit_fsigt(start outside bounds)", lambda: minimal_model.fit_fsigt(
            fsigt["time_min"], fsigt["glucose_mg_dl"], fsigt["insulin_uU_ml"], start=(3.0, 0.03, -1.0)), "start"),
        ("clearance_glucose_mg_dl(t_min=[nan])", lambda: toolkit.clearance_glucose_mg_dl([nan], 0.03, 300.0), "t_min"),
        ("clearance_rhs(g=10**400)", lambda: toolkit.clearance_rhs(0.0, 10 ** 400, 0.03, 90.0), "g_mg_dl"),
        ("time_to_reach_min(k=5e-324) overflow", lambda: toolkit.time_to_reach_min(120.0, 5e-324, 121.0, 0.0), "k_per_min"),
        ("eigen_stability(1e308 entries)", lambda: toolkit.eigen_stability([[1e308, 1e308], [1e308, 1e308]]), "a"),
        ("course_map.chapter(nan)", lambda: course_map.chapter(nan), "number"),
        ("course_map.chapter(True)", lambda: course_map.chapter(True), "number"),
        ("course_map.badge_time(None)", lambda: course_map.badge_time(None), "ch"),
        ("course_map.markdown_table(available='x')", lambda: course_map.markdown_table(available="x"), "available"),
        ("claims.grade_text(None)", lambda: claims.grade_text(None), "row"),
        ("data.load_foods(path=1.0)", lambda: data.load_foods(1.0), "path"),
        ("data.read_validated_csv(schema=None)",
         lambda: data.read_validated_csv(data.data_dir() / "intakes.csv", None), "schema"),
        ("data.require(1.0)", lambda: data.require(1.0), "names"),
        ("nhanes.load_extract(path=1.0)", lambda: nhanes.load_extract(1.0), "path"),
        ("weighted_quantile(q=True)", lambda: nhanes.weighted_quantile([1.0, 2.0], [1.0, 1.0], True), "q"),
        ("weighted_quantile(values with NaN)", lambda: nhanes.weighted_quantile([1.0, nan], [1.0, 1.0], 0.5), "values"),
        ("weighted_mean(weights all 0)", lambda: nhanes.weighted_mean([1.0, 2.0], [0.0, 0.0]), "weights"),
        ("weighted_mean(weights inf)", lambda: nhanes.weighted_mean([1.0, 2.0], [inf, 1.0]), "weights"),
        ("ear_mg_per_day(nan)", lambda: nhanes.ear_mg_per_day(nan, "male"), "age_years"),
        ("ear_mg_per_day(sex=None)", lambda: nhanes.ear_mg_per_day([30.0], None), "sex"),
        ("ear_mg_per_day(intakes='x')", lambda: nhanes.ear_mg_per_day(30.0, "male", "x"), "intakes"),
        ("design_matrix(NaN column)", lambda: nhanes.design_matrix(frame.assign(age_years=nan), ["age_years"]), "df"),
        ("design_scores_variance(strata='abc')",
         lambda: nhanes.design_scores_variance(np.ones((6, 2)), "abc", [1, 2, 1, 2, 1, 2]), "strata"),
        ("survey_regression(level=True)", lambda: nhanes.survey_regression(frame, **fit, level=True), "level"),
        ("survey_regression(exposure == outcome)",
         lambda: nhanes.survey_regression(frame, "log_homa_ir", "log_homa_ir"), "exposure"),
        ("survey_regression(no design df)",
         lambda: nhanes.survey_regression(frame.assign(psu=frame["strata"]), **fit), "psu"),
        ("survey_regression(covariates=1.0)", lambda: nhanes.survey_regression(frame, **fit, covariates=1.0), "covariates"),
        ("analysis_sample(empty frame)", lambda: nhanes.analysis_sample(pd.DataFrame()), "sample"),
        ("adjustment_table(sets={})", lambda: nhanes.adjustment_table(frame, sets={}), "sets"),
        ("adjustment_table(sets=[1, 2])", lambda: nhanes.adjustment_table(frame, sets=[1, 2]), "sets"),
    ]


@pytest.mark.parametrize("label,call,name", _regressions(), ids=[r[0] for r in _regressions()])
def test_issue_15_regressions_are_refused(label, call, name):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert name in str(info.value), f"{label}: message does not name {name!r}: {info.value}"
    assert not isinstance(info.value, (OverflowError, RecursionError, ZeroDivisionError, KeyError))


def test_steady_state_at_zero_intake_is_finite():
    from mgcourse.models import balance

    ss = balance.steady_state(intake_mg_per_day=0)
    values = [float(getattr(ss, f.name)) for f in dataclasses.fields(ss)]
    assert all(math.isfinite(v) for v in values), ss
    p = balance.DEFAULT
    assert ss.fractional_excretion == pytest.approx(p.renal_fe_floor + p.renal_extra_fe)


def test_huge_integers_give_the_range_message():
    from mgcourse.models import balance

    with pytest.raises(ValueError, match=r"intake_mg_per_day must be between 0 and 5000 mg/day, got 1e\+400"):
        balance.fractional_absorption(10 ** 400)


def test_wilson_interval_is_ordered_and_within_0_1():
    from mgcourse.models import balance

    for cases in (0, 1, 50, 99, 100):
        lo, hi = balance.wilson_interval(cases, 100)
        assert 0.0 <= lo <= cases / 100 <= hi <= 1.0


def test_no_known_gaps_remain():
    assert cd.KNOWN_GAPS == {}, f"functions whose bad input is not refused: {sorted(cd.KNOWN_GAPS)}"


def test_wilson_interval_has_exact_ends():
    from mgcourse.models import balance

    assert balance.wilson_interval(100, 100)[1] == 1.0
    assert balance.wilson_interval(0, 100)[0] == 0.0
    assert balance.wilson_interval(7, 7)[1] == 1.0


def test_spinach_range_agrees_with_the_single_food_limit():
    """diet.spinach_cups's stated range ends where grams_for's 5000 g limit would refuse a cup count."""
    from mgcourse import diet

    table = diet.spinach_cups(diet.SPINACH_MAX_CUPS)
    assert (table["grams"] <= diet.MAX_ITEM_G).all()
    assert table["magnesium_mg"].gt(0).all()


def test_receptor_activation_is_finite_for_huge_insulin():
    from mgcourse import signalling

    a = signalling.receptor_activation([1e308, 1e6], 0.5)
    assert np.all(np.isfinite(a))
    assert a[0] == pytest.approx(signalling.mg_factor(0.5))


def test_unreachable_target_message_says_why():
    from mgcourse import signalling

    with pytest.raises(ValueError) as info:
        signalling.insulin_to_match(0.9, 0.1)
    msg = str(info.value)
    assert "unreachable" in msg and "maximal activation" in msg and "target" in msg


def test_receptor_widget_explains_an_unreachable_target():
    from mgcourse import signalling
    from mgcourse.widgets import safe_call

    view = safe_call(signalling.receptor_toy_view, mg_relative=0.1, hill=1.0, k_mg=2.0)
    plt.close("all")
    assert not view.error and "cannot be reached at any insulin level" in view.text
    assert view.data["insulin_to_match_uU_ml"] is None


def test_weighted_mean_and_quantile_do_not_overflow_with_huge_weights():
    """Survey weights are only relative: scaling them (even to 1e308) changes neither the mean nor a quantile."""
    from mgcourse import nhanes

    values, weights = [1.0, 2.0, 4.0, 8.0], [1.0, 3.0, 3.0, 1.0]
    huge = [w * 1e307 for w in weights]
    assert nhanes.weighted_mean(values, huge) == pytest.approx(nhanes.weighted_mean(values, weights)) == pytest.approx(27 / 8)
    assert nhanes.weighted_quantile(values, huge, 0.5) == nhanes.weighted_quantile(values, weights, 0.5) == 2.0


def test_readable_food_name_keeps_missing_descriptions_as_a_dash():
    from mgcourse import diet

    assert diet.readable_food_name(None) == diet.readable_food_name(float("nan")) == diet.readable_food_name(" ") == "–"
    assert diet.readable_food_name("SPINACH,CKD,BLD,DRND,WO/SALT") == "Spinach, cooked, boiled, drained, without salt"
