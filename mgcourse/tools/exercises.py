"""Generate student exercise notebooks from the solution notebooks.

``python -m mgcourse.tools.exercises build``         every ``exercises/solutions/NN_*_solutions.ipynb``
``python -m mgcourse.tools.exercises build PATH``    one solutions notebook
``python -m mgcourse.tools.exercises check``         fail if a committed student notebook is out of date

The solutions notebook is the single source. Cell tags drive the transformation:

``solution`` (code cell)
    Lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are removed. Lines in
    that block written as ``# STUB: <code>`` become the student's starting code
    (e.g. ``# STUB: homa = ...``); a block without STUB lines becomes
    ``raise NotImplementedError("...")`` at the block's indentation. A ``solution``
    cell without markers is replaced by its STUB lines (or ``# Your code here``).
``solution`` (Markdown cell)
    Replaced by "*Your answer:* …", or by the text of an ``<!-- STUB: … -->`` line.
``solutions-only``
    Dropped from the student version (model answers, notes for instructors).
``hint``
    Folded into ``<details><summary>Hint</summary> … </details>`` in the student version.

The student notebook is then executed, so that it is stored with outputs: each
check in it reports *not attempted yet*.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from pathlib import Path

import nbformat

from .. import REPO_ROOT
from .runner import execute, write

SOLUTIONS_DIR = REPO_ROOT / "exercises" / "solutions"
STUDENT_DIR = REPO_ROOT / "exercises"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_STUB_RE = re.compile(r"^(\s*)# STUB: ?(.*)$")
_MD_STUB_RE = re.compile(r"<!--\s*STUB:\s*(.*?)\s*-->", re.S)
_REL_LINK_RE = re.compile(r"(\]\()(?![a-z][a-z0-9+.-]*:|#|/)([^)\s#]+)")
BANNER = ("> **Student version**, generated from `exercises/solutions/{name}` by "
          "`python -m mgcourse.tools.exercises build`. Edit the solutions notebook, not this one.\n>\n"
          "> Work top to bottom: replace each `...` or `NotImplementedError` stub, run the cell, "
          "then run the `check(...)` cell below it. Hints are folded under each exercise.")


def student_path(solution_path: Path) -> Path:
    name = Path(solution_path).name
    if not name.endswith("_solutions.ipynb"):
        raise ValueError(f"{solution_path}: a solutions notebook must be named NN_topic_solutions.ipynb")
    return STUDENT_DIR / name.replace("_solutions.ipynb", "_exercises.ipynb")


def _stub_code(source: str, where: str) -> str:
    lines = source.splitlines()
    out, in_block, block = [], False, []
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if in_block:
                raise ValueError(f"{where}, line {i}: nested {BEGIN}")
            in_block, block, indent = True, [], line[: len(line) - len(line.lstrip())]
            continue
        if stripped == END:
            if not in_block:
                raise ValueError(f"{where}, line {i}: {END} without {BEGIN}")
            stubs = [m.group(1) + m.group(2) for b in block if (m := _STUB_RE.match(b))]
            out.extend(stubs or [f'{indent}raise NotImplementedError("Exercise: replace this line with your code")'])
            in_block = False
            continue
        (block if in_block else out).append(line)
    if in_block:
        raise ValueError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def _relink(markdown: str) -> str:
    """Rewrite relative links written for ``exercises/solutions/`` so they work from ``exercises/``."""
    def fix(m):
        target = os.path.normpath(os.path.join(SOLUTIONS_DIR, m.group(2)))
        return m.group(1) + os.path.relpath(target, STUDENT_DIR).replace(os.sep, "/")

    return _REL_LINK_RE.sub(fix, markdown)


def _student_cell(cell, where: str):
    tags = list(cell.metadata.get("tags", []))
    if "solutions-only" in tags:
        return None
    cell = copy.deepcopy(cell)
    if "solution" in tags:
        if cell.cell_type == "code":
            src = cell.source
            if BEGIN in src:
                cell.source = _stub_code(src, where)
            else:
                stubs = [m.group(1) + m.group(2) for line in src.splitlines() if (m := _STUB_RE.match(line))]
                cell.source = "\n".join(stubs) if stubs else "# Your code here"
        else:
            m = _MD_STUB_RE.search(cell.source)
            cell.source = m.group(1) if m else "*Your answer:* double-click this cell and write your answer here."
        tags = [t for t in tags if t != "solution"] + ["stub"]
    if "hint" in tags and cell.cell_type == "markdown" and not cell.source.lstrip().startswith("<details"):
        body = cell.source.strip()
        title = "💡 Hint"
        first, _, rest = body.partition("\n")
        if first.startswith("**Hint") and rest:
            title, body = "💡 " + first.strip("*: "), rest.strip()
        cell.source = f"<details>\n<summary>{title}</summary>\n\n{body}\n\n</details>"
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.source = _relink(cell.source)
    cell.metadata["tags"] = tags
    if not tags:
        del cell.metadata["tags"]
    cell.pop("id", None)
    return cell


def generate(solution_path: Path) -> nbformat.NotebookNode:
    """The (unexecuted) student notebook for a solutions notebook."""
    solution_path = Path(solution_path)
    nb = nbformat.read(solution_path, as_version=4)
    cells = []
    for i, cell in enumerate(nb.cells):
        new = _student_cell(cell, f"{solution_path.name}, cell {i + 1}")
        if new is not None:
            cells.append(new)
    if cells and cells[0].cell_type == "markdown":
        cells[0].source = cells[0].source.replace("(solutions)", "(exercises)").replace("Solutions", "Exercises")
    banner = nbformat.v4.new_markdown_cell(BANNER.format(name=solution_path.name))
    banner.metadata["tags"] = ["generated-banner"]
    cells.insert(1 if cells else 0, banner)
    for k, c in enumerate(cells):  # stable ids: no diff noise between builds
        c["id"] = f"cell-{k:03d}"
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(nb.metadata))


def _signature(nb) -> list[tuple]:
    """What must match between generated and committed student notebooks (not outputs)."""
    return [(c.cell_type, c.source, tuple(c.metadata.get("tags", []))) for c in nb.cells]


def is_up_to_date(solution_path: Path) -> tuple[bool, str]:
    target = student_path(solution_path)
    if not target.exists():
        return False, f"{target} is missing"
    fresh, committed = _signature(generate(solution_path)), _signature(nbformat.read(target, as_version=4))
    if fresh == committed:
        return True, ""
    for k, (a, b) in enumerate(zip(fresh, committed)):
        if a != b:
            return False, f"{target.name}: cell {k + 1} differs from what the generator makes"
    return False, f"{target.name}: {len(committed)} cells committed, the generator makes {len(fresh)}"


def build(solution_path: Path, *, run: bool = True) -> Path:
    nb = generate(solution_path)
    target = student_path(solution_path)
    if run:
        execute(nb, target.parent)
    write(nb, target)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.exercises", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--no-execute", action="store_true", help="write the student notebook without running it")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(SOLUTIONS_DIR.glob("[0-9][0-9]_*_solutions.ipynb"))
    status = 0
    for p in paths:
        if args.command == "build":
            print(f"built {build(p, run=not args.no_execute).relative_to(REPO_ROOT)}")
        else:
            ok, why = is_up_to_date(p)
            print(("up to date: " if ok else "OUT OF DATE: ") + (student_path(p).name if ok else why))
            status |= not ok
    return status


if __name__ == "__main__":
    sys.exit(main())
