"""mgcourse.supplements: forms table, label reading, UL placement, chapter-6 widgets and figures."""

import re

import numpy as np
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


def test_compare_forms_more_portions_than_tablets_means_splitting():
    """Not refused (a refusal blanked the live panel whenever the portions slider passed the tablets one): the
    readout says that the schedule would mean splitting tablets, and the model splits the dose as asked."""
    v = _call("06.compare_forms", tablets_per_day=1, portions=3)
    assert not v.error and "splitting tablets" in v.text
    assert v.data["absorbed_mg_per_day"] == pytest.approx(absorption.absorbed_mg(v.data["elemental_mg_per_day"], 3))
    assert "splitting" not in _call("06.compare_forms", tablets_per_day=3, portions=3).text


def test_compare_forms_axes_hold_every_value():
    """The fixed log axes of 06.compare_forms hold every bar at the sliders' extremes, for every form."""
    spec = get("06.compare_forms")
    c = spec.controls
    fractions = sp.forms_table()["mg_fraction"]
    for basis in sp.LABEL_BASES:
        lo, hi = sp.COMPARE_BAR_LIMITS[basis]
        for amount in (c["amount_per_tablet_mg"].min, c["amount_per_tablet_mg"].max):
            for tablets in (c["tablets_per_day"].min, c["tablets_per_day"].max):
                vals = amount * fractions * tablets if basis == "salt" else amount / fractions
                assert lo < vals.min() and vals.max() < hi, (basis, amount, tablets)
                # the right panel: absorbed mg/day from the chosen form's daily dose, 1 to 6 portions (a daily
                # dose above the model's 5,000 mg is refused by the callback)
                daily = [amount * tablets] if basis == "elemental" else [vals.min(), vals.max()]
                a_lo, a_hi = sp.COMPARE_ABSORBED_LIMITS
                for d in (d for d in daily if d <= absorption.MAX_DOSE_MG):
                    for p in range(1, 7):
                        assert a_lo < absorption.absorbed_mg(d, p) < a_hi, (basis, amount, tablets, d, p)
    v = _call("06.compare_forms", form_id="oxide", amount_per_tablet_mg=1500, tablets_per_day=6)
    assert v.error and "5000" in v.text.replace(",", "")


def test_dose_response_axes_hold_every_marker():
    """The fixed axes of 06.dose_response hold both markers at every slider extreme."""
    spec = get("06.dose_response")
    view = _call("06.dose_response")
    ax1, ax2 = view.figure.axes
    for dose in (spec.controls["daily_dose_mg"].min, spec.controls["daily_dose_mg"].max):
        for portions in range(1, 7):
            v = _call("06.dose_response", daily_dose_mg=dose, portions=portions)
            per = dose / portions
            assert ax1.get_xlim()[0] < per < ax1.get_xlim()[1]
            assert ax1.get_ylim()[0] < 100 * v.data["fraction_per_portion"] < ax1.get_ylim()[1]
            assert ax2.get_xlim()[0] < dose < ax2.get_xlim()[1]
            assert ax2.get_ylim()[0] < v.data["absorbed_mg_per_day"] < ax2.get_ylim()[1]
            assert v.figure.axes[1].get_ylim() == ax2.get_ylim()  # the same fixed axes at every setting


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


def test_dose_response_markers_never_pass_under_the_static_legends():
    """06.dose_response keeps its legends in the cached background of the live panel (only the markers, the
    portion's legend text and the limit lines are redrawn): the markers must never reach a legend, at any
    slider setting, or a frame would draw them over it. Also: the portion's text sits exactly in its legend row."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from mgcourse import widgets

    spec = get("06.dose_response")
    view = widgets.update_view(spec, None, None, spec.defaults())
    fig = view.figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    a = view.artists
    legend1 = fig.axes[0].get_legend().get_window_extent(renderer)
    legend2 = a["legend2"].get_window_extent(renderer)
    slot = fig.axes[0].get_legend().get_texts()[-1].get_window_extent(renderer)
    label = a["portion_label"].get_window_extent(renderer)
    assert (label.x0, label.y0) == pytest.approx((slot.x0, slot.y0), abs=0.01)
    dose = spec.controls["daily_dose_mg"]
    for d in np.arange(dose.min, dose.max + dose.step / 2, dose.step):
        for p in range(1, spec.controls["portions"].max + 1):
            view = widgets.update_view(spec, view, fig, {"daily_dose_mg": float(d), "portions": p, "age_years": 30})
            assert view.figure is fig
            assert not a["portion"].get_window_extent(renderer).overlaps(legend1), (d, p)
            assert not a["schedule"].get_window_extent(renderer).overlaps(legend2), (d, p)


@pytest.mark.parametrize("name, moves", [
    ("06.dose_response", [("age_years", 3), ("daily_dose_mg", 900), ("age_years", 5), ("portions", 4),
                          ("age_years", 9), ("daily_dose_mg", 0), ("daily_dose_mg", 1200)]),
    ("06.compare_forms", [("age_years", 3), ("amount_per_tablet_mg", 1500), ("tablets_per_day", 6),
                          ("form_id", "gluconate_dihydrate"), ("age_years", 5), ("portions", 6),
                          ("tablets_per_day", 2), ("age_years", 9)]),
])
def test_live_frames_across_age_groups_equal_a_full_redraw(name, moves, monkeypatch):
    """An age that crosses into another group moves, renames or hides the limit lines and their legend entries
    (a legend kept in the cached background must then be redrawn): every frame equals a full redraw."""
    pytest.importorskip("ipympl")
    from mgcourse import widgets

    widgets._import_ipympl_keeping_backend()
    monkeypatch.setattr(widgets._panel_canvas_class(), "send", lambda self, *a, **k: None)
    p = widgets.build_panel(name, mode="ipympl")
    p.canvas.syncing_data_url = False
    p.canvas.draw()
    for key, value in moves:
        p.controls[key].value = value
        assert not p.current.error, p.current.text
        live = np.asarray(p.canvas.get_renderer().buffer_rgba()).copy()
        p.canvas.draw()
        full = np.asarray(p.canvas.get_renderer().buffer_rgba())
        # allow 1 of 255 (rounding); a stale background differs by far more
        assert int((np.abs(live.astype(int) - full.astype(int)) > 1).any(axis=2).sum()) == 0, (name, key, value)
    assert p._blit.frames["blit"] >= len(moves) - 3, p._blit.frames  # only the age-group changes draw it all
