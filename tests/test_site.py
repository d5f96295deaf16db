"""The static site (``python -m mgcourse.tools.site build``) and the guarded Colab setup cell.

The site is built once per test session into a temporary folder outside the
repository (nothing for nbval to collect), from the stored outputs, and then:
every chapter and exercise notebook has its page, every internal link and every
local resource (page, image, script, stylesheet, anchor) resolves, and every
figure image carries its one-sentence description as ``alt`` text.
"""

from __future__ import annotations

import ast
import html.parser
import shutil
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from mgcourse import REPO_ROOT
from mgcourse.tools import site
from mgcourse.tools.runner import course_notebooks

CHAPTERS = course_notebooks()


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "script", "link", "source", "iframe"):
                self.links.append((tag, a[key]))
        if tag == "img":
            self.images.append(a)


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    if not CHAPTERS:
        pytest.skip("no chapter notebooks yet")
    pytest.importorskip("sphinx", reason="sphinx, myst-nb and sphinx-book-theme are in requirements-dev.txt")
    pytest.importorskip("myst_nb")
    out = tmp_path_factory.mktemp("site")
    html_dir = site.build(out)
    yield html_dir
    shutil.rmtree(out, ignore_errors=True)


def _pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def test_every_chapter_and_exercise_has_a_page(built_site):
    assert (built_site / "index.html").is_file()
    for folder, notebooks in site.site_notebooks().items():
        for nb in notebooks:
            page = built_site / folder / f"{nb.stem}.html"
            assert page.is_file(), f"no page for {folder}/{nb.name}"
            index = (built_site / "index.html").read_text(encoding="utf-8")
            assert f'{folder}/{nb.stem}.html' in index, f"{folder}/{nb.name} is not linked from the home page"


def test_internal_links_resolve(built_site):
    broken = []
    parsed: dict[Path, _Page] = {}
    for page in _pages(built_site):
        parsed[page] = parsed.get(page) or _parse(page)
        for tag, url in parsed[page].links:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            if not parts.path:  # "#anchor" on the same page
                if parts.fragment and parts.fragment not in parsed[page].ids:
                    broken.append(f"{page.relative_to(built_site)}: {url} (no such anchor)")
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: <{tag}> {url}")
                continue
            if parts.fragment and target.suffix == ".html":
                parsed[target] = parsed.get(target) or _parse(target)
                if parts.fragment not in parsed[target].ids:
                    broken.append(f"{page.relative_to(built_site)}: {url} (no such anchor)")
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(sorted(set(broken)))


def test_no_sphinx_reference_warnings(built_site):
    """Links between notebooks that Sphinx could not resolve (e.g. to an exercise notebook that does not exist)."""
    warnings = (built_site.parent / "warnings.txt").read_text(encoding="utf-8")
    missing = [w for w in warnings.splitlines() if "xref_missing" in w or "toc.not_readable" in w]
    assert not missing, "unresolved cross-references:\n" + "\n".join(missing)


def test_every_figure_has_a_description(built_site):
    missing = []
    for page in _pages(built_site):
        if page.name in ("genindex.html", "search.html"):
            continue
        for img in _parse(page).images:
            alt = (img.get("alt") or "").strip()
            if len(alt) < 10 or alt.lower() in ("image", "figure", "png"):
                missing.append(f"{page.relative_to(built_site)}: <img src={img.get('src', '')[:60]!r} alt={alt!r}>")
    assert not missing, f"{len(missing)} image(s) without a description:\n" + "\n".join(missing)


def test_site_is_self_contained(built_site):
    """No page loads a script from the network: MathJax is vendored, and no widget JavaScript is needed."""
    remote = []
    for page in _pages(built_site):
        for tag, url in _parse(page).links:
            if tag == "script" and urllib.parse.urlsplit(url).scheme in ("http", "https"):
                remote.append(f"{page.relative_to(built_site)}: {url}")
    assert not remote, "remote scripts:\n" + "\n".join(remote)
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_widget_panels_show_their_figure_and_say_run_the_notebook(built_site):
    """The site runs no kernel: every panel shows its figure (or its note) and says how to explore it."""
    from mgcourse.tools.site import PANEL_NOTE

    note = PANEL_NOTE.strip("*").split(":")[0]  # "Interactive panel"
    pages = {p.name: p.read_text(encoding="utf-8") for p in _pages(built_site)}
    chapter = pages["04_vicious_cycle.html"]
    assert chapter.count(note) >= 3, "the cycle chapter's panels must each carry the run-the-notebook note"
    for name, text in pages.items():
        assert "application/vnd.jupyter.widget-view+json" not in text, f"{name}: a widget view with no kernel"


# --------------------------------------------------------------------------- Colab setup cell
def test_colab_cell_source_is_guarded():
    src = site.colab_cell_source("https://github.com/example/course")
    assert site.colab_cell_problems(src) == []
    ast.parse(src)
    with pytest.raises(ValueError, match="repo_url"):
        site.colab_cell_source("not a url")
    assert site.colab_cell_problems("import subprocess\nsubprocess.run(['pip', 'install', 'x'])")


def test_add_colab_cell_is_idempotent(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "99_test.ipynb"
    nbformat.write(nb, path)
    url = "https://github.com/example/course"
    assert site.add_colab_cell(path, url) == "inserted"
    first = path.read_text(encoding="utf-8")
    assert site.add_colab_cell(path, url) == "unchanged"
    assert path.read_text(encoding="utf-8") == first
    nb2 = nbformat.read(path, as_version=4)
    assert [c.cell_type for c in nb2.cells] == ["markdown", "code", "code"]
    assert site.find_colab_cell(nb2) == 1 and nb2.cells[2].source == "x = 1"
    assert site.add_colab_cell(path, "https://github.com/example/other") == "updated"
    assert len(nbformat.read(path, as_version=4).cells) == 3


def _run_cell(source, monkeypatch, *, in_colab, clone_exists=False, loaded=None):
    """Execute the setup cell with the outside world replaced by recorders; return what it did."""
    import os
    import subprocess
    import sys
    import types

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(("run", list(cmd), kw)))
    monkeypatch.setattr(os, "chdir", lambda path: calls.append(("chdir", path)))
    real_isdir = os.path.isdir
    monkeypatch.setattr(os.path, "isdir",
                        lambda path: clone_exists if path == site.COLAB_CLONE_DIR else real_isdir(path))
    monkeypatch.setattr(sys, "path", list(sys.path))
    if in_colab:
        output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append(("widgets",)))
        colab = types.ModuleType("google.colab")
        colab.output = output
        google = types.ModuleType("google")
        google.colab = colab
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", colab)
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    for name, version in (loaded or {}).items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(__version__=version))
    exec(compile(source, "<colab cell>", "exec"), {"__name__": "__main__"})
    return calls, sys.path


def test_colab_cell_does_nothing_outside_colab(monkeypatch, capsys):
    src = site.colab_cell_source("https://github.com/example/course")
    calls, path = _run_cell(src, monkeypatch, in_colab=False)
    assert calls == [] and site.COLAB_CLONE_DIR not in path
    assert capsys.readouterr().out == ""


def test_colab_cell_in_colab_clones_installs_and_enables_widgets(monkeypatch, capsys):
    import sys

    src = site.colab_cell_source("https://github.com/example/course.git")
    calls, path = _run_cell(src, monkeypatch, in_colab=True)
    assert calls[0] == ("run", ["git", "clone", "--depth", "1", "https://github.com/example/course",
                                site.COLAB_CLONE_DIR], {"check": True})
    assert calls[1] == ("run", [sys.executable, "-m", "pip", "install", "--quiet", "-e", site.COLAB_CLONE_DIR],
                        {"check": True})
    assert calls[2:] == [("widgets",)]
    assert path[0] == site.COLAB_CLONE_DIR
    assert capsys.readouterr().out == ""  # this environment's packages match their metadata: no restart needed

    # second run in the same runtime: no second clone, pip again (a no-op when nothing changed)
    calls, _ = _run_cell(src, monkeypatch, in_colab=True, clone_exists=True)
    assert [c[1][0] for c in calls if c[0] == "run"] == [sys.executable]


def test_colab_cell_asks_for_a_restart_when_pip_replaced_a_loaded_package(monkeypatch, capsys):
    src = site.colab_cell_source("https://github.com/example/course")
    _run_cell(src, monkeypatch, in_colab=True, loaded={"ipywidgets": "7.7.1"})
    out = capsys.readouterr().out
    assert "ipywidgets" in out and "Restart session" in out and "numpy" not in out


def test_configured_repo_url(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n')
    assert site.configured_repo_url(pyproject) is None
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/a-b/c.d.git"\n')
    assert site.configured_repo_url(pyproject) == "https://github.com/a-b/c.d"
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://gitlab.com/a/b"\n')
    with pytest.raises(ValueError, match=r"Repository in pyproject.toml.*gitlab"):
        site.configured_repo_url(pyproject)


def test_badges_and_readme_block(tmp_path):
    url = "https://github.com/example/course"
    lines = site.badge_lines(url)
    assert lines[0].startswith("[![Launch the whole course in Binder]")
    assert "mybinder.org/v2/gh/example/course/main?urlpath=lab/tree/notebooks/00_welcome.ipynb" in lines[0]
    chapter_lines = [line for line in lines if line.startswith("- ")]
    assert len(chapter_lines) == len(CHAPTERS)
    for nb_path, line in zip(CHAPTERS, chapter_lines):
        assert f"colab.research.google.com/github/example/course/blob/main/notebooks/{nb_path.name})" in line
        assert f"/exercises/{nb_path.stem}_exercises.ipynb)" in line
        assert (REPO_ROOT / "exercises" / f"{nb_path.stem}_exercises.ipynb").is_file()
    with pytest.raises(ValueError, match="repo_url"):
        site.badge_lines("https://github.com/only-owner")
    with pytest.raises(ValueError, match="branch"):
        site.badge_lines(url, branch="main; rm")

    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\n{site.README_BADGES_START}\n{site.README_BADGES_PENDING}\n{site.README_BADGES_END}\n\nrest\n")
    assert site.write_readme_badges(readme, url) == "updated"
    text = readme.read_text()
    assert site.readme_badge_block(text) == "\n".join(lines)
    assert text.startswith("# T\n\n") and text.endswith("\n\nrest\n")
    assert site.write_readme_badges(readme, url) == "unchanged" and readme.read_text() == text
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="launch-badge block"):
        site.write_readme_badges(readme, url)


def test_links_command_writes_cells_and_badges(tmp_path, monkeypatch, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1")]
    paths = [tmp_path / "notebooks" / "00_a.ipynb", tmp_path / "exercises" / "solutions" / "00_a_solutions.ipynb"]
    for p in paths:
        p.parent.mkdir(parents=True)
        nbformat.write(nb, p)
    (tmp_path / "README.md").write_text(f"{site.README_BADGES_START}\nx\n{site.README_BADGES_END}\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.setattr(site, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(site, "launch_notebooks", lambda: paths)
    with pytest.raises(SystemExit):  # no URL yet: a clear message, nothing written
        site.main(["links"])
    assert "[project.urls]" in capsys.readouterr().err
    assert all(site.find_colab_cell(nbformat.read(p, as_version=4)) is None for p in paths)

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[project.urls]\n'
                                             'Repository = "https://github.com/example/course"\n')
    assert site.main(["links"]) == 0
    for p in paths:
        nb2 = nbformat.read(p, as_version=4)
        assert nb2.cells[site.find_colab_cell(nb2)].source == site.colab_cell_source("https://github.com/example/course")
    assert "colab.research.google.com/github/example/course" in (tmp_path / "README.md").read_text()


def test_binder_python_version_meets_requires_python():
    import re
    import tomllib

    runtime = (REPO_ROOT / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert m, f"runtime.txt must read python-3.X (repo2docker's format), got {runtime!r}"
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = int(re.fullmatch(r">=\s*3\.(\d+)", requires).group(1))
    assert int(m.group(1)) >= minimum


_CONFIGURED_URL = site.configured_repo_url()
_LAUNCHABLE = [*site.launch_notebooks(),
               *sorted((REPO_ROOT / "exercises").glob("[0-9][0-9]_*_exercises.ipynb"))]


@pytest.mark.parametrize("nb_path", _LAUNCHABLE, ids=[p.stem for p in _LAUNCHABLE])
def test_launch_links_follow_pyproject(nb_path):
    """With no Repository URL in pyproject.toml, no Colab cell; with one, the guarded cell for it, first."""
    nb = nbformat.read(nb_path, as_version=4)
    i = site.find_colab_cell(nb)
    if _CONFIGURED_URL is None:
        assert i is None, (f"{nb_path.name} has a Colab cell but pyproject.toml names no repository: set "
                           "[project.urls] Repository, then run python -m mgcourse.tools.site links")
        return
    assert i is not None, f"{nb_path.name} has no Colab setup cell: run python -m mgcourse.tools.site links, then refresh"
    first_code = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code")
    assert i == first_code, f"{nb_path.name}: the Colab setup cell must be the first code cell"
    assert nb.cells[i].source == site.colab_cell_source(_CONFIGURED_URL), (
        f"{nb_path.name}: the Colab cell is for another URL: run python -m mgcourse.tools.site links")
    assert site.colab_cell_problems(nb.cells[i].source) == []
    assert not nb.cells[i].get("outputs"), f"{nb_path.name}: the Colab cell printed something outside Colab"


def test_readme_launch_badges_follow_pyproject():
    block = site.readme_badge_block((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    if _CONFIGURED_URL is None:
        assert block == site.README_BADGES_PENDING
    else:
        assert block == "\n".join(site.badge_lines(_CONFIGURED_URL)), "run python -m mgcourse.tools.site links"


def test_site_pages_leave_out_the_colab_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1")]
    src = tmp_path / "00_a.ipynb"
    nbformat.write(nb, src)
    site.add_colab_cell(src, "https://github.com/example/course")
    site.prepare_notebook(src, tmp_path / "out" / "00_a.ipynb")
    page = nbformat.read(tmp_path / "out" / "00_a.ipynb", as_version=4)
    assert [c.source for c in page.cells] == ["# T", "x = 1"]
