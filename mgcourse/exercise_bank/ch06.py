"""Exercises of chapter 06 (supplements and bioavailability).

Numbers come from the library (chemistry, supplements, models.absorption), which the
tests tie to the fact sheet: % Mg from formulas (table 4a), the US UL (IOM 1997) and
the EU figure (250 mg/day), and the Fine 1991-shaped teaching model of absorption.
"""

from mgcourse.checks import choice, exercise, explanation, function, value
from mgcourse.chemistry import ATOMIC_WEIGHTS, elemental_fraction
from mgcourse.models.absorption import absorbed_mg

# --------------------------------------------------------------------------- 1. compute by hand
#: Magnesium succinate tetrahydrate, a salt that is not in the chapter's forms table (the chapter's table, figure
#: and widget print every form they list, and its text prints the citrate percentages, so none of them can answer
#: this exercise; tests/test_feedback_gaming.py checks that the chapter prints no rendering of the answer).
SUCCINATE_FORMULA = "MgC4H4O4·4H2O"
_SUCCINATE_GROUP = 4 * 12.011 + 4 * 1.008 + 4 * 15.999
_WATER = 2 * 1.008 + 15.999
_SUCCINATE = 100 * elemental_fraction(SUCCINATE_FORMULA)
exercise(
    "06.bisglycinate-percent", name="bisglycinate_percent", kind="compute",
    title="% magnesium in magnesium succinate tetrahydrate, MgC4H4O4·4H2O, by hand",
    grader=value(_SUCCINATE, sig=3, what="your % Mg",
                 mistakes={100 * 24.305 / (24.305 + _SUCCINATE_GROUP): "you left out the water: a tetrahydrate "
                                                                      "carries four H2O in every formula unit.",
                           100 * 24.305 / (24.305 + 2 * _SUCCINATE_GROUP + 4 * _WATER): "succinate carries two "
                               "negative charges, so one succinate balances one Mg²⁺: count it once.",
                           _SUCCINATE / 100: "that looks like a fraction; give the answer in percent.",
                           100 * 24 / (24 + (4 * 12 + 4 * 1 + 4 * 16) + 4 * 18):
                               "that looks like whole-number atomic weights; use 24.305, 12.011, 1.008 and 15.999.",
                           100 * elemental_fraction("Mg(C2H4NO2)2"): "that is bisglycinate, the chapter's example; "
                                                                     "this exercise asks for succinate tetrahydrate."}),
    hints=("Percent Mg = mass of Mg in one formula unit ÷ mass of the whole formula unit × 100, water of "
           "crystallisation included.",
           "Count the atoms: one Mg, one succinate C4H4O4 (it carries two negative charges) and four H2O. Use the "
           "atomic weights Mg 24.305, C 12.011, H 1.008, O 15.999 g/mol.",
           "Work out the molar mass of the succinate group and of one water first, then the whole formula unit: one "
           "Mg, one succinate and four waters. The percentage compares the Mg part with that total."),
)


# --------------------------------------------------------------------------- 2. implement
def _mg_fraction(counts):
    if not isinstance(counts, dict) or not counts:
        raise ValueError("counts must be a non-empty dict of element -> count")
    for el, n in counts.items():
        if el not in ATOMIC_WEIGHTS:
            raise ValueError(f"unknown element {el!r}")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"count of {el} must be a whole number >= 1, got {n!r}")
    total = sum(ATOMIC_WEIGHTS[el] * n for el, n in counts.items())
    return counts.get("Mg", 0) * ATOMIC_WEIGHTS["Mg"] / total


exercise(
    "06.mg-fraction", name="mg_fraction", kind="implement",
    title="Write mg_fraction(counts): the mass fraction of Mg in a formula given as a dict",
    grader=function(_mg_fraction, [({"Mg": 1, "O": 1},), ({"Mg": 3, "C": 12, "H": 10, "O": 14},),
                                   ({"Mg": 1, "Cl": 2, "H": 12, "O": 6},), ({"Mg": 1, "C": 4, "H": 8, "N": 2, "O": 4},),
                                   ({"Na": 1, "Cl": 1},)],
                    rtol=1e-9,
                    raises=[(({"Mg": 1, "Xx": 2},), ValueError), (({"Mg": -1, "O": 1},), ValueError),
                            (({},), ValueError)],
                    describe=lambda a: f"mg_fraction({a[0]!r})"),
    library=("mgcourse.chemistry:elemental_fraction", "mgcourse.chemistry:molar_mass",
             "mgcourse.chemistry:elemental_mg_from_salt_mg"),
    hints=("Loop over the dict: each element contributes count × atomic weight to the molar mass.",
           "The fraction is (number of Mg atoms × 24.305) ÷ (sum over all elements of count × atomic weight). "
           "A formula without Mg gives 0. Reject unknown elements, counts below 1 and an empty dict with ValueError.",
           "Validate first (empty dict, unknown element, count that is not a whole number ≥ 1: ValueError). Then "
           "accumulate the molar mass over counts.items() from ATOMIC_WEIGHTS; a formula without Mg contributes 0 "
           "to the numerator (dict.get with a default helps)."),
)

# --------------------------------------------------------------------------- 3. compute: label → elemental
_LABEL = 3 * 750 * elemental_fraction("Mg3(C6H5O7)2")
exercise(
    "06.label-elemental", name="label_elemental", kind="compute",
    title="A label: 3 capsules a day, each 750 mg magnesium citrate (trimagnesium dicitrate, anhydrous). "
          "Elemental Mg per day?",
    grader=value(_LABEL, sig=3, what="your elemental Mg (mg/day)",
                 mistakes={3 * 750: "that is the salt mass; only part of it is magnesium.",
                           750 * elemental_fraction("Mg3(C6H5O7)2"): "that is one capsule; the label says three a day.",
                           3 * 750 * elemental_fraction("MgC6H6O7"): "that fraction belongs to the 1:1 hydrogen citrate, "
                                                                       "not to trimagnesium dicitrate.",
                           3 * 750 * elemental_fraction("Mg3(C6H5O7)2.9H2O"): "that is the nonahydrate; the label says anhydrous."}),
    hints=("The 750 mg is the mass of the salt. What fraction of it is magnesium?",
           "Trimagnesium dicitrate is Mg3(C6H5O7)2: three Mg per formula unit. elemental_fraction() gives the fraction "
           "from the formula; multiply by the salt mass per day.",
           "First the salt mass per day (capsules × mg per capsule); then keep only the magnesium part of it, "
           "using the fraction for the exact formula on the label (anhydrous, three Mg per formula unit)."),
)

# --------------------------------------------------------------------------- 4. explore: label interpretation
exercise(
    "06.label-interpretation", name="label_interpretation", kind="explore",
    title="A label says only 'Magnesium citrate 500 mg'. What does it contain?",
    grader=choice("B", "ABCD", feedback={
        "A": "500 mg is the mass of the whole salt; magnesium is only 10–16 % of a citrate salt.",
        "C": "That is true only for anhydrous trimagnesium dicitrate; the label does not say which citrate it is.",
        "D": "The 1:1 hydrogen citrate is one possibility, not the only one."}),
    hints=("Set the widget's basis to 'salt mass', amount 500 mg, and try each citrate form.",
           "Citrate salts differ in how many Mg per citrate and in water of crystallisation: the % Mg changes.",
           "Compare the lowest and the highest elemental Mg across the four citrate rows of the forms table."),
)

# --------------------------------------------------------------------------- 5. explore: UL for a child
exercise(
    "06.child-ul", name="child_ul", kind="explore",
    title="In the compare widget: one 500 mg magnesium oxide tablet (salt mass) a day for a 6-year-old. Where does it stand?",
    grader=choice("B", "ABCD", feedback={
        "A": "Look at the UL line for age 6, not for adults: the US UL changes with age.",
        "C": "The US UL covers children from 1 year (65 mg at 1–3 y, 110 mg at 4–8 y).",
        "D": "The UL is about supplemental Mg taken, not about how much is absorbed; diarrhoea is the limiting effect."}),
    hints=("Set form = oxide, basis = salt mass, 500 mg, 1 tablet, age 6, and read the 'Upper limit' line.",
           "MgO is about 60 % Mg; the US UL depends on age (65 / 110 / 350 mg/day).",
           "Estimate the elemental Mg of one tablet from its % Mg, then compare it with both UL lines the widget "
           "draws before you choose."),
)
# options shown in the notebooks:
# A: below the US UL; B: above the US UL for a 6-year-old (110 mg/day) though below the adult 350 mg/day;
# C: the UL does not apply to children; D: MgO is barely absorbed, so the UL is irrelevant.

# --------------------------------------------------------------------------- 6. compute: splitting
#: The chapter's table splits 300 mg/day; the exercise splits another daily amount (below the EU 250 mg/day).
SPLIT_DOSE_MG, SPLIT_PORTIONS = 240, 2
_SPLIT_GAIN = absorbed_mg(SPLIT_DOSE_MG, SPLIT_PORTIONS) - absorbed_mg(SPLIT_DOSE_MG, 1)
exercise(
    "06.split-gain", name="split_gain", kind="compute",
    title="Teaching model: how many more mg/day are absorbed when 240 mg/day is taken in 2 portions instead of 1?",
    grader=value(_SPLIT_GAIN, sig=2, what="your extra absorbed Mg (mg/day)",
                 mistakes={absorbed_mg(240, 2): "that is the total absorbed with 2 portions; the question asks for the gain.",
                           absorbed_mg(240, 1): "that is the total absorbed in 1 portion; the question asks for the gain.",
                           absorbed_mg(300, 3) - absorbed_mg(300, 1): "that is the chapter's example (300 mg/day in 3 "
                                                                       "portions); this exercise splits 240 mg/day in 2."}),
    hints=("absorbed_mg(daily_dose_mg, portions) already does the splitting for you.",
           "In 2 portions each portion is 120 mg and is absorbed at a higher fraction than one 240 mg portion; "
           "the gain is the difference of the two daily totals.",
           "Call the model twice with the same daily dose, once per portion count; the gain is how the two daily "
           "totals differ (which one should be larger?)."),
)

# --------------------------------------------------------------------------- 7. explain: advert
exercise(
    "06.advert-critique", name="advert_critique", kind="explain",
    title="Critique a supplement advert",
    grader=explanation({
        "salt mass is not elemental magnesium": ("elemental", "salt mass", "% mg", "percent mg", "16 %", "16%",
                                                 "161", "162", "not 1000 mg of magnesium", "only part"),
        "absorption % come from different methods and doses": ("method", "dose", "saturab", "not comparable",
                                                               "incomparable", "different stud", "fine", "firoz"),
        "the upper limit and safety": ("upper limit", " ul", "350", "250", "diarrh", "kidney"),
        "what the evidence on forms really shows": ("shechter", "intracellular", "oxide is 60", "60 %", "60%",
                                                    "pardo", "kappeler", "walker", "lindberg", "no primary source",
                                                    "evidence"),
    }, min_words=50, need=3),
    model_answer="The 1,000 mg is the mass of the citrate salt, not elemental magnesium: anhydrous trimagnesium "
                 "dicitrate is about 16 % Mg, so a capsule gives about 160 mg of magnesium and two capsules about "
                 "320 mg a day, close to the US upper limit (UL) of 350 mg/day for supplemental magnesium and above "
                 "the EU figure of 250 mg/day; the UL is set on diarrhoea, and people with kidney disease should not "
                 "supplement without medical advice. The 90 % and 4 % come from different methods and doses and are "
                 "not comparable: fractional absorption falls with dose (Fine 1991), and no primary source supports "
                 "90 % for citrate. Evidence on forms is mixed: citrate raised urinary and serum Mg more in several "
                 "studies, but Shechter 2012 found oxide raised intracellular Mg more. 'Maximum benefit' is not shown.",
    rubric=("Salt mass is not elemental magnesium (about 16 % of a citrate salt is Mg).",
            "The absorption percentages come from different methods and doses and are not comparable.",
            "The upper limit (350 mg/day US, 250 mg/day EU) and safety (diarrhoea, kidney disease).",
            "What trials comparing forms actually found (mixed; no proof of 'maximum benefit')."),
    hints=("Read the advert sentence by sentence: which number is salt, which is magnesium, which is a percentage from where?",
           "Four angles: salt vs elemental Mg; absorption percentages measured with different methods and doses; "
           "the supplemental UL; what trials comparing forms actually found.",
           "Start: 'The 1,000 mg is the mass of the citrate salt, so the capsule gives roughly … mg of magnesium. "
           "The 90 % and 4 % come from …'"),
)
