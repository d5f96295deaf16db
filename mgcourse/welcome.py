"""Helpers of notebook 00 (welcome): the environment check, the course map and a units figure."""

from __future__ import annotations

import importlib.metadata as md
import platform

from . import REPO_ROOT
from .course_map import CHAPTERS, markdown_table
from .style import new_figure, register_figure, ROLE_COLORS
from .units import HYPOMAGNESAEMIA_CUTOFF_MMOL_L, SERUM_MG_RANGE_MMOL_L, convert

#: Chapter number, notebook, what you learn, minutes (chapter + exercises), from the one course table
#: (:mod:`mgcourse.course_map`, which also holds the chapter and exercise minutes separately).
COURSE_MAP = tuple((c.number, c.notebook, c.what, c.total_min) for c in CHAPTERS)

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
    """The course map as a Markdown table (links relative to ``notebooks/``; a chapter whose notebook is not
    in ``notebooks/`` is listed as *in preparation*)."""
    nb_dir = REPO_ROOT / "notebooks"
    available = {p.name for p in nb_dir.glob("[0-9][0-9]_*.ipynb")} if nb_dir.is_dir() else None
    return markdown_table("", available=available)


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
