"""The static site in a real browser: no JavaScript errors on any page, maths rendered offline, and an axe-core
accessibility audit of every page with zero serious or critical violations.

axe-core comes from npm (``npm ci`` at the repository root installs the version pinned in ``package.json``;
``.ci/run`` does it). The site is built from the stored notebooks into a temporary folder and served on
127.0.0.1 only.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading

import pytest




class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser_available):
    from mgcourse.tools import site as site_tool

    html = site_tool.build(tmp_path_factory.mktemp("site"))
    httpd = socketserver.TCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                   if not {"_static", "_sources", "_images"} & set(p.parts) and p.name not in ("genindex.html",))
    yield f"http://127.0.0.1:{httpd.server_address[1]}", pages
    httpd.shutdown()
    httpd.server_close()




def _visit(browser, url: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, service_workers="block")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(800)  # widget manager and MathJax typeset after load
    return context, page, errors


def test_every_page_loads_without_javascript_errors_and_passes_axe(site, browser, axe_source):
    base, pages = site
    assert any(p.startswith("notebooks/") for p in pages) and any(p.startswith("exercises/") for p in pages)
    problems = []
    for rel in pages:
        context, page, errors = _visit(browser, f"{base}/{rel}")
        try:
            if errors:
                problems.append(f"{rel}: console errors {errors[:3]}")
            page.add_script_tag(content=axe_source)
            violations = page.evaluate(
                """async () => {
                    const r = await axe.run(document, {resultTypes: ['violations']});
                    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes[0].target.join(' ')}`);
                }""")
            if violations:
                problems.append(f"{rel}: axe {violations[:3]}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_maths_renders_offline(site, browser):
    base, pages = site
    chapter = next(p for p in pages if p.startswith("notebooks/02_"))
    context, page, errors = _visit(browser, f"{base}/{chapter}")
    try:
        src = page.evaluate("Array.from(document.scripts).map(s => s.src).filter(s => s.includes('mathjax'))")
        assert src and all(s.startswith(base) for s in src), f"MathJax must be served by the site itself: {src}"
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("mjx-container").count() > 0, "no typeset maths on the insulin chapter"
        body = page.inner_text("article")
        assert "\\(S_I\\)" not in body and "$S_I$" not in body, "raw TeX left on the page"
    finally:
        context.close()
