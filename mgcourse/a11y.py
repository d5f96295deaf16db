"""Accessible names for the course's controls in JupyterLab (course design, section 6).

ipywidgets 8.1 (checked in 8.1.9 with JupyterLab 4.6) names a ``Dropdown``'s
``<select>``, a ``Text``'s ``<input>`` and a ``Checkbox`` from their
``description`` (a ``<label for=…>`` or a wrapping ``<label>``), but a slider's
handle (``role="slider"``, made by noUiSlider) gets **no accessible name** and
no API to give it one (no ``aria-label`` trait; ``tooltip`` only sets the
label's ``title``; noUiSlider's ``handleAttributes`` option is not exposed).
Its ``aria-valuetext`` is the raw float ("5.069999999999999").

:func:`enable_control_names` (called by ``style.apply()``) displays a few lines of
JavaScript that give every slider handle on the page the text of its
widget's label as ``aria-label`` and the formatted readout (e.g. "5.07") as
``aria-valuetext``, and keep them up to date (a ``MutationObserver``).
A live figure (an ipympl canvas, ``.jupyter-matplotlib-canvas-div``) in a panel
gets ``role="img"`` and, as ``aria-label``, the text of the element with class
``mgcourse-figure-alt`` in the same panel (e.g. a ``W.HTML`` caption with
``_dom_classes=("mgcourse-figure-alt",)`` holding the view's ``alt`` sentence);
canvases have no ``alt`` of their own.

JupyterLab runs ``application/javascript`` outputs of trusted notebooks only
(a notebook's outputs are trusted once you run it); in an untrusted notebook
nothing runs and the output shows its plain-text line.
"""

from __future__ import annotations

#: The script: idempotent (guarded by ``window.__mgcourseControlNames``), batched per animation frame.
CONTROL_NAMES_JS = r"""(() => {
  if (window.__mgcourseControlNames) { return; }
  window.__mgcourseControlNames = true;
  const name = () => {
    for (const box of document.querySelectorAll('.widget-slider')) {
      const handle = box.querySelector('.noUi-handle[role="slider"]');
      if (!handle) { continue; }
      const label = box.querySelector('.widget-label');
      const text = label ? label.textContent.replace(/\s+/g, ' ').trim() : '';
      if (text && handle.getAttribute('aria-label') !== text) { handle.setAttribute('aria-label', text); }
      const readout = box.querySelector('.widget-readout');
      const value = readout ? readout.textContent.trim() : '';
      if (value && handle.getAttribute('aria-valuetext') !== value) { handle.setAttribute('aria-valuetext', value); }
    }
    // a live (ipympl) figure: its canvas becomes an image named by the panel's figure description
    for (const fig of document.querySelectorAll('.jupyter-matplotlib-canvas-div')) {
      const panel = fig.closest('.widget-vbox');
      const alt = panel ? panel.querySelector('.mgcourse-figure-alt') : null;
      const text = alt ? alt.textContent.replace(/\s+/g, ' ').trim() : '';
      if (!text) { continue; }
      if (fig.getAttribute('role') !== 'img') { fig.setAttribute('role', 'img'); }
      if (fig.getAttribute('aria-label') !== text) { fig.setAttribute('aria-label', text); }
    }
    // a panel's readout scrolls when it is long: reachable with Tab (to scroll with the arrow keys) and named
    for (const region of document.querySelectorAll('.mgcourse-panel-text')) {
      if (region.getAttribute('tabindex') !== '0') { region.setAttribute('tabindex', '0'); }
      if (region.getAttribute('role') !== 'region') { region.setAttribute('role', 'region'); }
      if (!region.getAttribute('aria-label')) { region.setAttribute('aria-label', 'panel readout'); }
    }
    // an output wider or taller than its cell (a wide table) scrolls: make it reachable with Tab as well
    for (const out of document.querySelectorAll('.jp-OutputArea-output.jp-RenderedHTMLCommon')) {
      const scrolls = out.scrollWidth > out.clientWidth + 1 || out.scrollHeight > out.clientHeight + 1;
      if (scrolls && out.getAttribute('tabindex') !== '0') {
        out.setAttribute('tabindex', '0');
        out.setAttribute('role', 'region');
        out.setAttribute('aria-label', 'output (scrolls)');
      }
    }
  };
  let queued = false;
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; name(); }); } };
  new MutationObserver(later).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                      attributes: true, attributeFilter: ['aria-valuetext']});
  name();
})();"""

#: What an untrusted notebook, a text front end and nbval see instead of the script.
CONTROL_NAMES_TEXT = "(Accessibility helper: slider handles get the names of their labels.)"

def control_names_bundle() -> dict:
    """The display bundle of the helper: the script and its one-line plain-text form."""
    return {"application/javascript": CONTROL_NAMES_JS, "text/plain": CONTROL_NAMES_TEXT}


def enable_control_names(shell=None) -> bool:
    """Display the slider-naming script (no-op outside a Jupyter kernel). Returns True if shown.

    Shown each time (the script itself runs once per page), so re-running a
    setup cell after reloading the page brings the names back.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    from IPython.display import display

    display(control_names_bundle(), raw=True)
    return True
