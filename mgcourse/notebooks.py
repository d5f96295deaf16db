"""Execute notebooks reproducibly and refresh their stored outputs.

``python -m mgcourse.notebooks refresh``            re-executes every notebook in
``notebooks/`` and ``exercises/solutions/``, then rebuilds the student versions.
``python -m mgcourse.notebooks refresh PATH ...``   only those notebooks.

Execution is equivalent to ``jupyter nbconvert --to notebook --execute --inplace``:
a fresh ``python3`` kernel, cells run top to bottom, execution counts 1, 2, 3 …,
working directory = the notebook's folder. No timing metadata is recorded, so a
re-run that changes nothing leaves the file unchanged.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

from . import REPO_ROOT

KERNEL_NAME = "python3"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh python3 kernel (in place) and return it."""
    from nbclient import NotebookClient

    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, allow_errors=False)
    client.execute()
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook the way Jupyter does (1-space indent, trailing newline)."""
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def execute_file(path: Path, *, inplace: bool = True) -> float:
    """Execute the notebook at ``path``; store outputs if ``inplace``. Returns seconds taken."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    execute(nb, path.parent)
    seconds = time.perf_counter() - t0
    if inplace:
        write(nb, path)
    return seconds


def course_notebooks() -> list[Path]:
    """The chapter notebooks, in teaching order."""
    return sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def solution_notebooks() -> list[Path]:
    return sorted((REPO_ROOT / "exercises" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("refresh", help="re-execute notebooks and store their outputs")
    r.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    from . import exercises

    paths = args.paths or [*course_notebooks(), *solution_notebooks()]
    for p in paths:
        secs = execute_file(p)
        print(f"executed {p} in {secs:.1f} s")
    sols = [p for p in paths if p.resolve().parent == (REPO_ROOT / "exercises" / "solutions").resolve()]
    if sols or not args.paths:
        exercises.main(["build", *map(str, sols)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
