"""mgcourse.chemistry: formula parsing, molar masses and elemental Mg (fact sheet table 4a)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcourse.chemistry import (
    ATOMIC_WEIGHTS,
    elemental_fraction,
    elemental_mg_from_salt_mg,
    molar_mass,
    parse_formula,
    salt_mass_for_elemental_mg,
)
from mgcourse.data import load_supplement_forms

# Fact sheet table 4a: formula, molar mass (g/mol), % Mg, salt per 100 mg Mg (mg).
TABLE_4A = [
    ("MgO", 40.304, 60.30, 166),
    ("Mg(OH)2", 58.319, 41.68, 240),
    ("MgCO3", 84.313, 28.83, 347),
    ("MgCl2", 95.205, 25.53, 392),
    ("MgCl2·6H2O", 203.295, 11.96, 836),
    ("MgSO4", 120.361, 20.19, 495),
    ("MgSO4·7H2O", 246.466, 9.86, 1014),
    ("Mg3(C6H5O7)2", 451.113, 16.16, 619),
    ("Mg3(C6H5O7)2·9H2O", 613.248, 11.89, 841),
    ("Mg3(C6H5O7)2·14H2O", 703.323, 10.37, 965),
    ("MgC6H6O7", 214.412, 11.34, 882),
    ("Mg(C2H4NO2)2", 172.423, 14.10, 709),
    ("Mg(C3H5O3)2", 202.445, 12.01, 833),
    ("Mg(C3H5O3)2·2H2O", 238.475, 10.19, 981),
    ("Mg(C6H11O7)2", 414.599, 5.86, 1706),
    ("Mg(C6H11O7)2·2H2O", 450.629, 5.39, 1854),
    ("Mg(C4H6NO4)2", 288.495, 8.42, 1187),
    ("Mg(C4H6NO4)2·2H2O", 324.525, 7.49, 1335),
    ("Mg(C2H6NO3S)2", 272.573, 8.92, 1121),
    ("Mg(C4H7O5)2", 294.495, 8.25, 1212),
    ("MgC4H4O5", 156.376, 15.54, 643),
    ("Mg(C5H3N2O4)2", 334.483, 7.27, 1376),
    ("Mg(C5H3N2O4)2·2H2O", 370.513, 6.56, 1524),
]


@pytest.mark.parametrize("formula, mass, pct, per_100", TABLE_4A)
def test_table_4a(formula, mass, pct, per_100):
    assert molar_mass(formula) == pytest.approx(mass, abs=0.0011)
    assert 100 * elemental_fraction(formula) == pytest.approx(pct, abs=0.01)
    assert round(salt_mass_for_elemental_mg(100, formula)) == pytest.approx(per_100, abs=1)


def test_fact_sheet_atomic_weights():
    expected = {"Mg": 24.305, "H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "S": 32.06, "Cl": 35.45}
    assert {k: ATOMIC_WEIGHTS[k] for k in expected} == expected
    assert molar_mass("H2O") == pytest.approx(18.015, abs=1e-9)


def test_every_supplement_form_parses_and_matches_table_4a():
    forms = load_supplement_forms()
    table = {f.replace("·", "."): pct for f, _, pct, _ in TABLE_4A}
    added = {"Mg(C5H6NO3)2", "MgC4H4O5.3H2O", "(MgCO3)4.Mg(OH)2.5H2O", "Mg(C2H4NO2)2.2H2O"}  # beyond table 4a
    assert set(forms["formula"]) == set(table) | added
    for formula in set(forms["formula"]) - added:
        assert 100 * elemental_fraction(formula) == pytest.approx(table[formula], abs=0.01)


@pytest.mark.parametrize("formula, molar_mass_g_mol", [
    ("Mg(C5H6NO3)2", 24.305 + 2 * (5 * 12.011 + 6 * 1.008 + 14.007 + 3 * 15.999)),          # pidolate, 280.519
    ("MgC4H4O5.3H2O", 24.305 + 4 * 12.011 + 4 * 1.008 + 5 * 15.999 + 3 * 18.015),           # 210.421
    ("(MgCO3)4.Mg(OH)2.5H2O", 4 * 84.313 + 58.319 + 5 * 18.015),                             # 485.646
    ("Mg(C2H4NO2)2.2H2O", 172.423 + 2 * 18.015),                                            # 208.453
])
def test_added_forms_molar_mass(formula, molar_mass_g_mol):
    assert molar_mass(formula) == pytest.approx(molar_mass_g_mol, abs=1e-3)


def test_parentheses_and_multidigit_counts():
    assert parse_formula("Mg3(C6H5O7)2") == {"Mg": 3, "C": 12, "H": 10, "O": 14}
    assert parse_formula("Mg(C2H4NO2)2") == {"Mg": 1, "C": 4, "H": 8, "N": 2, "O": 4}
    assert parse_formula("C12H22O11") == {"C": 12, "H": 22, "O": 11}
    assert parse_formula("Mg((OH))2") == {"Mg": 1, "O": 2, "H": 2}


@pytest.mark.parametrize("formula", ["MgSO4·7H2O", "MgSO4.7H2O", "MgSO4*7H2O", "MgSO4 · 7H2O"])
def test_hydrate_separators(formula):
    assert parse_formula(formula) == {"Mg": 1, "S": 1, "O": 11, "H": 14}


def test_hydrate_dot_form_equals_middle_dot():
    assert molar_mass("Mg3(C6H5O7)2.9H2O") == molar_mass("Mg3(C6H5O7)2·9H2O")


def test_conversions_are_inverse():
    salt = salt_mass_for_elemental_mg(350, "MgCl2·6H2O")
    assert elemental_mg_from_salt_mg(salt, "MgCl2·6H2O") == pytest.approx(350)
    assert elemental_mg_from_salt_mg(1000, "MgO") == pytest.approx(603.0, abs=0.05)


@pytest.mark.parametrize(
    "formula, reason, position",
    [
        ("Mg(OH2", "unclosed '('", 2),
        ("MgO)", "unmatched ')'", 3),
        ("mgO", "unexpected character 'm'", 0),
        ("XxO", "unknown element 'Xx'", 0),
        ("", "empty formula", 0),
        ("MgSO4·", "expected an element symbol", 6),
        ("Mg()", "empty parentheses", 2),
        ("Mg0", "count of 0", 2),
    ],
)
def test_malformed_formulas(formula, reason, position):
    with pytest.raises(ValueError) as info:
        parse_formula(formula)
    message = str(info.value)
    assert f"formula {formula!r}" in message
    assert reason in message
    assert f"at position {position}" in message
    assert message.splitlines()[-1] == "    " + " " * position + "^"


def test_unknown_element_lists_allowed_elements():
    with pytest.raises(ValueError, match="allowed elements: C, Ca, Cl"):
        molar_mass("XxO")


def test_bad_arguments():
    with pytest.raises(ValueError, match="formula must be a string"):
        parse_formula(None)
    with pytest.raises(ValueError, match="element must be one of"):
        elemental_fraction("MgO", "Xx")
    with pytest.raises(ValueError, match="contains no Mg"):
        salt_mass_for_elemental_mg(100, "NaCl")
    for bad in (-1, float("nan"), float("inf"), "100", True):
        with pytest.raises(ValueError, match="elemental_mg"):
            salt_mass_for_elemental_mg(bad, "MgO")
        with pytest.raises(ValueError, match="salt_mg"):
            elemental_mg_from_salt_mg(bad, "MgO")


def test_parse_result_is_not_shared():
    counts = parse_formula("MgO")
    counts["Mg"] = 99
    assert parse_formula("MgO") == {"Mg": 1, "O": 1}


_element = st.sampled_from(sorted(ATOMIC_WEIGHTS))
_count = st.integers(min_value=1, max_value=30)
_simple = st.lists(st.tuples(_element, _count), min_size=1, max_size=6).map(
    lambda parts: "".join(e + (str(n) if n > 1 else "") for e, n in parts)
)


@given(_simple, _simple)
def test_molar_mass_is_additive(a, b):
    assert molar_mass(a + b) == pytest.approx(molar_mass(a) + molar_mass(b), rel=1e-12)
    assert molar_mass(f"{a}·{b}") == pytest.approx(molar_mass(a + b), rel=1e-12)


@given(_simple, st.integers(min_value=1, max_value=20))
def test_group_multiplier_scales_mass(a, n):
    assert molar_mass(f"({a}){n}") == pytest.approx(n * molar_mass(a), rel=1e-12)
