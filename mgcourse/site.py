"""The course as a static web site, and the guarded Colab setup cell.

``python -m mgcourse.site build``            build the HTML site into ``_build/site/html``
``python -m mgcourse.site build --out DIR``  … into ``DIR/html`` (staging folder ``DIR/src``)
``python -m mgcourse.site add-colab-cell --repo-url URL``
                                             insert (or update) the guarded Colab setup cell in
                                             every chapter notebook; idempotent
``python -m mgcourse.site badges --repo-url URL``
                                             print the README's launch-badge lines

The site is Sphinx + myst-nb with the sphinx-book-theme (the engine of Jupyter
Book 1), built from the notebooks' **stored outputs** (``nb_execution_mode =
"off"``) and with no network access: the theme's assets are installed with it
and the widget JavaScript (``@jupyter-widgets/html-manager``'s stand-alone
``embed.js``) is vendored in ``book/_static/jupyter-widgets/``, so the widget
states that the notebooks store are displayed offline.

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

from . import REPO_ROOT

BOOK_DIR = REPO_ROOT / "book"
DEFAULT_OUT = REPO_ROOT / "_build" / "site"

# --------------------------------------------------------------------------- the Colab setup cell
#: First line of the setup cell; how the cell is found again (idempotent insertion, tests).
COLAB_MARKER = "# mgcourse:colab-setup"
COLAB_GUARD = '"google.colab" in sys.modules'
COLAB_CELL_ID = "colab-setup"
COLAB_CELL_TAG = "colab-setup"
#: Where Colab clones the repository.
COLAB_CLONE_DIR = "/content/mgcourse"


def colab_cell_source(repo_url: str) -> str:
    """Source of the guarded setup cell: it installs the course only when running in Google Colab.

    In Colab it clones ``repo_url`` (the course needs its ``data/`` folder, not only the
    package), pip-installs the library in editable mode with the minimum versions from
    ``pyproject.toml`` (Colab's own numpy, pandas … are not replaced by the exact pins of
    ``requirements.txt``), changes into ``notebooks/`` and enables Colab's widget manager for
    ipywidgets 8. Everywhere else (JupyterLab, Binder, CI, nbval) it only imports ``sys``.
    """
    if not re.match(r"^https://[\w.-]+/[\w.-]+/[\w.-]+?(\.git)?/?$", repo_url):
        raise ValueError(f"repo_url must look like https://github.com/OWNER/NAME, got {repo_url!r}")
    q = json.dumps  # double-quoted Python string literals
    return "\n".join([
        f"{COLAB_MARKER}: runs only in Google Colab, where it fetches the course and installs its library.",
        "# In JupyterLab, Binder and the tests this cell does nothing.",
        "import sys",
        "",
        f"if {COLAB_GUARD}:",
        "    import os",
        "    import subprocess",
        "",
        f"    if not os.path.isdir({q(COLAB_CLONE_DIR)}):",
        f"        subprocess.run([\"git\", \"clone\", \"--depth\", \"1\", {q(repo_url)}, {q(COLAB_CLONE_DIR)}], check=True)",
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", \"-e\", {q(COLAB_CLONE_DIR)}], check=True)",
        f"    sys.path.insert(0, {q(COLAB_CLONE_DIR)})  # importable in this kernel without a restart",
        f"    os.chdir({q(COLAB_CLONE_DIR + '/notebooks')})",
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


def _default_repo_url() -> str | None:
    try:
        url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=REPO_ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.match(r"^(?:git@github\.com:|https://github\.com/)([\w.-]+)/([\w.-]+?)(?:\.git)?$", url)
    return f"https://github.com/{m.group(1)}/{m.group(2)}" if m else None


def add_colab_cell(path: Path, repo_url: str) -> str:
    """Insert the guarded setup cell before the first code cell of ``path`` (or update it in place).

    Returns ``"inserted"``, ``"updated"`` or ``"unchanged"``. Outputs of the other cells are kept;
    re-execute the notebook afterwards (``python -m mgcourse.notebooks refresh``) so that its
    execution counts run 1..n again.
    """
    from .notebooks import write

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
    """Markdown lines for the README: Binder for the whole course, Colab per chapter."""
    m = re.match(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", repo_url)
    if not m:
        raise ValueError(f"repo_url must be https://github.com/OWNER/NAME, got {repo_url!r}")
    slug = f"{m.group(1)}/{m.group(2)}"
    from .notebooks import course_notebooks

    lines = [f"[![Launch in Binder](https://mybinder.org/badge_logo.svg)]"
             f"(https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/notebooks/00_welcome.ipynb)", ""]
    for nb_path in course_notebooks():
        title = _title(nbformat.read(nb_path, as_version=4)) or nb_path.stem
        lines.append(f"- {title} [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                     f"(https://colab.research.google.com/github/{slug}/blob/{branch}/notebooks/{nb_path.name})")
    return lines


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
    """The description of an image output: ``[Figure] …`` plain text, else the next ``**Figure N.M.**`` cell."""
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


def _escape_alt(alt: str) -> str:
    return alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def prepare_notebook(src: Path, dest: Path) -> dict:
    """Copy a notebook for the site, with each PNG figure written to ``_figures/`` and shown with its alt text.

    Returns counts: ``{"figures": n, "without_alt": m}``.
    """
    nb = nbformat.read(src, as_version=4)
    fig_dir = dest.parent / "_figures"
    counts = {"figures": 0, "without_alt": 0}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data")
            if out.get("output_type") not in ("display_data", "execute_result") or not data:
                continue
            if "image/png" not in data:
                continue
            counts["figures"] += 1
            alt = figure_alt(nb, i, out)
            if not alt:
                counts["without_alt"] += 1
                continue  # rendered by myst-nb as it is (and reported by the site test)
            png = base64.b64decode("".join(data["image/png"]) if isinstance(data["image/png"], list)
                                   else data["image/png"])
            name = hashlib.sha256(png).hexdigest()[:20] + ".png"
            fig_dir.mkdir(parents=True, exist_ok=True)
            (fig_dir / name).write_bytes(png)
            out["data"] = {"text/markdown": f"![{_escape_alt(alt)}](_figures/{name})", "text/plain": data.get("text/plain", "")}
            out["metadata"] = {}
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(nbformat.writes(nb), encoding="utf-8")
    return counts


def site_notebooks() -> dict[str, list[Path]]:
    """What the site contains: the chapter notebooks and the student exercise notebooks (not the solutions)."""
    from .notebooks import course_notebooks

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
    parser = argparse.ArgumentParser(prog="python -m mgcourse.site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the static HTML site from the stored outputs")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    b.add_argument("--verbose", action="store_true", help="show Sphinx's output")
    a = sub.add_parser("add-colab-cell", help="insert the guarded Colab setup cell into every chapter notebook")
    a.add_argument("--repo-url", help="https://github.com/OWNER/NAME (default: the git remote 'origin')")
    a.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/NN_*.ipynb)")
    g = sub.add_parser("badges", help="print the README's Binder and Colab badge lines")
    g.add_argument("--repo-url", help="https://github.com/OWNER/NAME (default: the git remote 'origin')")
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

    repo_url = args.repo_url or _default_repo_url()
    if not repo_url:
        parser.error("give --repo-url https://github.com/OWNER/NAME (no git remote 'origin' to take it from)")
    if args.cmd == "badges":
        print("\n".join(badge_lines(repo_url, args.branch)))
        return 0
    from .notebooks import course_notebooks

    for p in args.paths or course_notebooks():
        print(f"{add_colab_cell(p, repo_url):9s} {p}")
    print("now re-execute them: python -m mgcourse.notebooks refresh", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
