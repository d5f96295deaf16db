"""Chapter 01 (the Python toolkit): the reference functions in mgcourse.toolkit agree with SciPy's numerical
answers, reject bad input, and every later chapter names the toolkit sections it relies on."""

import json
import re

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from mgcourse import REPO_ROOT, toolkit

CHAPTERS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LATER = [p for p in CHAPTERS if int(p.name[:2]) >= 2]


@pytest.mark.parametrize("k,g0,gb", [(0.03, 300.0, 90.0), (0.005, 120.0, 85.0), (0.1, 60.0, 90.0)])
def test_exact_solution_matches_solve_ivp(k, g0, gb):
    t = np.linspace(0.0, 180.0, 37)
    sol = solve_ivp(toolkit.clearance_rhs, (0.0, 180.0), [g0], args=(k, gb), t_eval=t, rtol=1e-10, atol=1e-10)
    assert np.allclose(sol.y[0], toolkit.clearance_glucose_mg_dl(t, k, g0, gb), rtol=1e-7, atol=1e-7)


def test_solution_starts_at_g0_and_tends_to_baseline():
    g = toolkit.clearance_glucose_mg_dl(np.array([0.0, 1e4]), 0.03, 300.0, 90.0)
    assert g[0] == pytest.approx(300.0) and g[1] == pytest.approx(90.0)


@pytest.mark.parametrize("target", [120.0, 200.0, 95.0])
def test_time_to_reach_matches_brentq(target):
    k, g0, gb = 0.03, 300.0, 90.0
    t_root = brentq(lambda t: toolkit.clearance_glucose_mg_dl(t, k, g0, gb) - target, 0.0, 1000.0, xtol=1e-12)
    assert toolkit.time_to_reach_min(target, k, g0, gb) == pytest.approx(t_root, rel=1e-9)
    assert toolkit.time_to_reach_min(g0, k, g0, gb) == 0.0


@pytest.mark.parametrize("kwargs,param", [
    (dict(t_min=1.0, k_per_min=0.0, g0_mg_dl=300.0), "k_per_min"),
    (dict(t_min=1.0, k_per_min=-0.1, g0_mg_dl=300.0), "k_per_min"),
    (dict(t_min=1.0, k_per_min=0.03, g0_mg_dl=float("nan")), "g0_mg_dl"),
    (dict(t_min=-1.0, k_per_min=0.03, g0_mg_dl=300.0), "t_min"),
])
def test_clearance_rejects_bad_input_naming_the_parameter(kwargs, param):
    with pytest.raises(ValueError, match=param):
        toolkit.clearance_glucose_mg_dl(**kwargs)


@pytest.mark.parametrize("target", [90.0, 80.0, 310.0])
def test_time_to_reach_rejects_unreachable_targets(target):
    with pytest.raises(ValueError, match="target_mg_dl"):
        toolkit.time_to_reach_min(target, 0.03, 300.0, 90.0)


@pytest.mark.parametrize("a,verdict", [
    ([[-1.0, 0.0], [0.0, -2.0]], "stable"),
    ([[-0.5, -1.0], [0.8, -1.2]], "stable (damped oscillation)"),
    ([[-0.5, 1.0], [0.8, -1.2]], "unstable"),
    ([[0.0, 1.0], [-1.0, 0.0]], "borderline (a zero real part)"),
])
def test_eigen_stability_verdicts(a, verdict):
    lam, got = toolkit.eigen_stability(a)
    assert got == verdict
    # the trace/determinant rule for 2×2 matrices agrees with the eigenvalues
    m = np.asarray(a)
    assert (np.trace(m) < 0 and np.linalg.det(m) > 0) == got.startswith("stable")
    assert np.allclose(np.sort_complex(lam), np.sort_complex(np.linalg.eigvals(m)))


@pytest.mark.parametrize("a", [np.eye(3), [[1.0, np.inf], [0.0, 1.0]], [1.0, 2.0]])
def test_eigen_stability_rejects_bad_matrices(a):
    with pytest.raises(ValueError, match="a must"):
        toolkit.eigen_stability(a)


def test_clearance_widget_reports_half_life_and_target_time():
    view = toolkit.clearance_view(0.03, 300.0)
    assert "halves every 23 min" in view.text and "after 65 min" in view.text
    assert view.figure is not None and view.alt
    assert "starts at or below 120" in toolkit.clearance_view(0.03, 110.0).text


def _prerequisites(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for c in cells:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown" and "## Prerequisites" in src:
            return src.split("## Prerequisites", 1)[1]
    return ""


@pytest.mark.parametrize("path", LATER, ids=lambda p: p.stem)
def test_later_chapters_name_the_toolkit_sections_they_use(path):
    pre = _prerequisites(path)
    m = re.search(r"\*\*Toolkit \(chapter 01\):\*\*([^\n]*)", pre)
    assert m, f"{path.name}: prerequisites do not name the toolkit sections (**Toolkit (chapter 01):** §…)"
    sections = {int(s) for s in re.findall(r"§(\d)", m.group(1))}
    assert sections and sections <= {1, 2, 3, 4, 5}, f"{path.name}: toolkit sections {sections}"


def test_toolkit_chapter_has_the_five_sections():
    nb = json.loads((REPO_ROOT / "notebooks" / "01_python_toolkit.ipynb").read_text(encoding="utf-8"))
    headings = [ln for c in nb["cells"] if c["cell_type"] == "markdown"
                for ln in "".join(c["source"]).splitlines() if ln.startswith("## ")]
    for n, word in enumerate(["NumPy", "matplotlib", "pandas", "SciPy", "Eigenvalues"], start=1):
        assert any(h.startswith(f"## {n}. {word}") for h in headings), f"section {n} ({word}) missing: {headings}"
