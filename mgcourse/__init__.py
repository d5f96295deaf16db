"""mgcourse: the library behind the magnesium & insulin resistance course.

Every model, formula, unit conversion, data loader, exercise check and widget
callback of the course lives here as a plain, documented, tested function; the
notebooks only import, call, plot and explain.

Sub-modules
-----------
units        unit conversions (glucose, insulin, magnesium)
indices      HOMA-IR, QUICKI, Matsuda
intakes      RDA/AI/UL look-ups from ``data/intakes.csv``
chemistry    molar masses and elemental fractions from chemical formulas
data         validated loaders for the CSV files in ``data/``
style        the shared figure style (Okabe-Ito palette, line styles, fonts)
widgets      registry of widget callbacks and the ipywidgets wrapper
checks       exercise feedback (``check("id", answer)``)
exercises    ``python -m mgcourse.tools.exercises build``: student notebooks from solutions
bench        ``python -m mgcourse.tools.bench``: latency of widget callbacks, notebook run times
models       minimal_model, balance, cycle, absorption
toolkit      chapter 01's reference functions (glucose clearance ODE, eigenvalue stability) and its widget
course_map   the one table of chapters and their times (chapter + exercise minutes)
"""

from pathlib import Path

__version__ = "0.1.0"

#: Root of the repository (the folder that holds ``data/``, ``notebooks/`` ...).
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Folder of the course's data files.
DATA_DIR = REPO_ROOT / "data"
#: Folder of figures made by code.
FIGURES_DIR = REPO_ROOT / "figures"
