"""Accessibility of the course in JupyterLab, in a real Chromium (issue 14, item 6; course design, section 6).

1. :func:`test_notebook_content_passes_axe` — one chapter notebook with many panels (:data:`AUDITED`) is run
   (Run All) and every panel is rendered; then axe-core (from npm, ``npm ci``) audits **the course's own
   content**: every cell's rendered Markdown and every output area (figures, tables, the widget panels with
   their controls). Zero serious or critical violations are allowed, and every figure must have its
   description in ``alt``.

   Excluded on purpose — JupyterLab's own chrome, which the course cannot change and which has violations
   of its own in JupyterLab 4.6 (seen with axe-core 4.11): the notebook toolbar (``aria-allowed-attr`` on
   the Validate/Debugger ``jp-button``), the cell list (``aria-required-children`` on its ``role="feed"``),
   the code editors (``aria-input-field-name`` on CodeMirror's ``role="textbox"``, ``scrollable-region-
   focusable``), the collapse-heading buttons (``button-name``) and the execution-count prompts. The audit
   therefore includes only ``.jp-MarkdownOutput`` and ``.jp-OutputArea-output`` nodes.

2. :func:`test_main_panel_works_from_the_keyboard` — for each chapter with a panel: Run All, then, with the
   keyboard only, reach the panel's slider with Tab, change it with the arrow keys, and check that the
   value, the readout, the value a screen reader announces (``aria-valuetext``, the rounded readout) and
   the figure (or, without a figure, the output text) change; and that the panel's controls all have
   accessible names (axe on the panel). Focus starts at the top of the panel's output, as after reading
   down to it; from there only ``Tab``, ``Shift+Tab`` and arrow keys are used.

Function only, generous timeouts, no latency assertion (speed is for the benchmark).
Run only these tests:  ``python -m pytest tests/browser/test_lab_accessibility.py -p no:nbval -o addopts=""``
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from labserver import REPO_ROOT
from test_notebooks_in_lab import NOTEBOOKS, main_panel_cell, open_and_run_all

#: The notebook audited as a whole: the chapter with the most kinds of controls (sliders, dropdown, text, checkbox).
AUDITED = "02_insulin_signalling.ipynb"
#: Seconds to wait for anything the kernel has to do (generous: 2 cores shared with other work).
WAIT_S = 90
#: Impacts that fail the audit.
FAILING_IMPACTS = ("serious", "critical")




# ----------------------------------------------------------------------------- helpers
JS_PANELS_READY = """() => {
  const nb = window.__mgcourseNotebook.content.node;
  const boxes = Array.from(nb.querySelectorAll('.jp-OutputArea-output .widget-vbox'));
  if (!boxes.length) return false;
  // every panel shows its output (a figure, a table or text), and every slider handle has its name
  // (a box without an output widget is a plain demo of a control, not a course panel)
  const filled = boxes.every(b => { const o = b.querySelector('.widget-output');
                                    return !o || o.querySelector('img, canvas') || o.innerText.trim(); });
  const handles = Array.from(nb.querySelectorAll('.noUi-handle[role="slider"]'));
  return filled && handles.every(h => (h.getAttribute('aria-label') || '').trim());
}"""

JS_AXE_CONTENT = """async ([scope, impacts]) => {
  const root = scope ? document.querySelector(scope) : window.__mgcourseNotebook.content.node;
  const include = Array.from(root.querySelectorAll('.jp-MarkdownOutput, .jp-OutputArea-output'))
                       .filter(n => !n.parentElement.closest('.jp-OutputArea-output'));
  if (!include.length) return {checked: 0, violations: []};
  const r = await axe.run({include: include}, {resultTypes: ["violations"]});
  return {checked: include.length,
          violations: r.violations.filter(v => impacts.includes(v.impact)).map(v =>
              `${v.id} (${v.impact}) x${v.nodes.length}: ${v.help}; e.g. ${v.nodes[0].html.slice(0, 200)}`)};
}"""

JS_IMAGES = """() => Array.from(window.__mgcourseNotebook.content.node.querySelectorAll(
    '.jp-OutputArea-output img')).map(i => ({alt: i.getAttribute('alt'), src: (i.getAttribute('src') || '').slice(0, 22)}))"""

JS_PANEL_SIGNATURE = """c => {
  const box = c.querySelector('.widget-vbox') || c;
  const out = box.querySelector('.widget-output') || box;
  const imgs = Array.from(out.querySelectorAll('img')).map(i => i.getAttribute('src') || '');
  const canvases = Array.from(out.querySelectorAll('canvas')).map(k => { try { return k.toDataURL(); }
                                                                         catch (e) { return ''; } });
  return {figures: imgs.concat(canvases), text: out.innerText};
}"""


def _run(page, lab, name: str) -> None:
    state = open_and_run_all(page, lab, name)
    errors = [e for c in state["cells"] if c["type"] == "code" for e in c.get("errors", [])]
    assert not errors, f"{name}: error output(s) after Run All: {errors}"
    page.wait_for_function(JS_PANELS_READY, timeout=WAIT_S * 1000)


def _axe(page, axe_source, scope: str | None = None) -> dict:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(JS_AXE_CONTENT, [scope, list(FAILING_IMPACTS)])


# ----------------------------------------------------------------------------- 1. axe on a whole notebook
def test_notebook_content_passes_axe(lab, page, axe_source):
    if not (REPO_ROOT / "notebooks" / AUDITED).is_file():
        pytest.skip(f"notebooks/{AUDITED} is missing")
    try:
        _run(page, lab, AUDITED)
        images = page.evaluate(JS_IMAGES)
        assert images, f"{AUDITED}: no figure found after Run All"
        without = [i for i in images if not (i["alt"] or "").strip() or i["alt"].strip() == "Image"]
        assert not without, f"{AUDITED}: {len(without)} of {len(images)} figures have no description in alt"
        result = _axe(page, axe_source)
        assert result["checked"] > 10, f"the audit found only {result['checked']} content nodes"
        assert not result["violations"], (f"{AUDITED}: axe-core found serious/critical violations in the "
                                          "course's content:\n" + "\n".join(result["violations"]))
    finally:
        lab.shutdown_session(AUDITED)


# ----------------------------------------------------------------------------- 2. keyboard, one panel per chapter
PANEL_NOTEBOOKS = [p for p in NOTEBOOKS if main_panel_cell(p) is not None]


def _active(page) -> dict:
    return page.evaluate("""() => { const a = document.activeElement;
        return {cls: a ? String(a.className) : '', tag: a ? a.tagName : '', role: a ? a.getAttribute('role') : null,
                inPanel: !!(a && a.closest('[data-mgcourse-keyboard-panel]'))}; }""")


@pytest.mark.skipif(not PANEL_NOTEBOOKS, reason="no chapter notebook with a panel")
@pytest.mark.parametrize("nb_path", PANEL_NOTEBOOKS, ids=[p.stem for p in PANEL_NOTEBOOKS])
def test_main_panel_works_from_the_keyboard(nb_path: Path, lab, page, axe_source):
    name = nb_path.name
    index, widget = main_panel_cell(nb_path)
    try:
        _run(page, lab, name)
        # mark the panel's cell and put the focus at the top of its output (as a reader arriving there)
        page.evaluate("""([i]) => {
            const cell = window.__mgcourseNotebook.content.widgets[i].node;
            cell.setAttribute('data-mgcourse-keyboard-panel', '1');
            const out = cell.querySelector('.jp-OutputArea-output');
            out.setAttribute('tabindex', '-1');
            out.scrollIntoView();
            out.focus();
        }""", [index])
        cell = page.locator('[data-mgcourse-keyboard-panel="1"]')
        box = cell.locator(".widget-vbox").first
        box.wait_for(state="visible", timeout=WAIT_S * 1000)

        # every control of the panel has an accessible name (and nothing else in it is serious)
        result = _axe(page, axe_source, '[data-mgcourse-keyboard-panel="1"]')
        assert not result["violations"], f"{widget}: axe-core on the panel:\n" + "\n".join(result["violations"])

        if box.locator(".noUi-handle").count() == 0:
            pytest.skip(f"{widget}: the chapter's main panel has no slider (its controls were audited above)")
        # Tab until the focus is on a slider handle of this panel
        for presses in range(1, 16):
            page.keyboard.press("Tab")
            active = _active(page)
            if active["role"] == "slider" and active["inPanel"]:
                break
        else:
            raise AssertionError(f"{widget}: 15 Tab presses never reached a slider of the panel (last: {active})")

        handle = page.locator(":focus")
        slider = cell.locator(".widget-slider", has=page.locator(".noUi-handle:focus"))
        readout = slider.locator(".widget-readout").first
        label = (handle.get_attribute("aria-label") or "").strip()
        assert label, f"{widget}: the focused slider handle has no accessible name"
        assert label == slider.locator(".widget-label").first.inner_text().strip()
        before = {"readout": readout.inner_text().strip(),
                  "output": cell.evaluate(JS_PANEL_SIGNATURE)}
        assert handle.get_attribute("aria-valuetext") == before["readout"], \
            f"{widget}: a screen reader would announce {handle.get_attribute('aria-valuetext')!r}, " \
            f"the readout shows {before['readout']!r}"
        at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
        key = "ArrowLeft" if at_max else "ArrowRight"
        for _ in range(3):
            page.keyboard.press(key)
        # (aria-valuenow is rounded to one decimal by noUiSlider, so a 0.005 step may not move it: the
        # readout and aria-valuetext are what change and what is read aloud)
        page.wait_for_function("""([r, old]) => r.textContent.trim() !== old""",
                               arg=[readout.element_handle(), before["readout"]], timeout=WAIT_S * 1000)
        # the kernel answers: the figure (or, without a figure, the output text) changes
        page.wait_for_function(f"""([c, before]) => {{ const now = ({JS_PANEL_SIGNATURE})(c);
                if (before.figures.length) return now.figures.length > 0 &&
                                                  now.figures.join('|') !== before.figures.join('|');
                return now.text.trim() !== '' && now.text !== before.text; }}""",
                               arg=[cell.element_handle(), before["output"]], timeout=WAIT_S * 1000)
        # what a screen reader announces follows the (rounded) readout, and focus stayed on the slider
        page.wait_for_function("""([h, r]) => h.getAttribute('aria-valuetext') === r.textContent.trim()""",
                               arg=[handle.element_handle(), readout.element_handle()], timeout=WAIT_S * 1000)
        assert _active(page)["role"] == "slider", f"{widget}: focus left the slider after the update"
        new = readout.inner_text().strip()
        assert not re.search(r"\d\.\d{5,}|\de[-+]?\d", new), f"{widget}: unrounded readout {new!r}"
        print(f"{name}: {widget}: {presses} Tab, 3x {key}: {label!r} {before['readout']} -> {new}")
    finally:
        lab.shutdown_session(name)


def test_audited_notebook_exists():
    """The audit must not silently audit nothing once the chapter is renamed."""
    names = [p.name for p in NOTEBOOKS]
    assert AUDITED in names, f"{AUDITED} not among {json.dumps(names)}: update AUDITED"
