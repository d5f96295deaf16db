"""Helpers of notebook 00 (welcome): the environment check, the course map and a units figure."""

from __future__ import annotations

import importlib.metadata as md
import platform

from .style import new_figure, register_figure, ROLE_COLORS
from .units import HYPOMAGNESAEMIA_CUTOFF_MMOL_L, SERUM_MG_RANGE_MMOL_L, convert

#: Chapter number, notebook, what you learn, estimated minutes (self-paced).
COURSE_MAP = (
    ("00", "00_welcome.ipynb", "How the course works, units, safety", 25),
    ("01", "01_insulin_signalling.ipynb", "Glucose homeostasis, the insulin signalling cascade and Mg-ATP; HOMA-IR, QUICKI, Matsuda; the Bergman minimal model", 90),
    ("02", "02_magnesium_in_the_body.ipynb", "Body pools, absorption, kidney handling; why serum Mg can look normal while cells are depleted", 75),
    ("03", "03_vicious_cycle.ipynb", "The vicious cycle as an ODE model: phase plane, steady states, bistability, hysteresis, interventions", 120),
    ("04", "04_food_sources.ipynb", "Food composition data, RDA/AI/UL, magnesium density, a meal planner, diet optimisation", 90),
    ("05", "05_supplements.ipynb", "Elemental Mg from formulas, saturable absorption, dose splitting, the upper limit", 75),
    ("06", "06_reading_the_evidence.ipynb", "Cohorts, trials, meta-analysis, confounding, reverse causation, fact-checking", 90),
    ("07", "07_capstone.ipynb", "A case worked end to end", 120),
)

# What a learner's install needs (requirements.txt); test tooling such as nbval is not part of it.
PACKAGES = ("numpy", "scipy", "pandas", "matplotlib", "ipywidgets", "ipympl", "jupyterlab", "ipykernel", "mgcourse")


def environment_report() -> str:
    """Markdown lines with the Python version and the installed versions of the course's packages."""
    lines = [f"- Python {platform.python_version()} on {platform.system()}"]
    missing = []
    for name in PACKAGES:
        try:
            lines.append(f"- {name} {md.version(name)}")
        except md.PackageNotFoundError:
            missing.append(name)
            lines.append(f"- {name}: **not installed**")
    verdict = ("All packages are installed." if not missing else
               "Missing: " + ", ".join(missing) + ". Run `python -m pip install -r requirements.txt` in the repository folder.")
    return "\n".join(lines + ["", verdict])


def course_map_markdown() -> str:
    """The course map as a Markdown table."""
    rows = ["| # | notebook | what you learn | time (min) |", "|---|---|---|---:|"]
    rows += [f"| {n} | [`{nb}`]({nb}) | {what} | {minutes} |" for n, nb, what, minutes in COURSE_MAP]
    total = sum(m for *_, m in COURSE_MAP)
    rows.append(f"| | **all chapters** | | **{total}** (≈{total / 60:.0f} h) |")
    return "\n".join(rows)


@register_figure("ch00_serum_mg_scales",
                 alt="Serum magnesium on two aligned scales, mmol/L above and mg/dL below, with the IOM reference "
                     "range of 0.75–0.95 mmol/L shaded and the hypomagnesaemia cut-off of 0.70 mmol/L marked.")
def serum_mg_scales_figure():
    """One quantity, two units: serum magnesium in mmol/L and mg/dL with the reference range and cut-off."""
    fig, ax = new_figure(figsize=(7.0, 2.6))
    lo, hi = SERUM_MG_RANGE_MMOL_L
    ax.axvspan(lo, hi, color=ROLE_COLORS["magnesium"], alpha=0.25, label=f"IOM reference range {lo}–{hi} mmol/L")
    ax.axvline(HYPOMAGNESAEMIA_CUTOFF_MMOL_L, color=ROLE_COLORS["glucose"], linestyle="--",
               label=f"hypomagnesaemia cut-off {HYPOMAGNESAEMIA_CUTOFF_MMOL_L} mmol/L")
    ax.set_xlim(0.4, 1.3)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(False)
    ax.set_xlabel("serum magnesium (mmol/L)")
    mg_dl_per_mmol_l = convert(1.0, "mmol/L", "mg/dL", substance="magnesium")  # a linear scale: one factor
    # plain arithmetic, not convert(): matplotlib also passes empty arrays through these functions
    secax = ax.secondary_xaxis("bottom", functions=(lambda x: x * mg_dl_per_mmol_l, lambda x: x / mg_dl_per_mmol_l))
    secax.spines["bottom"].set_position(("outward", 42))
    secax.set_xlabel("serum magnesium (mg/dL)")
    ax.legend(loc="upper right", fontsize=10)
    ax.set_title("Same serum magnesium, two units")
    return fig
