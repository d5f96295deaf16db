"""Every chapter notebook, as a learner uses it: in JupyterLab, in a real Chromium.

For each ``notebooks/NN_*.ipynb`` (one JupyterLab server for the session, on a
temporary copy of the notebooks):

1. open it, wait for its kernel, *Run All*, wait until its own kernel is idle
   (the notebook's session in the page and ``/api/sessions`` on the server);
2. assert that every non-empty code cell ran, in order, and that no error
   output is shown (no ``error`` output in the notebook model; no stderr output
   ``.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]``
   holding a traceback, which is how JupyterLab 4 renders errors);
3. save a full-page screenshot to ``artifacts/screenshots/<notebook>.png`` (long notebooks in
   parts, ``<notebook>-part2.png`` …; on a failure also ``<notebook>-failure.png``);
4. drive the chapter's main widget: the first ``panel(...)`` of the notebook
   (or the one named in :data:`MAIN_PANEL`). With a slider: focus its handle,
   press End (Home if already at its maximum), and assert that the readout shows the new value and that the
   figure changed (a new frame drawn on its ipympl ``<canvas>``, or a new ``img`` ``src`` with the inline
   backend), with no error. A panel without a slider gets the same test through its first text box (type a
   value + Enter) or dropdown, asserting that the output changed. These tests check function only, with a
   generous timeout (:data:`RESPONSE_S`); speed is measured by ``python -m mgcourse.tools.bench --browser``.

Run only these tests:  ``python -m pytest tests/browser -p no:nbval -o addopts=""``
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from labserver import REPO_ROOT

#: Generous time a widget has to respond (function, not speed: a 2 s budget failed CI on a loaded machine,
#: issue 14; latency is reported by the browser benchmark).
RESPONSE_S = 60.0
#: Seconds a notebook may take for Run All in the browser.
RUN_ALL_TIMEOUT_S = 240
#: Optional: notebook file name -> registered widget name of its main panel.
#: Without an entry the main widget is the first ``panel(`` call in the notebook.
MAIN_PANEL: dict[str, str] = {}

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

PANEL_CALL = re.compile(r"""\bpanel\(\s*(?:name\s*=\s*)?["']([^"']+)["']""")


def main_panel_cell(nb_path: Path) -> tuple[int, str] | None:
    """(index among all cells, widget name) of the notebook's main ``panel(...)`` cell, or None."""
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    wanted = MAIN_PANEL.get(nb_path.name)
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        for m in PANEL_CALL.finditer(src):
            if wanted is None or m.group(1) == wanted:
                return i, m.group(1)
    return None


# ----------------------------------------------------------------------------- page helpers
JS_KERNEL_STATUS = "() => window.__mgcourseNotebook?.sessionContext?.session?.kernel?.status ?? null"

JS_NOTEBOOK_STATE = """() => {
  const panel = window.__mgcourseNotebook;
  const cells = panel.content.widgets;
  const out = {kernel: panel.sessionContext.session?.kernel?.status ?? null, cells: []};
  for (const c of cells) {
    const m = c.model;
    const row = {type: m.type, empty: m.sharedModel.getSource().trim() === ''};
    if (m.type === 'code') {
      row.count = m.executionCount;
      row.prompt = (c.node.querySelector('.jp-InputArea-prompt') || {}).textContent || '';
      row.errors = m.outputs.toJSON().filter(o => o.output_type === 'error')
                    .map(o => o.ename + ': ' + o.evalue);
    }
    out.cells.push(row);
  }
  return out;
}"""

JS_TRACEBACKS_IN_DOM = """() => Array.from(window.__mgcourseNotebook.node.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
  .map(e => e.textContent).filter(t => /Traceback|Error:/.test(t)).map(t => t.slice(0, 600))"""


def open_and_run_all(page, lab, name: str) -> dict:
    # open the notebook in the running Lab page (as File > Open would), wait until its own kernel,
    # started from the notebook's kernelspec, is idle
    page.evaluate("""async path => {
        const w = await window.jupyterapp.commands.execute('docmanager:open', {path: path, factory: 'Notebook'});
        window.jupyterapp.shell.activateById(w.id);
        window.__mgcourseNotebook = w;
        await w.context.ready;
    }""", f"notebooks/{name}")
    page.wait_for_function(f"() => ({JS_KERNEL_STATUS})() === 'idle' && "
                           f"window.__mgcourseNotebook.context.path.endsWith({json.dumps(name)})",
                           timeout=90_000)
    t0 = time.perf_counter()
    ok = page.evaluate("async () => { window.jupyterapp.shell.activateById(window.__mgcourseNotebook.id); "
                       "return await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    # Run All resolves when the last cell has replied; then the notebook's own kernel must be idle,
    # in the page and on the server, twice in a row.
    deadline = time.monotonic() + RUN_ALL_TIMEOUT_S
    stable = 0
    while stable < 2:
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}: kernel still busy {RUN_ALL_TIMEOUT_S} s after Run All")
        state = page.evaluate(JS_NOTEBOOK_STATE)
        busy = any("*" in c.get("prompt", "") for c in state["cells"])
        idle = state["kernel"] == "idle" and not busy and lab.kernel_state(name) == "idle"
        stable = stable + 1 if idle else 0
        time.sleep(0.25)
    state["run_all_ok"] = ok
    state["seconds"] = time.perf_counter() - t0
    return state


def full_page_screenshot(page, path: Path) -> list[Path]:
    """Screenshots of the whole notebook, top to bottom, with the viewport stretched to its height.

    Chromium caps one image at 16,000 px, so a longer notebook is saved in parts
    (``NN_name.png``, ``NN_name-part2.png`` …). Returns the files written.
    """
    max_h = 15_000
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    total, top = page.evaluate("""() => {
      const nb = window.__mgcourseNotebook.content.node;
      const scroller = nb.querySelector('.jp-WindowedPanel-outer') || nb;
      return [scroller.scrollHeight, Math.ceil(nb.getBoundingClientRect().top)];
    }""")
    chunk = min(int(total), max_h)
    page.set_viewport_size({"width": 1280, "height": max(900, chunk + top + 40)})
    for old in path.parent.glob(f"{path.stem}-part*.png"):
        old.unlink()
    written = []
    for k, offset in enumerate(range(0, int(total), chunk)):
        page.evaluate("""y => { const nb = window.__mgcourseNotebook.content.node;
                               (nb.querySelector('.jp-WindowedPanel-outer') || nb).scrollTop = y; }""", offset)
        page.wait_for_timeout(200)
        target = path if k == 0 else path.with_name(f"{path.stem}-part{k + 1}.png")
        page.screenshot(path=str(target), full_page=True)
        written.append(target)
    page.set_viewport_size({"width": 1280, "height": 900})
    return written


#: Installed before Lab loads: each canvas counts the frames drawn on it (ipympl draws every new figure so).
COUNT_CANVAS_FRAMES = """(() => {
  const orig = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    this.canvas.__mgDraws = (this.canvas.__mgDraws || 0) + 1;
    return orig.apply(this, args);
  };
})();"""


def _output_signature(cell) -> dict:
    return cell.evaluate("""c => {
      const box = c.querySelector('.widget-vbox') || c;
      const out = box.querySelector('.widget-output') || box;
      const imgs = Array.from(box.querySelectorAll('.widget-output img')).map(i => i.getAttribute('src') || '');
      const frames = Array.from(box.querySelectorAll('canvas')).reduce((n, k) => n + (k.__mgDraws || 0), 0);
      return {imgs: imgs, text: out.innerText, frames: frames,
              canvas: box.querySelectorAll('canvas').length > 0};
    }""")


def wait_within(page, what: str, js: str, arg, t0: float) -> float:
    """Wait until ``js(arg)`` is true; fail if nothing happens within RESPONSE_S seconds after ``t0``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    remaining = max(0.05, RESPONSE_S - (time.perf_counter() - t0))
    try:
        page.wait_for_function(js, arg=arg, timeout=remaining * 1000)
        return time.perf_counter() - t0
    except PlaywrightTimeout:
        raise AssertionError(f"{what}: no response within {RESPONSE_S:.0f} s") from None


def drive_main_widget(page, nb_path: Path) -> str:
    """Move the first control of the main panel; return a one-line description of what was checked."""
    found = main_panel_cell(nb_path)
    if found is None:
        pytest.skip(f"{nb_path.name} has no panel(...) call (no main widget to drive)")
    index, widget = found
    # mark the cell's node through the notebook widget (robust to JupyterLab's cell windowing)
    page.evaluate("([i, tag]) => window.__mgcourseNotebook.content.widgets[i].node"
                  ".setAttribute('data-mgcourse-main-panel', tag)", [index, nb_path.stem])
    cell = page.locator(f'[data-mgcourse-main-panel="{nb_path.stem}"]')
    cell.scroll_into_view_if_needed()
    box = cell.locator(".widget-vbox").first
    box.wait_for(state="visible", timeout=10_000)
    before = _output_signature(cell)
    sliders = box.locator(".widget-slider")
    if sliders.count():
        slider = sliders.first
        handle = slider.locator(".noUi-handle").first
        readout = slider.locator(".widget-readout").first
        label = slider.locator(".widget-label").first.inner_text()
        vmax = float(handle.get_attribute("aria-valuemax"))
        vmin = float(handle.get_attribute("aria-valuemin"))
        now = float(handle.get_attribute("aria-valuenow"))
        key, target = ("End", vmax) if now < vmax else ("Home", vmin)
        old_readout = readout.inner_text()
        handle.focus()
        t0 = time.perf_counter()
        handle.press(key)
        # the readout shows the new value ...
        wait_within(page, f"{widget}: slider readout shows {target:g}",
            """([el, target]) => { let v = parseFloat(el.textContent.replace(/[^0-9eE.+-]/g, ''));
                                   if (el.textContent.includes('%')) v = v / 100;
                                   return Math.abs(v - target) <= 1e-6 + 1e-3 * Math.abs(target); }""",
            [readout.element_handle(), target], t0)
        # ... and the figure (or, without a figure, the output text) changed
        what = "figure changed" if (before["imgs"] or before["canvas"]) else "output text changed"
        dt = wait_within(page, f"{widget}: {what} after the slider move",
            """([c, before]) => { const box = c.querySelector('.widget-vbox') || c;
                const out = box.querySelector('.widget-output') || box;
                const imgs = Array.from(box.querySelectorAll('.widget-output img')).map(i => i.getAttribute('src') || '');
                const frames = Array.from(box.querySelectorAll('canvas')).reduce((n, k) => n + (k.__mgDraws || 0), 0);
                if (before.canvas) return frames > before.frames;
                if (before.imgs.length) return imgs.length > 0 && imgs.join('|') !== before.imgs.join('|');
                return out.innerText !== before.text && out.innerText.trim() !== ''; }""",
            [cell.element_handle(), before], t0)
        # ... and the readout text changed too, with no error shown in the panel
        page.wait_for_function("""([c, before]) => { const box = c.querySelector('.widget-vbox') || c;
                const out = box.querySelector('.widget-output') || box;
                return out.innerText !== before.text; }""", arg=[cell.element_handle(), before],
                               timeout=RESPONSE_S * 1000)
        errors = cell.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count()
        assert errors == 0, f"{widget}: an error was shown after the slider move"
        return f"{widget}: slider {label!r} {old_readout} -> {readout.inner_text()} ({key}), output changed in {dt:.2f} s"
    texts = box.locator(".widget-text input")
    dropdowns = box.locator(".widget-dropdown select")
    if texts.count():
        field = texts.first
        new_value = "250" if field.input_value().strip() != "250" else "125"
        field.fill(new_value)
        t0 = time.perf_counter()
        field.press("Enter")
        dt = wait_within(page, f"{widget}: output shows the typed value {new_value}",
            """([c, before, v]) => { const box = c.querySelector('.widget-vbox') || c;
                const out = box.querySelector('.widget-output') || box;
                return out.innerText !== before.text && out.innerText.includes(v); }""",
            [cell.element_handle(), before, new_value], t0)
        return f"{widget}: text box set to {new_value}, output shows it after {dt:.2f} s"
    if dropdowns.count():
        select = dropdowns.first
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.options[s.selectedIndex].text")
        other = next(o for o in options if o != current)
        t0 = time.perf_counter()
        select.select_option(label=other)
        dt = wait_within(page, f"{widget}: output changed after the dropdown choice",
            """([c, before]) => { const box = c.querySelector('.widget-vbox') || c;
                const out = box.querySelector('.widget-output') || box;
                const imgs = Array.from(box.querySelectorAll('.widget-output img')).map(i => i.getAttribute('src') || '');
                const frames = Array.from(box.querySelectorAll('canvas')).reduce((n, k) => n + (k.__mgDraws || 0), 0);
                return out.innerText !== before.text || imgs.join('|') !== before.imgs.join('|')
                       || frames > before.frames; }""",
            [cell.element_handle(), before], t0)
        return f"{widget}: dropdown {current!r} -> {other!r}, output changed in {dt:.2f} s"
    raise AssertionError(f"{widget}: the panel shows no slider, text box or dropdown")


# ----------------------------------------------------------------------------- the test
@pytest.mark.skipif(not NOTEBOOKS, reason="no chapter notebooks in notebooks/ yet")
@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_lab(nb_path, lab, page, artifacts_dir, record_property):
    name = nb_path.name
    t_start = time.perf_counter()
    (artifacts_dir / f"{nb_path.stem}-failure.png").unlink(missing_ok=True)
    try:
        state = open_and_run_all(page, lab, name)
        full_page_screenshot(page, artifacts_dir / f"{nb_path.stem}.png")

        code = [c for c in state["cells"] if c["type"] == "code" and not c["empty"]]
        errors = [e for c in code for e in c["errors"]]
        assert not errors, f"{name}: error output(s) in JupyterLab: {errors}"
        tracebacks = page.evaluate(JS_TRACEBACKS_IN_DOM)
        assert not tracebacks, f"{name}: traceback shown in JupyterLab:\n" + "\n---\n".join(tracebacks)
        not_run = [i for i, c in enumerate(code) if c["count"] is None]
        assert not not_run, f"{name}: code cells {not_run} did not run (Run All stopped early)"
        counts = [c["count"] for c in code]
        assert counts == list(range(1, len(code) + 1)), f"{name}: execution counts {counts} are not 1..{len(code)}"
        record_property("run_all_seconds", round(state["seconds"], 2))

        checked = drive_main_widget(page, nb_path)
        record_property("main_widget", checked)
        print(f"{name}: Run All {state['seconds']:.1f} s; {checked}")
        print(f"{name}: whole test {time.perf_counter() - t_start:.1f} s")
    except Exception:
        try:
            full_page_screenshot(page, artifacts_dir / f"{nb_path.stem}-failure.png")
        except Exception:  # pragma: no cover - best effort
            pass
        raise
    finally:
        lab.shutdown_session(name)
