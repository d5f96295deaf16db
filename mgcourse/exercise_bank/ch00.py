"""Exercises of chapter 00 (welcome): a tiny example of each kind of check."""

from mgcourse.checks import choice, exercise, explanation, function, value
from mgcourse.units import convert

#: The chapter converts 126 mg/dL (the diabetes threshold); the exercise converts another value.
GLUCOSE_MG_DL = 145.0

exercise(
    "00.glucose-mmol", name="glucose_mmol", kind="compute",
    title="Convert a glucose of 145 mg/dL to mmol/L",
    grader=value(convert(GLUCOSE_MG_DL, "mg/dL", "mmol/L", substance="glucose"), sig=3,
                 mistakes={GLUCOSE_MG_DL * 18.0156: "you multiplied by the factor; going from mg/dL to mmol/L you divide.",
                           GLUCOSE_MG_DL / 24.305 * 10: "that factor belongs to magnesium, not glucose.",
                           convert(126, "mg/dL", "mmol/L", substance="glucose"):
                               "that is the chapter's example (126 mg/dL); convert 145 mg/dL."}),
    hints=("Glucose in mg/dL is a mass concentration; mmol/L is a molar one. Which is the larger number?",
           "mg/dL = mmol/L × (molar mass of glucose in g/mol ÷ 10). The molar mass of glucose is 180.156 g/mol.",
           "From mg/dL to mmol/L you divide by a factor: the molar mass of glucose (g/mol) divided by 10, because 1 L = "
           "10 dL. Before you compute, decide which answer must be smaller: the mg/dL number or the mmol/L one?"),
)


def _mg_to_meq(mg):
    return convert(mg, "mg", "mEq", substance="magnesium")


exercise(
    "00.mg-to-meq", name="mg_to_meq", kind="implement",
    title="Write mg_to_meq(mg): milligrams of magnesium to milliequivalents",
    grader=function(_mg_to_meq, [(24.305,), (350.0,), (0.0,), (1000.0,)], rtol=1e-6,
                    describe=lambda a: f"mg_to_meq({a[0]:g})"),
    library=("mgcourse.units:convert",),
    hints=("Go through millimoles: mg → mmol → mEq.",
           "1 mmol of Mg weighs 24.305 mg, and Mg²⁺ carries two charges, so 1 mmol = 2 mEq.",
           "Step 1: turn milligrams into millimoles with the molar mass. Step 2: ask how many equivalents one millimole of "
           "a doubly charged ion is, and apply that to your millimoles."),
)

exercise(
    "00.ul-scope", name="ul_scope", kind="explore",
    title="What does the US upper limit (UL) for magnesium apply to?",
    grader=choice("B", "ABCD", feedback={
        "A": "Food magnesium has no upper limit: no adverse effects are known from Mg in food.",
        "C": "The UL is the same 350 mg/day from age 9, pregnancy and lactation included.",
        "D": "Diarrhoea from supplemental Mg is the effect the UL is set on."}),
    hints=("Read the safety box in notebook 00 again.",
           "The IOM set the UL from the diarrhoea that non-food magnesium can cause.",
           "Ask: would spinach count towards the UL? Would a magnesium tablet?"),
)

exercise(
    "00.why-units", name="why_units", kind="explain",
    title="Why does the course put units in every variable name?",
    grader=explanation({
        "different units give different numbers": ("mg/dl", "mmol", "factor", "18", "differ", "different number"),
        "a mistake that goes unnoticed": ("mistake", "error", "wrong", "silent", "confus", "mix"),
    }, min_words=15),
    model_answer="The same glucose has a different number in mg/dL and in mmol/L (they differ by a factor of about 18), "
                 "so a bare number such as 5.5 can be read wrongly: normal in mmol/L, impossibly low in mg/dL. A unit "
                 "in the variable name makes such a mix-up visible, instead of a silent error that changes a result "
                 "or a diagnosis.",
    rubric=("Says that the same quantity has different numbers in different units (a factor of about 18 for glucose).",
            "Says what goes wrong: a number read or combined in the wrong unit gives a wrong result without any error.",
            "Says how a unit in the name prevents it: the mismatch is visible where the number is used."),
    hints=("Think of glucose = 5.5: is that normal or alarming?",
           "The same quantity has very different numbers in mg/dL and in mmol/L.",
           "Write two or three sentences: what goes wrong when a number travels without its unit, and how a name like glucose_mmol_l prevents it."),
)
