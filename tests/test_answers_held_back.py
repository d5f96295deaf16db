"""Answers held back (issue 12, item 6): the committed student notebooks reveal no graded value.

Every saved output (text, Markdown, HTML, widget views) and all notebook and cell metadata (saved widget state
included) of ``exercises/NN_*_exercises.ipynb`` are scanned for the expected value of every exercise, as the
graders register it (``Exercise.secrets``), written at the usual precisions.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import pytest

from mgcourse import REPO_ROOT
from mgcourse.checks import all_exercises

STUDENT_NOTEBOOKS = sorted((REPO_ROOT / "exercises").glob("[0-9][0-9]_*_exercises.ipynb"))


def _renderings(v: float) -> set[str]:
    """How a graded number would be printed: 3 significant figures and 1–3 decimals (not bare small integers)."""
    out = {f"{v:.3g}", f"{v:.2f}", f"{v:.3f}"}
    if abs(v) >= 10:
        out |= {f"{v:.1f}"}
    if abs(v) >= 100 and abs(v - round(v)) > 1e-6:  # a non-integer answer shown rounded, e.g. 271 for 270.8
        out |= {f"{v:.0f}"}
    return {s for s in out if re.search(r"[1-9]", s) and len(s.replace("-", "").replace(".", "")) >= 3}


def _graded_values(chapter: str) -> dict[str, set[str]]:
    """The chapter's graded numbers: the expected values of its compute exercises."""
    values = {}
    for ex in all_exercises().values():
        if not ex.id.startswith(chapter + ".") or ex.kind != "compute":
            continue
        for v in ex.secrets:
            if isinstance(v, (int, float)) and math.isfinite(v) and abs(v) > 1e-9:
                values.setdefault(ex.id, set()).update(_renderings(float(v)))
    return values


def _saved_text(nb) -> str:
    """Everything a reader of the stored notebook can see besides the sources: outputs and metadata."""
    parts = [json.dumps(nb.metadata, ensure_ascii=False)]
    for cell in nb.cells:
        parts.append(json.dumps(cell.get("metadata", {}), ensure_ascii=False))
        for out in cell.get("outputs", []):
            parts.append(json.dumps({k: v for k, v in out.items() if k != "data"}, ensure_ascii=False))
            for mime, data in out.get("data", {}).items():
                if not mime.startswith("image/"):
                    parts.append(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return "\n".join(parts)


def test_the_scan_finds_a_value_that_is_there():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", text="HOMA-IR 1.17\n")]
    nb.cells.append(cell)
    nb.metadata["widgets"] = {"state": {"m": {"value": "elemental 482.4 mg"}}}
    text = _saved_text(nb)
    assert re.search(r"(?<![\d.])1\.17(?![\d])", text) and "482.4" in text


def _given_text(nb) -> str:
    """What the learner is given anyway: the notebook's sources, the exercise titles and the case records."""
    from mgcourse import capstone

    return "\n".join([c.source for c in nb.cells] + [ex.title for ex in all_exercises().values()]
                     + [repr(capstone.CASES)])


#: Known leaks, reported to the lead (issue 12): remove the entry when fixed (the test then must pass).
KNOWN: dict[str, str] = {}


def _find(s: str, text: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", text) is not None


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[p.name[:2]], strict=True))
                                  if p.name[:2] in KNOWN else p for p in STUDENT_NOTEBOOKS],
                         ids=lambda p: p.name[:2])
def test_committed_student_notebook_reveals_no_graded_value(path: Path):
    nb = nbformat.read(path, as_version=4)
    text = re.sub(r"[A-Za-z0-9+/=]{60,}", " ", _saved_text(nb))  # drop base64 images
    text = re.sub(r"\d+px", " ", text)  # CSS sizes of saved widget layouts
    given = _given_text(nb)
    leaks = []
    for ex_id, shown in _graded_values(path.name[:2]).items():
        for s in shown:
            if _find(s, text) and not _find(s, given):
                leaks.append(f"{ex_id}: {s}")
    assert not leaks, f"{path.name} shows graded values in its outputs or metadata: {sorted(leaks)[:10]}"
