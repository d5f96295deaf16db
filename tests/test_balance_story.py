"""One magnesium-balance story (issue 13, item 4): chapters 03, 04 and 09 state which renal assumption differs
and which conclusion holds for whom. This test recomputes every number those paragraphs quote and the
relationship between the models, so the text cannot drift from the models."""

import json
import re

import pytest
from scipy.optimize import brentq

from mgcourse import REPO_ROOT
from mgcourse.models import balance, cycle, cycle_analysis

LEAK_FE = 0.03  # the "renal leak" of chapter 03 (an extra 3 % of the filtered load)
CASE_A_INTAKE = 207.0  # case A's food-log intake, mg/day (chapter 09)


def markdown(stem: str, cell_id: str) -> str:
    cells = json.loads((REPO_ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if c.get("id") == cell_id)
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def numbers():
    ref = balance.steady_state(balance.Parameters()).intracellular_mg

    def cells_pct(intake, leak=0.0):
        return 100 * balance.steady_state(balance.Parameters(renal_extra_fe=leak), intake).intracellular_mg / ref

    healthy = [s for s in cycle.steady_states(cycle.Parameters(mg_intake_mg_per_day=CASE_A_INTAKE))
               if s.stable and s.glucose_mg_dl < 180]
    states_150 = cycle.steady_states(cycle.Parameters(mg_intake_mg_per_day=150.0))
    return {
        "threshold_healthy": brentq(lambda i: cells_pct(i) - 90, 10, 320),
        "threshold_leak": brentq(lambda i: cells_pct(i, LEAK_FE) - 90, 50, 1000),
        "cells_207": cells_pct(CASE_A_INTAKE),
        "cells_207_leak": cells_pct(CASE_A_INTAKE, LEAK_FE),
        "cells_150_leak": cells_pct(150, LEAK_FE),
        "fa_207": balance.fractional_absorption(CASE_A_INTAKE),
        "fa_40": balance.fractional_absorption(40),
        "pool_207": healthy[0].mg_pool if healthy else None,
        "healthy_at_150": any(s.stable and s.glucose_mg_dl < 180 for s in states_150),
        "fold": cycle_analysis.fold_intakes().healthy_lost_below_mg_per_day,
        "cycle_absorbed": cycle.Parameters().absorbed_fraction,
        "cycle_exponent": cycle.Parameters().renal_loss_exponent,
    }


def test_the_models_differ_as_the_chapters_say(numbers):
    n = numbers
    # chapter 03, healthy kidney: cells >= 90 % down to about 40 mg/day, and replete at case A's intake
    assert 35 <= n["threshold_healthy"] <= 45
    assert n["cells_207"] > 95
    # a kidney that cannot switch losses off (3 % leak) needs far more, and 207 mg/day depletes it
    assert n["threshold_leak"] > 5 * n["threshold_healthy"]
    assert n["cells_207_leak"] < 90 and n["cells_150_leak"] < n["cells_207_leak"]
    # chapter 04 (and the capstone): weak conservation, fixed absorption; depleted at 207, no healthy state at 150
    assert n["cycle_absorbed"] == 0.35 and n["cycle_exponent"] == 2.0
    assert n["pool_207"] is not None and 0.5 <= n["pool_207"] < 0.8  # the capstone's "clearly depleted"
    assert not n["healthy_at_150"]
    assert n["threshold_healthy"] < n["fold"] < CASE_A_INTAKE


def test_chapter_03_table_quotes_the_models(numbers):
    n = numbers
    text = markdown("03_magnesium_in_the_body", "ch03-story-01")
    assert f"**{round(n['cells_207'])} %** of replete" in text
    assert f"**about {round(n['threshold_healthy'], -1):.0f} mg/day**" in text
    assert f"**{round(n['cells_207_leak'])} %** (and {round(n['cells_150_leak'])} % at 150 mg/day)" in text
    assert f"about {round(n['threshold_leak'], -1):.0f} mg/day" in text
    assert f"≈ {round(100 * n['fa_207'])} % at 207 mg/day, ≈ {round(100 * n['fa_40'])} % at 40" in text
    assert f"a fixed {round(100 * n['cycle_absorbed'])} %" in text and "loss ∝ M²" in text
    assert f"M ≈ **{n['pool_207']:.2f}**" in text and f"≈ **{n['fold']:.0f} mg/day**" in text


def test_chapters_04_and_09_state_the_assumption_and_the_numbers(numbers):
    n = numbers
    ch04 = markdown("04_vicious_cycle", "ch04-story-01")
    ch09 = markdown("09_capstone", "c07-story-01")
    for text in (ch04, ch09):
        assert "M²" in text and f"{round(100 * n['cycle_absorbed'])} %" in text
        assert f"{round(n['cells_207'])} %" in text and f"{round(n['cells_207_leak'])} %" in text
        assert "cannot switch" in text
    assert f"M ≈ {n['pool_207']:.2f}" in ch04 and f"about {n['fold']:.0f} mg/day" in ch04
    assert f"about {round(n['threshold_healthy'], -1):.0f} mg/day" in ch04 and f"about {round(n['threshold_healthy'], -1):.0f} mg/day" in ch09
    # the capstone's verdict is the chapter 04 pool category at case A's intake
    from mgcourse.capstone import pool_category

    assert pool_category(n["pool_207"]).startswith("clearly depleted") and "Clearly depleted at 207 mg/day" in ch09
    assert re.search(r"fixed 35 %", ch04)
