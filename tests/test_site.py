"""The static site (``python -m mgcourse.site build``) and the guarded Colab setup cell.

The site is built once per test session into a temporary folder outside the
repository (nothing for nbval to collect), from the stored outputs, and then:
every chapter and exercise notebook has its page, every internal link and every
local resource (page, image, script, stylesheet, anchor) resolves, and every
figure image carries its one-sentence description as ``alt`` text.
"""

from __future__ import annotations

import ast
import html.parser
import posixpath
import shutil
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from mgcourse import REPO_ROOT, site
from mgcourse.notebooks import course_notebooks

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
    pytest.importorskip("sphinx", reason="sphinx, myst-nb and sphinx-book-theme are in requirements.txt")
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
    """The widget JavaScript is the vendored copy: no page loads a script from the network."""
    remote = []
    for page in _pages(built_site):
        for tag, url in _parse(page).links:
            if tag == "script" and urllib.parse.urlsplit(url).scheme in ("http", "https"):
                # MathJax is Sphinx's one remote script; it only typesets formulas
                if "mathjax" not in url.lower():
                    remote.append(f"{page.relative_to(built_site)}: {url}")
    assert not remote, "remote scripts:\n" + "\n".join(remote)
    assert (built_site / "_static" / "jupyter-widgets" / "embed.js").is_file()


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


_WITH_COLAB = [p.name for p in CHAPTERS if site.find_colab_cell(nbformat.read(p, as_version=4)) is not None]


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_notebook_has_guarded_colab_cell(nb_path):
    if not _WITH_COLAB:
        pytest.skip("the Colab setup cell needs the course's public repository URL, which is not set yet: "
                    "run `python -m mgcourse.site add-colab-cell --repo-url URL` once it exists")
    nb = nbformat.read(nb_path, as_version=4)
    i = site.find_colab_cell(nb)
    assert i is not None, (f"{nb_path.name} has no Colab setup cell: run "
                           "`python -m mgcourse.site add-colab-cell --repo-url URL`, then refresh the notebook")
    first_code = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code")
    assert i == first_code, f"{nb_path.name}: the Colab setup cell must be the first code cell"
    assert site.colab_cell_problems(nb.cells[i].source) == []
    assert not nb.cells[i].get("outputs"), f"{nb_path.name}: the Colab cell printed something outside Colab"
