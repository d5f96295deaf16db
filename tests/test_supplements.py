"""mgcourse.supplements: forms table, label reading, UL placement, chapter-6 widgets and figures."""

import re

import pytest

from mgcourse import supplements as sp
from mgcourse.data import load_supplement_forms
from mgcourse.models import absorption
from mgcourse.widgets import get, safe_call

# Fact sheet table 4a, % Mg by mass, for every row of data/supplement_forms.csv.
FACT_SHEET_PERCENT = {
    "oxide": 60.30, "hydroxide": 41.68, "carbonate": 28.83, "chloride_anhydrous": 25.53,
    "chloride_hexahydrate": 11.96, "sulfate_anhydrous": 20.19, "sulfate_heptahydrate": 9.86,
    "trimagnesium_dicitrate_anhydrous": 16.16, "trimagnesium_dicitrate_nonahydrate": 11.89,
    "trimagnesium_dicitrate_tetradecahydrate": 10.37, "magnesium_hydrogen_citrate_1_1": 11.34,
    "bisglycinate": 14.10, "lactate_anhydrous": 12.01, "lactate_dihydrate": 10.19,
    "gluconate_anhydrous": 5.86, "gluconate_dihydrate": 5.39, "l_aspartate_anhydrous": 8.42,
    "l_aspartate_dihydrate": 7.49, "taurate": 8.92, "l_threonate": 8.25, "malate": 15.54,
    "orotate_anhydrous": 7.27, "orotate_dihydrate": 6.56,
}
# Rows added beyond table 4a (pidolate and label variants): % Mg hand-computed from the formula,
# e.g. pidolate Mg(C5H6NO3)2: 24.305 / (24.305 + 2 × 128.107) = 8.66 %.
ADDED_PERCENT = {"pidolate": 8.66, "malate_trihydrate": 11.55, "basic_carbonate": 25.02, "glycinate_dihydrate": 11.66}
# Fact sheet table 4a, salt mass per 100 mg of elemental Mg (mg, rounded).
FACT_SHEET_PER_100 = {"oxide": 166, "chloride_hexahydrate": 836, "trimagnesium_dicitrate_anhydrous": 619,
                      "trimagnesium_dicitrate_nonahydrate": 841, "trimagnesium_dicitrate_tetradecahydrate": 965,
                      "magnesium_hydrogen_citrate_1_1": 882, "bisglycinate": 709, "l_threonate": 1212,
                      "sulfate_heptahydrate": 1014, "gluconate_anhydrous": 1706}


def test_every_csv_row_is_covered():
    assert set(load_supplement_forms()["form_id"]) == set(FACT_SHEET_PERCENT) | set(ADDED_PERCENT)
    assert set(sp.forms_table().index) == set(FACT_SHEET_PERCENT) | set(ADDED_PERCENT)


@pytest.mark.parametrize("form_id, pct", sorted(ADDED_PERCENT.items()))
def test_added_forms_percent(form_id, pct):
    assert sp.form(form_id)["mg_percent"] == pytest.approx(pct, abs=0.01)


@pytest.mark.parametrize("form_id, pct", sorted(FACT_SHEET_PERCENT.items()))
def test_elemental_percent_within_0_1_point_of_fact_sheet(form_id, pct):
    assert sp.form(form_id)["mg_percent"] == pytest.approx(pct, abs=0.1)
    assert sp.form(form_id)["mg_percent"] == pytest.approx(pct, abs=0.01)  # in fact to the printed digit


@pytest.mark.parametrize("form_id, per_100", sorted(FACT_SHEET_PER_100.items()))
def test_salt_per_100_mg_elemental(form_id, per_100):
    assert round(sp.form(form_id)["salt_mg_per_100mg_mg"]) == per_100


def test_headline_fractions():
    t = sp.forms_table()
    assert t.loc["oxide", "mg_percent"] == pytest.approx(60.3, abs=0.1)
    assert t.loc["chloride_hexahydrate", "mg_percent"] == pytest.approx(11.96, abs=0.1)
    assert t.loc["trimagnesium_dicitrate_anhydrous", "mg_percent"] == pytest.approx(16.16, abs=0.1)
    assert t.loc["bisglycinate", "mg_percent"] == pytest.approx(14.10, abs=0.1)
    assert t.loc["l_threonate", "mg_percent"] == pytest.approx(8.25, abs=0.1)


def test_solubility_only_where_sourced():
    t = sp.forms_table()
    assert t.loc["oxide", "water_solubility_g_per_100ml"] == pytest.approx(0.010)
    assert t.loc["magnesium_hydrogen_citrate_1_1", "water_solubility_g_per_100ml"] == pytest.approx(20)
    assert t["water_solubility_g_per_100ml"].isna().sum() > 10  # most forms: no sourced value


def test_forms_table_is_a_copy():
    t = sp.forms_table()
    t.loc["oxide", "mg_percent"] = 0
    assert sp.form("oxide")["mg_percent"] > 60


# --------------------------------------------------------------------------- labels
def test_read_label_both_bases():
    r = sp.read_label(500, "trimagnesium_dicitrate_anhydrous", "salt")
    assert r.elemental_mg == pytest.approx(80.8, abs=0.05) and r.salt_mg == 500
    e = sp.read_label(100, "oxide", "elemental")
    assert e.salt_mg == pytest.approx(165.8, abs=0.1) and e.elemental_mg == 100
    assert "elemental" in r.sentence() and "salt" in e.sentence()


def test_citrate_ambiguity_52_to_81_mg():
    lo, hi, table = sp.family_range(500, "citrate")
    assert round(lo) == 52 and round(hi) == 81
    assert len(table) == 4
    assert table["mg_percent"].is_monotonic_decreasing


def test_durango_dose():
    d = sp.durango_dose()
    assert round(d["anhydrous"]) == 638
    assert round(d["hexahydrate"]) == 299


@pytest.mark.parametrize("kwargs, word", [
    (dict(amount_mg=-1, form_id="oxide"), "amount_mg"),
    (dict(amount_mg=float("nan"), form_id="oxide"), "amount_mg"),
    (dict(amount_mg=100, form_id="unobtainium"), "form_id"),
    (dict(amount_mg=100, form_id="oxide", basis="tablet"), "basis"),
])
def test_read_label_bad_input(kwargs, word):
    with pytest.raises(ValueError, match=word):
        sp.read_label(**kwargs)


def test_family_range_bad_input():
    with pytest.raises(ValueError, match="family"):
        sp.family_range(500, "citrates")
    with pytest.raises(ValueError, match="salt_mg"):
        sp.family_range(-500)


# --------------------------------------------------------------------------- UL placement
@pytest.mark.parametrize("dose, age, us, eu, word", [
    (400, 30, 350, 250, "ABOVE"),
    (350, 30, 350, 250, "is at"),
    (300, 30, 350, 250, "below"),
    (100, 2, 65, None, "ABOVE"),
    (100, 6, 110, 250, "below"),
    (120, 6, 110, 250, "ABOVE"),
    (300, 9, 350, 250, "below"),
])
def test_ul_placement_wording(dose, age, us, eu, word):
    p = sp.ul_placement(dose, age)
    assert p.us_ul == us and p.eu_ul == eu
    assert word in p.us_sentence
    md = p.markdown()
    assert "food magnesium has no UL" in md and "kidney disease" in md and "not dose advice" in md
    assert "250 mg/day" in md  # the EU figure is always named
    assert p.above_us_ul == (dose > us)


def test_eu_wording():
    assert "above the EU" in sp.ul_placement(300, 30).eu_sentence
    assert "below the EU" in sp.ul_placement(200, 30).eu_sentence
    assert "from age 4" in sp.ul_placement(50, 2).eu_sentence


def test_infant_has_no_ul():
    p = sp.ul_placement(10, 0.5)
    assert p.us_ul is None and p.percent_of_us_ul is None
    assert "no UL" in p.us_sentence


@pytest.mark.parametrize("dose, age", [(-1, 30), (100, -1), (100, 130), (float("nan"), 30), ("100", 30)])
def test_ul_placement_bad_input(dose, age):
    with pytest.raises(ValueError):
        sp.ul_placement(dose, age)


# --------------------------------------------------------------------------- widgets
def _call(name, **over):
    spec = get(name)
    return safe_call(spec.func, **{**spec.defaults(), **over})


@pytest.mark.parametrize("name", ["06.compare_forms", "06.dose_response"])
def test_every_dose_widget_shows_ul_placement(name):
    spec = get(name)
    for params in spec.sweep(seed=3):
        v = safe_call(spec.func, **params)
        if v.error:
            continue
        assert "Upper limit:" in v.text and "EU" in v.text, params
        assert "kidney disease" in v.text and "food magnesium has no UL" in v.text


def test_compare_forms_default_is_the_citrate_label():
    v = _call("06.compare_forms")
    assert v.data["elemental_mg_per_day"] == pytest.approx(80.8, abs=0.05)
    assert v.data["absorbed_mg_per_day"] == pytest.approx(absorption.absorbed_mg(80.8168, 1), rel=1e-4)
    assert "teaching model" in v.text


def test_compare_forms_elemental_basis_and_ul():
    v = _call("06.compare_forms", form_id="oxide", basis="elemental", amount_per_tablet_mg=200, tablets_per_day=2)
    assert v.data["elemental_mg_per_day"] == 400 and v.data["above_us_ul"]
    assert "ABOVE" in v.text and "Firoz" in v.text  # oxide: the separate, differently measured 4 %


def test_compare_forms_rejects_more_portions_than_tablets():
    v = _call("06.compare_forms", tablets_per_day=1, portions=3)
    assert v.error and "portions" in v.text


def test_compare_forms_child_age():
    v = _call("06.compare_forms", form_id="oxide", amount_per_tablet_mg=400, age_years=7)
    assert "110 mg/day" in v.text and "ABOVE" in v.text


def test_dose_response_split_absorbs_more():
    one = _call("06.dose_response", portions=1).data["absorbed_mg_per_day"]
    three = _call("06.dose_response", portions=3).data["absorbed_mg_per_day"]
    assert three > one


def test_dose_response_zero_dose_has_no_nan():
    v = _call("06.dose_response", daily_dose_mg=0)
    assert not v.error and not re.search(r"\bnan\b", v.text.lower())


def test_figures_registered_and_build():
    from mgcourse.style import FIGURE_REGISTRY

    for name in ("ch06_elemental_fraction", "ch06_absorption_model", "ch06_dose_splitting"):
        func, alt = FIGURE_REGISTRY[name]
        fig = func()
        assert fig.axes and alt


# --------------------------------------------------------------------------- the chapter text
def test_chapter_states_the_safety_facts():
    import nbformat

    from mgcourse import REPO_ROOT

    nb = nbformat.read(REPO_ROOT / "notebooks" / "06_supplements.ipynb", as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    import re

    from mgcourse.claims import claim_box  # claim boxes are code cells rendered from data/claims.csv

    md += "\n".join(claim_box(cid)._repr_markdown_() for c in nb.cells if c.cell_type == "code"
                     for cid in re.findall(r'claims\.claim_box\("([^"]+)"\)', c.source))
    for phrase in ("350 mg/day", "65 mg/day", "110 mg/day", "250 mg/day", "Food magnesium has no UL",
                   "kidney disease must not take magnesium supplements without medical advice",
                   "fitted for teaching, not taken from the paper", "beyond this course's checked sources",
                   "638 mg/day", "52 to 81 mg", "Disclaimer"):
        assert phrase in md, phrase
