"""Tests of mgcourse.diet (chapter 5: food sources)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcourse import data, diet, intakes
from mgcourse.widgets import View


# --------------------------------------------------------------------------- ODS table vs SR28

def test_ods_per_serving_reproduced_from_grams_where_the_table_allows():
    t = diet.ods_check()
    with_grams = t.dropna(subset=["serving_g"])
    assert len(with_grams) >= 10  # pumpkin, almonds, spinach, cashews, soymilk, beans, edamame, banana, salmon, broccoli
    for row in with_grams.itertuples():
        foods = data.load_foods().set_index("ndb_no")
        expected = foods.loc[row.sr28_ndb_no, "magnesium_mg_per_100g"] * row.serving_g / 100
        assert row.sr28_mg == pytest.approx(expected)
        assert abs(row.sr28_mg - row.magnesium_mg) <= 1.0, row.food


def test_ods_known_values():
    t = diet.ods_check().set_index("rank")
    assert t.loc[1, "sr28_mg"] == pytest.approx(550 * 0.2835)  # pumpkin seeds, roasted, 1 oz → 156
    assert round(t.loc[1, "sr28_mg"]) == 156
    assert round(t.loc[4, "sr28_mg"]) == 78  # spinach, boiled, 90 g
    # %DV in the ODS table is mg / 420
    assert all(abs(t["magnesium_mg"] / 420 * 100 - t["percent_dv"]) <= 0.6)


def test_chia_and_potato_disagree_with_sr28():
    m = diet.ods_mismatches().set_index("sr28_ndb_no")
    assert m.loc["12006", "sr28_mg"] == pytest.approx(335 * 0.2835)  # 95 mg, ODS 111
    assert m.loc["11674", "sr28_mg"] == pytest.approx(28.0)  # ODS 43
    assert (m["ods_over_sr28"] > 1.1).all()


# --------------------------------------------------------------------------- density and rankings

def test_density_values():
    assert diet.mg_per_100kcal(79, 23) == pytest.approx(79 / 23 * 100)
    assert math.isnan(diet.mg_per_100kcal(2, 0))  # bottled water
    assert math.isnan(diet.mg_per_100kcal(11, 9))  # below the 10 kcal floor
    with pytest.raises(ValueError, match="energy_kcal_per_100g"):
        diet.mg_per_100kcal(10, -1)


def test_ranking_per_100g_known_foods():
    top = diet.rank_foods("per_100g", n=20)
    assert top["magnesium_mg_per_100g"].is_monotonic_decreasing
    assert "12014" in set(top["ndb_no"])  # pumpkin seed kernels, dried: 592 mg/100 g
    nuts = diet.rank_foods("per_100g", n=10, food_group="Nut and Seed Products")
    assert {"12014", "12016"} <= set(nuts["ndb_no"])
    sweets = diet.rank_foods("per_100g", n=3, food_group="Sweets")
    assert "19165" in set(sweets["ndb_no"]) or sweets["magnesium_mg_per_100g"].iloc[-1] >= 499


def test_ranking_per_100kcal_excludes_zero_energy_foods():
    top = diet.rank_foods("per_100kcal", n=50)
    assert (top["energy_kcal_per_100g"] >= diet.DENSITY_MIN_KCAL_PER_100G).all()
    assert top["mg_per_100kcal"].is_monotonic_decreasing
    assert "14555" not in set(top["ndb_no"])  # bottled water (0 kcal)
    ids = set(top["ndb_no"])
    assert {"11458", "11457", "11148"} <= ids  # spinach boiled/raw, chard boiled are among the densest
    # Cocoa is dense per 100 g but energy-rich: far behind spinach per 100 kcal
    ft = diet.food_table()
    assert ft.loc["19165", "mg_per_100kcal"] == pytest.approx(499 / 228 * 100)
    assert ft.loc["12014", "mg_per_100kcal"] < ft.loc["11458", "mg_per_100kcal"]
    assert ft.loc["19165", "mg_per_100kcal"] > ft.loc["12014", "mg_per_100kcal"]


def test_ranking_bad_arguments():
    with pytest.raises(ValueError, match="by must be"):
        diet.rank_foods("per_cup")
    with pytest.raises(ValueError, match="food_group"):
        diet.rank_foods(food_group="Chocolate bars")
    with pytest.raises(ValueError, match="n must be"):
        diet.rank_foods(n=0)


def test_whole_grains_beat_refined():
    g = diet.grain_comparison()
    assert (g["ratio_whole_to_refined"] > 2).all()
    bread = g.set_index("pair").loc["Bread (commercial)"]
    assert bread["whole_mg_per_100g"] == 75 and bread["refined_mg_per_100g"] == 23


def test_spinach_cups_raw_vs_boiled():
    t = diet.spinach_cups(5).set_index("ndb_no")
    assert t.loc["11457", "grams"] == pytest.approx(150)  # 5 × 30 g
    assert t.loc["11458", "grams"] == pytest.approx(900)  # 5 × 180 g
    assert t.loc["11457", "magnesium_mg"] == pytest.approx(118.5)
    assert t.loc["11458", "magnesium_mg"] == pytest.approx(783.0)


def test_mg_per_serving():
    assert diet.mg_per_serving(550, 28.35) == pytest.approx(155.925)
    with pytest.raises(ValueError, match="grams"):
        diet.mg_per_serving(550, -1)


# --------------------------------------------------------------------------- meal planner

def test_parse_meal_and_totals():
    items = diet.parse_meal("12014: 30 g; 11458: 1 cup\n09040: 1 cup, sliced; 16015: ½ cup; 12016: 1/4 cup")
    assert [i.ndb_no for i in items] == ["12014", "11458", "09040", "16015", "12016"]
    t = diet.meal_totals(items)
    assert list(t["grams"]) == pytest.approx([30, 180, 150, 86, 29.5])
    assert t["magnesium_mg"].iloc[0] == pytest.approx(592 * 0.30)
    assert t["energy_kcal"].iloc[1] == pytest.approx(23 * 1.8)
    # tuples work too
    t2 = diet.meal_totals([("12014", 30, "g"), ("9040", 1, "oz")])
    assert t2["grams"].iloc[1] == pytest.approx(28.35)
    assert diet.parse_meal(diet.format_meal(items)) == items


@pytest.mark.parametrize("spec, message", [
    ("11458: -1 cup", "greater than 0"),
    ("11458: 0 g", "greater than 0"),
    ("99999: 10 g", "unknown food"),
    ("abcde: 10 g", "unknown food"),
    ("11458: 1 bucket", "unknown unit 'bucket'"),
    ("09040: 1 medium", "unknown unit 'medium'"),
    ("09040: 1 cup", "ambiguous"),
    ("11458 1 cup", "must look like"),
    ("11458: cup", "must start with a number"),
    ("11458: 10", "no unit"),
    ("", "empty"),
    ("12014: 40 kg", "at most"),
])
def test_parse_meal_rejects_bad_items_with_a_message(spec, message):
    with pytest.raises(ValueError, match=message):
        diet.parse_meal(spec)


def test_unknown_unit_message_lists_the_allowed_measures():
    with pytest.raises(ValueError) as exc:
        diet.grams_for("11458", 1, "bowl")
    assert "'cup' (180 g)" in str(exc.value) and "'oz'" in str(exc.value)


def test_household_measures_per_unit():
    ms = {m.name: m.g_per_unit for m in diet.food_measures("15037")}  # halibut: "3 oz" 85 g, ".5 fillet" 159 g
    assert ms["fillet"] == pytest.approx(318)
    assert diet.grams_for("15037", 0.5, "fillet") == pytest.approx(159)
    assert diet.grams_for("11457", 2, "cups") == pytest.approx(60)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.01, max_value=80), st.sampled_from(["g", "oz"]))
def test_meal_totals_scale_linearly(amount, unit):
    one = diet.meal_totals([("12014", amount, unit)]).iloc[0]
    two = diet.meal_totals([("12014", amount * 2, unit)]).iloc[0]
    assert one["magnesium_mg"] == pytest.approx(one["grams"] * 5.92)
    assert two["magnesium_mg"] == pytest.approx(2 * one["magnesium_mg"])


def test_meal_summary_against_rda():
    s = diet.meal_summary(diet.parse_meal("11458: 1 cup; 16015: 1 cup"), 40, "female")
    assert s.rda_mg == 320
    assert s.magnesium_mg == pytest.approx(0.87 * 180 + 0.70 * 172)
    assert s.percent_rda == pytest.approx(s.magnesium_mg / 320 * 100)
    assert s.percent_dv == pytest.approx(s.magnesium_mg / 420 * 100)


def test_meal_planner_view_default_and_errors():
    v = diet.meal_planner_view(diet.DEFAULT_MEAL, 30, "female")
    assert isinstance(v, View) and v.figure is not None and "310 mg/day" in v.text
    assert "no upper limit" in v.text
    with pytest.raises(ValueError):
        diet.meal_planner_view("99999: 1 g", 30, "female")


def test_food_without_magnesium_value_counts_as_unknown():
    foods = data.load_foods()
    ndb = foods.loc[foods["magnesium_mg_per_100g"].isna(), "ndb_no"].iloc[0]
    v = diet.meal_planner_view(f"{ndb}: 10 g; 11458: 1 cup", 30, "male")
    assert "lower bound" in v.text and "nan" not in v.text.lower()


# --------------------------------------------------------------------------- search

def test_search_finds_foods_by_everyday_words():
    hits = diet.search_foods("rice brown cooked")
    assert "20037" in set(hits["ndb_no"])  # RICE,BROWN,LONG-GRAIN,CKD
    assert "11458" in set(diet.search_foods("spinach boiled")["ndb_no"])
    assert "12016" in set(diet.search_foods("pumpkin seeds roasted")["ndb_no"])
    assert set(diet.search_foods("spinach")["ndb_no"]) >= {"11457", "11458"}
    assert diet.search_foods("zzzzqq").empty
    with pytest.raises(ValueError, match="query"):
        diet.search_foods("  ")


# --------------------------------------------------------------------------- optimisation

def test_optimiser_reaches_rda_at_minimum_energy_within_caps():
    rda = intakes.rda(40, "male")
    r = diet.optimise_diet(rda)
    assert r.success and r.status == 0
    assert r.totals["magnesium_mg"] >= rda - 1e-6
    assert (r.plan["grams"] <= r.plan["cap_g"] + 1e-6).all() and (r.plan["grams"] >= 0).all()
    # optimality spot check: no single-food swap that keeps Mg lowers energy (LP duality, checked by re-solving)
    r_more = diet.optimise_diet(rda, cap_scale=1.5)
    assert r_more.totals["energy_kcal"] <= r.totals["energy_kcal"] + 1e-6  # looser caps never cost more energy
    tighter = diet.optimise_diet(rda, cap_scale=0.5)
    assert tighter.totals["energy_kcal"] >= r.totals["energy_kcal"] - 1e-6
    assert len(tighter.plan) > len(r.plan)


def test_optimiser_matches_a_greedy_density_fill():
    """With one constraint (Mg) and box bounds, the LP optimum is the greedy fill by mg per kcal."""
    rda = 420.0
    r = diet.optimise_diet(rda)
    cand = diet.food_table().loc[[f[0] for f in diet.EVERYDAY_FOODS]].copy()
    cand["cap"] = [f[1] for f in diet.EVERYDAY_FOODS]
    cand = cand.sort_values("mg_per_100kcal", ascending=False)
    need, kcal = rda, 0.0
    for row in cand.itertuples():
        mg_cap = row.magnesium_mg_per_100g * row.cap / 100
        take = min(mg_cap, need)
        kcal += take / row.magnesium_mg_per_100g * row.energy_kcal_per_100g
        need -= take
        if need <= 0:
            break
    assert r.totals["energy_kcal"] == pytest.approx(kcal, rel=1e-6)


def test_unconstrained_optima_are_single_food():
    r = diet.optimise_diet(420, cap_scale=None)
    assert len(r.plan) == 1 and r.plan["ndb_no"].iloc[0] == "11458"  # all boiled spinach
    r = diet.optimise_diet(420, cap_scale=None, objective="mass")
    assert len(r.plan) == 1 and r.plan["ndb_no"].iloc[0] == "12016"  # all pumpkin seeds
    assert r.plan["grams"].iloc[0] == pytest.approx(420 / 5.5)


def test_optimiser_reports_infeasible_clearly():
    r = diet.optimise_diet(420, cap_scale=0.1)
    assert not r.success and r.status == 2
    assert "infeasible" in r.message and "at its cap" in r.message
    assert r.plan.empty
    r = diet.optimise_diet(420, max_energy_kcal=50)
    assert r.status == 2 and "energy ceiling" in r.message
    r = diet.optimise_diet(420, min_protein_g=400)
    assert r.status == 2 and "protein" in r.message


def test_optimiser_with_protein_and_energy_constraints():
    r = diet.optimise_diet(420, min_protein_g=60, min_energy_kcal=1500)
    assert r.success
    assert r.totals["protein_g"] >= 60 - 1e-6 and r.totals["energy_kcal"] >= 1500 - 1e-6


def test_optimiser_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="target_mg"):
        diet.optimise_diet(-5)
    with pytest.raises(ValueError, match="objective"):
        diet.optimise_diet(420, objective="cost")
    with pytest.raises(ValueError, match="foods"):
        diet.optimise_diet(420, foods=[])
    with pytest.raises(ValueError, match="max_energy_kcal"):
        diet.optimise_diet(420, min_energy_kcal=2000, max_energy_kcal=1000)
    with pytest.raises(ValueError, match="not in foods.csv"):
        diet.optimise_diet(420, foods=["99999"])


def test_optimiser_custom_food_list():
    r = diet.optimise_diet(300, foods=[("11458", 180), ("16015", 172), ("20037", 202)])
    assert r.success and set(r.plan["ndb_no"]) <= {"11458", "16015", "20037"}
    r = diet.optimise_diet(300, foods=["09040"])  # bananas only, no cap
    assert r.success and r.plan["grams"].iloc[0] == pytest.approx(300 / 0.27)


def test_optimiser_view_infeasible_is_a_message_not_an_error():
    v = diet.diet_optimiser_view(40, "male", "energy", 0.1, 0, 0)
    assert "infeasible" in v.text and v.figure is None


# --------------------------------------------------------------------------- claims

def test_claims_are_computed_and_judged():
    c = diet.check_claims()
    verdict = c.groupby("claim")["verdict"].first()
    spinach = c[c["claim"].str.contains("5 cups of spinach")].set_index("reading")
    assert spinach["computed"].iloc[0] == pytest.approx(118.5) and spinach["computed"].iloc[1] == pytest.approx(783)
    assert verdict[[k for k in verdict.index if "spinach" in k][0]] == "agrees under some readings"
    assert verdict[[k for k in verdict.index if "Halibut" in k][0]] == "disagrees"
    assert verdict[[k for k in verdict.index if "Cocoa" in k][0]] == "disagrees"
    cocoa = c[c["claim"].str.contains("Cocoa")]
    assert cocoa["computed"].iloc[0] / 1000 == pytest.approx(53.9, abs=0.05)  # right number in mg
    pumpkin = c[c["claim"].str.startswith("Pumpkin seeds: ¼ cup")].set_index("reading")
    kernels = pumpkin[pumpkin.index.str.contains("kernels")]
    assert not kernels["agrees"].iloc[0] and kernels["computed"].iloc[0] > 3 * 42
    rda = c[c["claim"].str.contains("19–50")]
    assert verdict[rda["claim"].iloc[0]] != "agrees"
    assert set(c["verdict"]) <= {"agrees", "agrees under some readings", "disagrees"}


def test_judge():
    assert diet.judge(125, 118.5) and not diet.judge(125, 783)


# --------------------------------------------------------------------------- figures and ranking view

@pytest.mark.parametrize("func", [diet.rda_figure, diet.group_density_figure, diet.spinach_figure, diet.grains_figure])
def test_figures_build(func):
    fig = func()
    assert fig.axes and all(ax.get_xlabel() or ax.get_ylabel() for ax in fig.axes if ax.has_data())


def test_ranking_view_every_basis():
    for basis in diet.RANK_BASES:
        v = diet.food_ranking_view(basis, "all", 10)
        assert len(v.table) == 10 and "nan" not in v.text.lower()


def test_exercise_plan_grader_uses_the_data():
    from mgcourse.checks import check

    good = ("12014: 30 g; 11458: 1 cup; 16015: 1 cup; 20037: 2 cup; 09040: 1 cup, sliced; "
            "01117: 1 container, (8 oz); 18075: 2 slice; 09037: 1 cup, cubes")
    assert check("05.plan-day", good).correct
    assert not check("05.plan-day", "12014: 30 g; 11458: 1 cup").correct  # too little energy and Mg
    assert not check("05.plan-day", "12014: 300 g; 11458: 1 cup; 16015: 1 cup; 20037: 1 cup").correct
    assert check("05.plan-day", ...).status == "not attempted yet"
    assert not check("05.plan-day", "99999: 1 g").correct


def test_meal_builder_widget_is_a_thin_wrapper():
    box = diet.build_meal_builder(30, "female", "")
    box.query.value = "spinach boiled"
    assert "11458" in [v for _, v in box.results.options]
    box.results.value = "11458"
    assert "cup" in box.unit.options and "g" in box.unit.options
    box.amount.value, box.unit.value = 2.0, "cup"
    box.add.click()
    assert box.meal.value == "11458: 2 cup"
    assert diet.meal_totals(diet.parse_meal(box.meal.value))["grams"].iloc[0] == pytest.approx(360)
    box.amount.value = -1.0
    box.add.click()
    assert "greater than 0" in box.message.value and box.meal.value == "11458: 2 cup"
    box.query.value = "zzzzqq"
    assert box.results.options == () and "no food" in box.message.value
    box.clear.click()
    assert box.meal.value == ""


# --------------------------------------------------------------------------- live panels (issue 14: fixed axes)

def _visible_rows(view):
    a = view.artists
    return [(t.get_text(), round(b.get_width(), 9)) for t, b in zip(a["texts"], a["bars"]) if t.get_visible()]


def test_ranking_panel_shows_exactly_the_top_n_on_one_fixed_axis():
    first = diet.food_ranking_view("per_100g", "Nut and Seed Products", 25)
    for n in (3, 10, 25):
        v = diet.food_ranking_view("per_100g", "Nut and Seed Products", n)
        ref = diet.rank_foods("per_100g", n=n, food_group="Nut and Seed Products")
        rows = _visible_rows(v)
        assert [w for _, w in rows] == [round(x, 9) for x in ref["magnesium_mg_per_100g"]]
        assert all(name.startswith(diet.readable_food_name(d, 40)[:10]) for (name, _), d in zip(rows, ref["description"]))
        assert v.figure.axes[0].get_xlim() == first.figure.axes[0].get_xlim()
        assert f"Top {n}," in v.artists["title"].get_text() and len(v.table) == n


def test_ranking_panel_count_change_moves_no_other_row():
    """Rows keep their place and size while the count stays within a step of the pitch (8, 16, 25 rows): one
    more food adds a row below, the others stay as they were (a live panel redraws them from cached bitmaps)."""
    from mgcourse import widgets

    spec = widgets.get("05.food_ranking")

    def rows(view):
        return [(t.get_text(), t.get_position()[1], t.get_fontsize()) for t in view.artists["texts"] if t.get_visible()]

    view = widgets.safe_call(spec.func, basis="per_100kcal", food_group="all", n=9)
    for n in range(10, 17):
        before = rows(view)
        view = widgets.update_view(spec, view, view.figure, {"basis": "per_100kcal", "food_group": "all", "n": n})
        after = rows(view)
        assert len(after) == n and after[:n - 1] == before
    view = widgets.update_view(spec, view, view.figure, {"basis": "per_100kcal", "food_group": "all", "n": 17})
    assert rows(view)[0][1] != before[0][1], "crossing a step (16 to 17 rows) should re-space the rows"


def test_optimiser_panel_bars_are_the_share_of_each_cap():
    v = diet.diet_optimiser_view(40, "male", "energy", 1.0, 0, 0)
    plan = diet.optimise_diet(420).plan
    rows = _visible_rows(v)
    assert [w for _, w in rows] == [round(x, 9) for x in 100 * plan["grams"] / plan["cap_g"]]
    assert v.figure.axes[0].get_xlim() == (0.0, diet._OPT_XMAX_PCT)
    labels = [t.get_text() for t in v.artists["labels"] if t.get_visible()]
    assert labels[0].startswith("180 g: 157 mg")  # boiled spinach, one cup at its cap


def test_meal_planner_axis_holds_every_rda():
    xlims = {diet.meal_planner_view("11458: 1 cup", age, sex).figure.axes[0].get_xlim()
             for age in (1, 30, 100) for sex in ("female", "male")}
    assert xlims == {(0.0, 420 * 1.35)}
