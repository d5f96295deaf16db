"""Every figure registered for figures/ (course design §6): made by code, a real figure with labelled
axes, a one-sentence description, and present in figures/ and its index."""

import re

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from mgcourse import FIGURES_DIR, REPO_ROOT, style, widgets
from mgcourse.style import FIGURE_REGISTRY

widgets.discover()  # imports every module, so every figure function is registered
NAMES = sorted(FIGURE_REGISTRY)


def axes_problems(fig: Figure) -> list[str]:
    """Data axes (not diagrams, which switch their axes off) must have an x or a y label."""
    problems = []
    for k, ax in enumerate(fig.axes):
        if ax.axison and ax.has_data() and ax.name == "rectilinear" and not (ax.get_xlabel() or ax.get_ylabel()):
            problems.append(f"axes {k} has data but no axis label")
    return problems


def test_some_figures_are_registered():
    assert len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_registered_figure(name):
    func, alt = FIGURE_REGISTRY[name]
    fig = func()
    assert isinstance(fig, Figure), f"{name} returned {type(fig).__name__}"
    assert fig.axes, f"{name} has no axes"
    assert axes_problems(fig) == []
    assert len(alt.split()) >= 8 and alt.rstrip().endswith("."), f"{name}: alt text should be one full sentence"
    assert (FIGURES_DIR / f"{name}.png").is_file(), f"figures/{name}.png missing: run python -m mgcourse.tools.figures"


_PINNED_MPL = re.search(r"^matplotlib==(\S+)", (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)


@pytest.mark.skipif(_PINNED_MPL is None or matplotlib.__version__ != _PINNED_MPL.group(1),
                    reason="figures/ is drawn with the matplotlib pinned in requirements.txt; another one draws "
                           "text slightly differently")
@pytest.mark.parametrize("name", NAMES)
def test_stored_figure_is_what_its_code_draws(name, tmp_path):
    """figures/ is made by code: a figure whose code changed must be regenerated (python -m mgcourse.tools.figures)."""
    from PIL import Image

    func, _ = FIGURE_REGISTRY[name]
    with matplotlib.rc_context():
        # as python -m mgcourse.tools.figures draws it: matplotlib's defaults and the course style, whatever other
        # tests have set
        matplotlib.rcParams.update({k: v for k, v in matplotlib.rcParamsDefault.items() if k != "backend"})
        style.apply()
        fresh = style.save(func(), name, folder=tmp_path)
    stored, new = (np.asarray(Image.open(p).convert("RGBA")) for p in (FIGURES_DIR / f"{name}.png", fresh))
    assert stored.shape == new.shape and np.array_equal(stored, new), (
        f"figures/{name}.png is not what its code draws now: run python -m mgcourse.tools.figures")


def test_figures_index_lists_every_figure():
    index = (FIGURES_DIR / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}.png`" in index, f"figures/README.md lacks {name}: run python -m mgcourse.tools.figures"
