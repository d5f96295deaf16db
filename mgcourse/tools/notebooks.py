"""Refresh the stored outputs of the notebooks.

``python -m mgcourse.tools.notebooks refresh``            re-executes every notebook in
``notebooks/`` and ``exercises/solutions/``, then rebuilds the student versions.
``python -m mgcourse.tools.notebooks refresh PATH ...``   only those notebooks.

Execution itself lives in :mod:`mgcourse.tools.runner`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import REPO_ROOT
from . import exercises
from .runner import course_notebooks, execute_file, solution_notebooks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("refresh", help="re-execute notebooks and store their outputs")
    r.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)

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
