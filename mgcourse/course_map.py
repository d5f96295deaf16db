"""The course map: one table of chapters and their times, the single source of every stated time.

Each chapter has the minutes a learner needs for the chapter itself (self-paced, reading and running it)
and for its exercise notebook. The README's course map, chapter 00's map, INSTRUCTORS.md's table, each
chapter's badge row (``Chapter N of 10`` · ``about NN minutes + MM for the exercises``) and its
*Estimated time* line are written from this table (``python -m mgcourse.tools.course_map write``) and
checked against it by ``tests/test_course_map.py``.

The times are estimates for a second-year student working alone: the chapter and exercise times of the
instructors' guide, which were timed with students where the chapter existed; 01 and 08 are estimates.
"""

from __future__ import annotations

from typing import NamedTuple


class Chapter(NamedTuple):
    number: str            #: two digits, "00" … "09"
    notebook: str          #: file name in notebooks/
    title: str             #: short title (INSTRUCTORS.md headings)
    what: str              #: what you learn (one line)
    chapter_min: int       #: minutes for the chapter (self-paced)
    exercises_min: int     #: minutes for its exercise notebook

    @property
    def total_min(self) -> int:
        return self.chapter_min + self.exercises_min

    @property
    def stem(self) -> str:
        return self.notebook.removesuffix(".ipynb")

    @property
    def exercise_notebook(self) -> str:
        return f"{self.stem}_exercises.ipynb"

    @property
    def time_text(self) -> str:
        """``90 + 60 min`` (chapter + exercises)."""
        return f"{self.chapter_min} + {self.exercises_min} min"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("00", "00_welcome.ipynb", "Welcome",
            "How the course works: notebooks, widgets, exercise checks; units of glucose, insulin and magnesium; "
            "the safety note", 20, 5),
    Chapter("01", "01_python_toolkit.ipynb", "The Python toolkit",
            "The NumPy, matplotlib, pandas and SciPy the course uses (arrays with units, a labelled figure, "
            "tables, `solve_ivp`, `brentq`, `least_squares`, `linprog`, eigenvalues), on the course's own data",
            75, 30),
    Chapter("02", "02_insulin_signalling.ipynb", "Insulin signalling and measuring insulin resistance",
            "Glucose homeostasis; insulin receptor → IRS → PI3K → Akt → GLUT4 and where Mg-ATP enters; "
            "HOMA-IR, QUICKI, Matsuda; the Bergman minimal model", 90, 60),
    Chapter("03", "03_magnesium_in_the_body.ipynb", "Magnesium in the body",
            "Body pools, intestinal absorption, kidney handling; why serum Mg can look normal while cells are "
            "depleted", 75, 45),
    Chapter("04", "04_vicious_cycle.ipynb", "The vicious cycle",
            "The vicious cycle as an ODE model: time courses, phase plane, steady states, bistability, "
            "hysteresis, interventions", 75, 60),
    Chapter("05", "05_food_sources.ipynb", "Food sources",
            "USDA food composition data, RDA/AI/UL, magnesium density, a meal planner, diet optimisation with "
            "linear programming", 75, 60),
    Chapter("06", "06_supplements.ipynb", "Supplements",
            "Elemental Mg from each salt's formula, saturable absorption, dose splitting, the upper limit", 60, 45),
    Chapter("07", "07_reading_the_evidence.ipynb", "Reading the evidence",
            "Cohorts vs trials, dose-response, meta-analysis, confounding, reverse causation, fact-checking "
            "articles", 75, 45),
    Chapter("08", "08_real_survey_data.ipynb", "Real survey data",
            "NHANES 2017–2018: survey weights, design-based standard errors, intake below the EAR, magnesium "
            "intake and ln HOMA-IR with and without adiposity", 75, 45),
    Chapter("09", "09_capstone.ipynb", "Capstone",
            "A case worked end to end, from lab values to an evidence-graded summary", 60, 60),
)

#: Number of chapters, as the badges state it ("Chapter N of 10").
N_CHAPTERS = len(CHAPTERS)


def chapter(number: str | int) -> Chapter:
    """The chapter with this number (``"04"`` or ``4``)."""
    allowed = [c.number for c in CHAPTERS]
    if isinstance(number, bool) or not isinstance(number, (str, int)):
        raise TypeError(f"number must be a chapter number such as '04' or 4, got {number!r} "
                        f"({type(number).__name__}); allowed: {allowed}")
    key = f"{int(number):02d}" if not isinstance(number, str) or number.isdigit() else number
    for ch in CHAPTERS:
        if ch.number == key:
            return ch
    raise ValueError(f"number={number!r}: no such chapter; allowed: {allowed}")


def _chapter_arg(ch) -> "Chapter":
    if not isinstance(ch, Chapter):
        raise TypeError(f"ch must be a Chapter (from course_map.chapter()), got {ch!r} ({type(ch).__name__})")
    return ch


def total_minutes() -> tuple[int, int]:
    """(chapter minutes, exercise minutes) summed over the course."""
    return sum(c.chapter_min for c in CHAPTERS), sum(c.exercises_min for c in CHAPTERS)


def badge_time(ch: Chapter) -> str:
    """The time part of a chapter's badge row, e.g. ``about 90 minutes + 60 for the exercises``."""
    ch = _chapter_arg(ch)
    return f"about {ch.chapter_min} minutes + {ch.exercises_min} for the exercises"


def badge_number(ch: Chapter) -> str:
    """``Chapter 4 of 10``."""
    ch = _chapter_arg(ch)
    return f"Chapter {int(ch.number)} of {N_CHAPTERS}"


def estimated_time_line(ch: Chapter) -> str:
    """The start of the *Estimated time* line in a chapter's prerequisites."""
    ch = _chapter_arg(ch)
    return (f"**Estimated time:** about {ch.chapter_min} minutes for the chapter, "
            f"plus {ch.exercises_min} minutes for the exercises")


def markdown_table(link_prefix: str = "", *, available: set[str] | None = None) -> str:
    """The course map as a Markdown table with a total row.

    ``link_prefix`` is put before each notebook's file name in its link ("notebooks/" in the README, "" in
    chapter 00, which sits next to the other chapters). With ``available`` (a set of notebook file names),
    chapters whose notebook is not in it are listed without a link, marked *in preparation*.
    """
    if not isinstance(link_prefix, str):
        raise TypeError(f"link_prefix must be a string such as 'notebooks/', got {link_prefix!r}")
    if available is not None:
        if not isinstance(available, (set, frozenset, list, tuple)) or \
                not all(isinstance(a, str) for a in available):
            raise TypeError(f"available must be a set of notebook file names (or None), got {available!r}")
        available = set(available)
    rows = ["| # | notebook | what you learn | time (chapter + exercises) |", "|---|---|---|---:|"]
    for c in CHAPTERS:
        if available is None or c.notebook in available:
            name = f"[`{c.stem}`]({link_prefix}{c.notebook})"
        else:
            name = f"`{c.stem}` (in preparation)"
        rows.append(f"| {c.number} | {name} | {c.what} | {c.time_text} |")
    ch_min, ex_min = total_minutes()
    rows.append(f"| | **whole course** | | **{ch_min} + {ex_min} min** (≈{(ch_min + ex_min) / 60:.0f} h) |")
    return "\n".join(rows)
