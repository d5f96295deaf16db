"""The course as a static web site, and its launch links: the guarded Colab setup cell and the badges.

``python -m mgcourse.tools.site build``            build the HTML site into ``_build/site/html``
``python -m mgcourse.tools.site build --out DIR``  … into ``DIR/html`` (staging folder ``DIR/src``)
``python -m mgcourse.tools.site links``            once ``[project.urls] Repository`` is set in
                                             ``pyproject.toml``: put the guarded Colab setup cell
                                             into every chapter and exercise notebook and the
                                             Binder/Colab badges into the README (idempotent)
``python -m mgcourse.tools.site add-colab-cell --repo-url URL [PATH ...]``
                                             only the Colab cell, in the given notebooks
``python -m mgcourse.tools.site badges --repo-url URL``
                                             only print the README's launch-badge lines

The site is Sphinx + myst-nb with the sphinx-book-theme (the engine of Jupyter
Book 1), built from the notebooks' **stored outputs** (``nb_execution_mode =
"off"``) and with no network access: the theme's assets are installed with it and
MathJax 3 is vendored in ``book/_static/mathjax/``. The notebooks store no
widget state, so each widget panel is shown as its stored figure (or note)
with a line saying to run the notebook to explore it.

Before Sphinx runs, the notebooks are copied to a staging folder and each
figure output is given its text alternative: the one-sentence description that
:func:`mgcourse.style.show` stores as the output's plain text (``[Figure] …``)
or, for a plain ``plt.show()``, the ``**Figure N.M.**`` sentence of the
Markdown cell that follows it. The repository's notebooks are never modified
by ``build``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from .. import REPO_ROOT
from .runner import WIDGET_VIEW

BOOK_DIR = REPO_ROOT / "book"
DEFAULT_OUT = REPO_ROOT / "_build" / "site"

# --------------------------------------------------------------------------- launch links (Colab, Binder)
#: First line of the setup cell; how the cell is found again (idempotent insertion, tests).
COLAB_MARKER = "# mgcourse:colab-setup"
COLAB_GUARD = '"google.colab" in sys.modules'
COLAB_CELL_ID = "colab-setup"
COLAB_CELL_TAG = "colab-setup"
#: Where Colab clones the repository.
COLAB_CLONE_DIR = "/content/mgcourse"
#: Packages that Colab may have imported, in an older version, before the setup cell ran.
COLAB_RESTART_IF_STALE = ("numpy", "scipy", "pandas", "matplotlib", "ipywidgets")
#: The README block that holds the launch badges (between these two lines).
README_BADGES_START = "<!-- launch-badges:start (written by python -m mgcourse.tools.site links) -->"
README_BADGES_END = "<!-- launch-badges:end -->"
#: What the block says while ``pyproject.toml`` names no repository.
README_BADGES_PENDING = ("_Launch badges appear here once the course has a public repository: maintainers, see "
                         "\"Publishing\" in\n[`CONTRIBUTING.md`](CONTRIBUTING.md)._")
_GITHUB_URL = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


def _github_slug(repo_url: str, name: str = "repo_url") -> str:
    m = _GITHUB_URL.match(repo_url) if isinstance(repo_url, str) else None
    if not m:
        raise ValueError(f"{name} must look like https://github.com/OWNER/NAME, got {repo_url!r}")
    return f"{m.group(1)}/{m.group(2)}"


def colab_cell_source(repo_url: str) -> str:
    """Source of the guarded setup cell: it installs the course only when running in Google Colab.

    In Colab it clones ``repo_url`` (the course needs its ``data/`` folder, not only the
    package) once per runtime, pip-installs the library in editable mode with the minimum
    versions from ``pyproject.toml`` (Colab's own numpy, pandas … are kept unless too old;
    the exact pins of ``requirements.txt`` are not forced on Colab), makes it importable
    without a restart, asks for a restart if pip replaced a package that Colab had already
    imported, and enables Colab's widget manager for ipywidgets 8.
    Everywhere else (JupyterLab, Binder, CI, nbval) it only imports ``sys``.
    """
    slug = _github_slug(repo_url)
    q = json.dumps  # double-quoted Python string literals
    return "\n".join([
        f"{COLAB_MARKER}: runs only in Google Colab, where it fetches the course and installs its library.",
        "# In JupyterLab, Binder and the tests this cell does nothing.",
        "import sys",
        "",
        f"if {COLAB_GUARD}:",
        "    import importlib.metadata",
        "    import os",
        "    import subprocess",
        "",
        f"    if not os.path.isdir({q(COLAB_CLONE_DIR)}):",
        f"        subprocess.run([\"git\", \"clone\", \"--depth\", \"1\", {q('https://github.com/' + slug)}, {q(COLAB_CLONE_DIR)}],",
        "                       check=True)",
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", \"-e\", {q(COLAB_CLONE_DIR)}], check=True)",
        f"    sys.path.insert(0, {q(COLAB_CLONE_DIR)})  # importable in this session without a restart",
        "    stale = [name for name in " + repr(COLAB_RESTART_IF_STALE).replace("'", '"') + "",
        "             if name in sys.modules",
        "             and getattr(sys.modules[name], \"__version__\", None) != importlib.metadata.version(name)]",
        "    if stale:",
        "        print(\"pip updated\", \", \".join(stale), \"after Colab had loaded them:\"",
        "              \" choose Runtime > Restart session, then run the notebook again.\")",
        "    from google.colab import output",
        "",
        "    output.enable_custom_widget_manager()  # ipywidgets 8 in Colab",
    ])


def find_colab_cell(nb) -> int | None:
    """Index of the notebook's guarded setup cell, or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.lstrip().startswith(COLAB_MARKER):
            return i
    return None


def colab_cell_problems(source: str) -> list[str]:
    """Why ``source`` is not a properly guarded setup cell (empty list: it is)."""
    import ast

    problems = []
    if COLAB_GUARD not in source:
        problems.append(f"no guard `if {COLAB_GUARD}:`")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [f"syntax error: {exc}"]
    for node in tree.body:
        if isinstance(node, ast.Import) and [a.name for a in node.names] == ["sys"]:
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test).replace("'", '"') == COLAB_GUARD:
            continue
        problems.append(f"statement outside the Colab guard: {ast.unparse(node)[:60]!r}")
    return problems


def configured_repo_url(pyproject: Path | None = None) -> str | None:
    """The course's public repository: ``[project.urls] Repository`` in ``pyproject.toml``, or None.

    This is the single place where the URL is set; the Colab cells and the README's launch badges
    are generated from it (``python -m mgcourse.tools.site links``) and a test keeps them in step.
    Raises ``ValueError`` if the entry is there but is not ``https://github.com/OWNER/NAME``.
    """
    import tomllib

    path = Path(pyproject) if pyproject else REPO_ROOT / "pyproject.toml"
    with open(path, "rb") as fh:
        meta = tomllib.load(fh)
    url = meta.get("project", {}).get("urls", {}).get("Repository")
    if url is None:
        return None
    _github_slug(url, name=f"[project.urls] Repository in {path.name}")
    return url.rstrip("/").removesuffix(".git")


def _git_remote_url() -> str | None:
    try:
        url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=REPO_ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    url = re.sub(r"^git@github\.com:", "https://github.com/", url)
    return f"https://github.com/{_github_slug(url)}" if _GITHUB_URL.match(url) else None


def _default_repo_url() -> str | None:
    """``pyproject.toml``'s Repository URL, else the git remote ``origin`` if it is on GitHub."""
    return configured_repo_url() or _git_remote_url()


def launch_notebooks() -> list[Path]:
    """Notebooks that get the Colab cell: the chapters and the exercise solutions (whose cell the
    generated student notebooks inherit)."""
    from .runner import course_notebooks, solution_notebooks

    return [*course_notebooks(), *solution_notebooks()]


def add_colab_cell(path: Path, repo_url: str) -> str:
    """Insert the guarded setup cell before the first code cell of ``path`` (or update it in place).

    Returns ``"inserted"``, ``"updated"`` or ``"unchanged"``. Outputs of the other cells are kept;
    re-execute the notebook afterwards (``python -m mgcourse.tools.notebooks refresh``) so that its
    execution counts run 1..n again.
    """
    from .runner import write

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    source = colab_cell_source(repo_url)
    i = find_colab_cell(nb)
    if i is not None:
        if nb.cells[i].source == source:
            return "unchanged"
        nb.cells[i].source = source
        write(nb, path)
        return "updated"
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [COLAB_CELL_TAG]})
    ids = {c.get("id") for c in nb.cells}
    cell["id"] = COLAB_CELL_ID if COLAB_CELL_ID not in ids else f"{COLAB_CELL_ID}-{len(ids)}"
    first_code = next((k for k, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    write(nb, path)
    return "inserted"


def badge_lines(repo_url: str, branch: str = "main") -> list[str]:
    """Markdown lines for the README: Binder for the whole course, Colab per chapter and its exercises."""
    slug = _github_slug(repo_url)
    if not re.match(r"^[\w./-]+$", branch):
        raise ValueError(f"branch must be a git branch name, got {branch!r}")
    from .runner import course_notebooks

    colab = "https://colab.research.google.com"
    lines = [f"[![Launch the whole course in Binder](https://mybinder.org/badge_logo.svg)]"
             f"(https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/notebooks/00_welcome.ipynb)", ""]
    for nb_path in course_notebooks():
        title = _title(nbformat.read(nb_path, as_version=4)) or nb_path.stem
        exercises = f"{nb_path.stem}_exercises.ipynb"
        line = (f"- {title}: [![Open the chapter in Colab]({colab}/assets/colab-badge.svg)]"
                f"({colab}/github/{slug}/blob/{branch}/notebooks/{nb_path.name})")
        if (REPO_ROOT / "exercises" / exercises).exists():
            line += f" · [exercises in Colab]({colab}/github/{slug}/blob/{branch}/exercises/{exercises})"
        lines.append(line)
    return lines


def readme_badge_block(text: str) -> str:
    """The text between the README's launch-badge markers (stripped); ValueError if they are missing."""
    try:
        a = text.index(README_BADGES_START) + len(README_BADGES_START)
        b = text.index(README_BADGES_END, a)
    except ValueError:
        raise ValueError(f"README has no launch-badge block: add the lines {README_BADGES_START!r} and "
                         f"{README_BADGES_END!r}") from None
    return text[a:b].strip()


def write_readme_badges(readme: Path, repo_url: str, branch: str = "main") -> str:
    """Put the launch badges between the README's markers. Returns ``"updated"`` or ``"unchanged"``."""
    readme = Path(readme)
    text = readme.read_text(encoding="utf-8")
    old = readme_badge_block(text)
    new = "\n".join(badge_lines(repo_url, branch))
    if old == new:
        return "unchanged"
    a = text.index(README_BADGES_START) + len(README_BADGES_START)
    b = text.index(README_BADGES_END, a)
    readme.write_text(text[:a] + "\n" + new + "\n" + text[b:], encoding="utf-8")
    return "updated"


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


# --------------------------------------------------------------------------- staging
_FIGURE_CAPTION = re.compile(r"^\s*\*\*Figure\s+[\w.]+\.?\*\*\s*(.*)", re.S)


def _plain(markdown: str) -> str:
    """Markdown → one line of plain text (enough for an image description)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`$\\]", "", text)
    return " ".join(text.split())


def figure_alt(nb, cell_index: int, output) -> str:
    """The description of an image output: ``[Figure] …`` plain text, else the next ``**Figure N.M.**`` cell.

    (A ``plt.show()`` figure shown as HTML also carries an ``alt`` built from its titles and axis labels;
    :func:`prepare_notebook` falls back to it when there is neither.)
    """
    plain = output.get("data", {}).get("text/plain", "")
    plain = "".join(plain) if isinstance(plain, list) else plain
    if plain.startswith("[Figure]"):
        return " ".join(plain[len("[Figure]"):].split())
    for cell in nb.cells[cell_index + 1:]:
        if cell.cell_type == "markdown":
            m = _FIGURE_CAPTION.match(cell.source)
            return _plain(cell.source) if m else ""
        if cell.cell_type == "code":
            return ""
    return ""


#: A course figure as HTML (``mgcourse.style.figure_html``): one PNG data URI and its alt text.
_HTML_FIGURE = re.compile(r'^\s*<img src="data:image/png;base64,([A-Za-z0-9+/=\s]+)" alt="([^"]*)"\s*/?>\s*$')


def html_figure(data: dict) -> tuple[bytes, str] | None:
    """``(png bytes, alt)`` of a ``text/html`` output that is a single course figure, else None."""
    raw = data.get("text/html")
    if raw is None:
        return None
    m = _HTML_FIGURE.match("".join(raw) if isinstance(raw, list) else raw)
    if not m:
        return None
    import html as _html

    return base64.b64decode("".join(m.group(1).split())), _html.unescape(m.group(2))


def _escape_alt(alt: str) -> str:
    return alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


#: What the site says under a widget panel's figure: the site runs no kernel, so its controls cannot move.
PANEL_NOTE = "*Interactive panel: run the notebook in JupyterLab to explore it; the figure shows its default settings.*"


def prepare_notebook(src: Path, dest: Path) -> dict:
    """Copy a notebook for the site, with each PNG figure written to ``_figures/`` and shown with its alt text.

    Returns counts: ``{"figures": n, "without_alt": m}``.
    """
    nb = nbformat.read(src, as_version=4)
    i = find_colab_cell(nb)
    if i is not None:  # setup code for Colab only: noise on a page that runs nothing
        del nb.cells[i]
    fig_dir = dest.parent / "_figures"
    counts = {"figures": 0, "without_alt": 0}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data")
            if out.get("output_type") not in ("display_data", "execute_result") or not data:
                continue
            html_img = html_figure(data)
            if "image/png" not in data and html_img is None:
                continue
            counts["figures"] += 1
            alt = figure_alt(nb, i, out) or (html_img[1] if html_img else "")
            if not alt:
                counts["without_alt"] += 1
                continue  # rendered by myst-nb as it is (and reported by the site test)
            if "image/png" in data:
                png = base64.b64decode("".join(data["image/png"]) if isinstance(data["image/png"], list)
                                       else data["image/png"])
            else:
                png = html_img[0]
            name = hashlib.sha256(png).hexdigest()[:20] + ".png"
            fig_dir.mkdir(parents=True, exist_ok=True)
            (fig_dir / name).write_bytes(png)
            md = f"![{_escape_alt(alt)}](_figures/{name})"
            if WIDGET_VIEW in data:  # a widget panel's stored figure: the site runs no kernel
                md += "\n\n" + PANEL_NOTE
            out["data"] = {"text/markdown": md, "text/plain": data.get("text/plain", "")}
            out["metadata"] = {}
        for out in cell.get("outputs", []):  # a panel stored with a note only: show the note, not a dead widget
            data = out.get("data") or {}
            if WIDGET_VIEW in data:
                note = "".join(data.get("text/plain", "")) if isinstance(data.get("text/plain"), list) else data.get("text/plain", "")
                out["data"] = {"text/markdown": f"{PANEL_NOTE} {note}".strip(), "text/plain": note}
                out["metadata"] = {}
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(nbformat.writes(nb), encoding="utf-8")
    return counts


def site_notebooks() -> dict[str, list[Path]]:
    """What the site contains: the chapter notebooks and the student exercise notebooks (not the solutions)."""
    from .runner import course_notebooks

    return {"notebooks": course_notebooks(),
            "exercises": sorted((REPO_ROOT / "exercises").glob("[0-9][0-9]_*_exercises.ipynb"))}


def stage(src_dir: Path) -> dict:
    """Lay out the Sphinx source folder: ``book/`` + notebooks + exercises + ``figures/``."""
    src_dir = Path(src_dir)
    if src_dir.exists():
        shutil.rmtree(src_dir)
    shutil.copytree(BOOK_DIR, src_dir, ignore=shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints"))
    totals = {"pages": 0, "figures": 0, "without_alt": 0}
    for folder, paths in site_notebooks().items():
        for p in paths:
            c = prepare_notebook(p, src_dir / folder / p.name)
            totals["pages"] += 1
            totals["figures"] += c["figures"]
            totals["without_alt"] += c["without_alt"]
    if (REPO_ROOT / "figures").is_dir():
        shutil.copytree(REPO_ROOT / "figures", src_dir / "figures", ignore=shutil.ignore_patterns("*.md"))
    return totals


# --------------------------------------------------------------------------- build
def build(out: Path = DEFAULT_OUT, *, quiet: bool = True) -> Path:
    """Build the site into ``out/html`` (staging in ``out/src``); return the HTML folder.

    Sphinx's warnings are written to ``out/warnings.txt``. Raises ``RuntimeError`` if Sphinx fails.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    src, html, doctrees = out / "src", out / "html", out / "doctrees"
    stage(src)
    if html.exists():
        shutil.rmtree(html)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-d", str(doctrees),
           "-w", str(out / "warnings.txt"), str(src), str(html)]
    if quiet:
        cmd.insert(3, "-q")
    proc = subprocess.run(cmd, capture_output=quiet, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or "")[-4000:] if quiet else ""
        raise RuntimeError(f"sphinx-build failed with exit code {proc.returncode}\n{detail}")
    return html


# --------------------------------------------------------------------------- CLI
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the static HTML site from the stored outputs")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    b.add_argument("--verbose", action="store_true", help="show Sphinx's output")
    ln = sub.add_parser("links", help="Colab cells in every chapter and exercise notebook + README badges, "
                                      "from [project.urls] Repository in pyproject.toml")
    ln.add_argument("--branch", default="main")
    a = sub.add_parser("add-colab-cell", help="insert the guarded Colab setup cell into notebooks")
    a.add_argument("--repo-url", help="https://github.com/OWNER/NAME (default: pyproject.toml, then git remote)")
    a.add_argument("paths", nargs="*", type=Path, help="notebooks (default: chapters and exercise solutions)")
    g = sub.add_parser("badges", help="print the README's Binder and Colab badge lines")
    g.add_argument("--repo-url", help="https://github.com/OWNER/NAME (default: pyproject.toml, then git remote)")
    g.add_argument("--branch", default="main")
    args = parser.parse_args(argv)

    if args.cmd == "build":
        t0 = time.perf_counter()
        html = build(args.out, quiet=not args.verbose)
        print(f"built {html / 'index.html'} in {time.perf_counter() - t0:.1f} s")
        warnings = (args.out / "warnings.txt")
        if warnings.exists() and warnings.read_text().strip():
            print(f"Sphinx warnings: {warnings}", file=sys.stderr)
        return 0

    try:
        if args.cmd == "links":
            repo_url = configured_repo_url()
            if not repo_url:
                parser.error('set the course\'s public repository first, in pyproject.toml:\n'
                             '  [project.urls]\n  Repository = "https://github.com/OWNER/NAME"')
            for p in launch_notebooks():
                print(f"{add_colab_cell(p, repo_url):9s} {p.relative_to(REPO_ROOT)}")
            print(f"{write_readme_badges(REPO_ROOT / 'README.md', repo_url, args.branch):9s} README.md")
            print("now re-execute the notebooks (this also rebuilds the student exercise notebooks):\n"
                  "  python -m mgcourse.tools.notebooks refresh", file=sys.stderr)
            return 0
        repo_url = args.repo_url or _default_repo_url()
        if not repo_url:
            parser.error("give --repo-url https://github.com/OWNER/NAME (none in pyproject.toml, no GitHub remote)")
        if args.cmd == "badges":
            print("\n".join(badge_lines(repo_url, args.branch)))
            return 0
        for p in args.paths or launch_notebooks():
            print(f"{add_colab_cell(p, repo_url):9s} {p}")
    except ValueError as exc:
        parser.error(str(exc))
    print("now re-execute them: python -m mgcourse.tools.notebooks refresh", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
