"""Fixtures for the browser tests: one JupyterLab server and one Chromium for all of them.

They are module-scoped (there is one browser test module), so the server, its
kernels and Chromium are gone before the rest of the README's test run (nbval)
starts.

Chromium is Debian's (``apt-get install -y chromium``), driven by the Python
``playwright`` package through ``executable_path``; ``playwright install`` is
never used. Without Chromium (or without playwright) the tests are skipped
locally with the reason, but fail when ``CI=true``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labserver import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, LabServer

ARTIFACTS = REPO_ROOT / "artifacts" / "screenshots"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return (f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
                "(or set MGCOURSE_CHROMIUM to its path)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -r requirements-dev.txt)"
    return None


#: axe-core, installed from package.json by `npm ci` (the accessibility audits inject it into the page).
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source():
    """The axe-core script; skipped with the reason locally, a failure under CI=true, when it is not installed."""
    if not AXE.is_file():
        reason = "axe-core is not installed: run `npm ci` in the repository root"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser_available():
    reason = _unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    return True


@pytest.fixture(scope="module")
def lab(browser_available):
    """A JupyterLab server on a temporary copy of notebooks/ (one for all browser tests)."""
    server = LabServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(browser_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class LabPage:
    """One browser tab with JupyterLab loaded once; notebooks are opened in it one after another.

    Loading Lab's JavaScript costs ~10 s on a busy 2-core machine, so the tab is
    reused; if a test leaves it broken, the next test gets a fresh tab.
    """

    def __init__(self, browser, lab):
        self.browser, self.lab = browser, lab
        self.context = self.page = None

    def fresh(self):
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        from test_notebooks_in_lab import COUNT_CANVAS_FRAMES

        self.context.add_init_script(COUNT_CANVAS_FRAMES)  # ipympl figures: count frames drawn on each canvas
        self.page = self.context.new_page()
        self.page.goto(self.lab.url("lab?reset"), wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell && "
                                    "window.jupyterapp.commands.hasCommand('notebook:run-all-cells')",
                                    timeout=120_000)
        self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        return self.page

    def healthy(self) -> bool:
        try:
            return self.page is not None and bool(self.page.evaluate("() => !!window.jupyterapp"))
        except Exception:
            return False

    def close_all(self) -> None:
        # dispose of every open document without the "save your changes?" dialog (the copy is thrown away)
        self.page.evaluate("""() => {
            for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
                if (w.context && w.context.model) { w.context.model.dirty = false; }
                w.dispose();
            }
            window.__mgcourseNotebook = undefined;
        }""")


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    holder = LabPage(browser, lab)
    yield holder
    if holder.context is not None:
        holder.context.close()


@pytest.fixture()
def page(lab_page):
    """The Lab tab, with no notebook open; closed documents and a broken tab are cleaned up after the test."""
    pg = lab_page.page if lab_page.healthy() else lab_page.fresh()
    ok = False
    try:
        yield pg
        ok = True
    finally:
        try:
            lab_page.close_all()
        except Exception:
            ok = False
        if not ok:
            lab_page.fresh()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
