"""Write every stated chapter time from the one table in :mod:`mgcourse.course_map`.

``python -m mgcourse.tools.course_map write`` rewrites, from :data:`mgcourse.course_map.CHAPTERS`:

- the README's course map (between the ``course-map:start`` and ``course-map:end`` markers);
- the time column of INSTRUCTORS.md's table and the ``**Timing.** Self-paced: C + E minutes`` opening of each
  chapter's section there;
- each chapter notebook's badge row (`` `Chapter N of 10` · `about C minutes + E for the exercises` ``) and the
  ``**Estimated time:** about C minutes for the chapter, plus E minutes for the exercises`` line of its
  prerequisites. Only those Markdown sources change: outputs are untouched and nothing is executed.

Chapter 00 prints the map with :func:`mgcourse.welcome.course_map_markdown` when it runs, so after a change of
the table, re-execute chapter 00 (``python -m mgcourse.tools.notebooks refresh notebooks/00_welcome.ipynb``).

``python -m mgcourse.tools.course_map check`` reports what disagrees (exit status 1), without writing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from .. import REPO_ROOT
from ..course_map import CHAPTERS, badge_number, badge_time, estimated_time_line, markdown_table

START = "<!-- course-map:start (written by python -m mgcourse.tools.course_map write) -->"
END = "<!-- course-map:end -->"

BADGE_NUMBER = re.compile(r"`Chapter \d+ of \d+`")
BADGE_TIME = re.compile(r"`about \d+ minutes[^`]*`")
ESTIMATED = re.compile(r"\*\*Estimated time:\*\*[^\n]*?for the exercises")
TIMING = re.compile(r"\*\*Timing\.\*\* Self-paced: \d+ \+ \d+ minutes")


def available_notebooks(root: Path = REPO_ROOT) -> set[str]:
    return {p.name for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb")}


def readme_block(root: Path = REPO_ROOT) -> str:
    return "\n".join([START, "", markdown_table("notebooks/", available=available_notebooks(root)), "", END])


def render_readme(text: str, root: Path = REPO_ROOT) -> str:
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        raise ValueError(f"README.md has no course-map block ({START!r} … {END!r})")
    return text[:i] + readme_block(root) + text[j + len(END):]


def render_instructors(text: str) -> str:
    for ch in CHAPTERS:
        row = re.compile(rf"^(\| {ch.number} \| `{re.escape(ch.stem)}` \| )[^|]*( \|)", re.M)
        text = row.sub(lambda m: f"{m.group(1)}{ch.time_text}{m.group(2)}", text)
        section = re.search(rf"^## Chapter {ch.number} ·.*?(?=^## |\Z)", text, re.M | re.S)
        if section:
            body = TIMING.sub(f"**Timing.** Self-paced: {ch.chapter_min} + {ch.exercises_min} minutes",
                              section.group(0), count=1)
            text = text[:section.start()] + body + text[section.end():]
    return text


def render_notebook_sources(nb: dict, number: str) -> dict:
    """The notebook with its badge row and estimated-time line rewritten (Markdown sources only)."""
    ch = next(c for c in CHAPTERS if c.number == number)
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new = BADGE_NUMBER.sub(f"`{badge_number(ch)}`", src, count=1)
        new = BADGE_TIME.sub(f"`{badge_time(ch)}`", new, count=1)
        new = ESTIMATED.sub(estimated_time_line(ch).replace("\\", "\\\\"), new, count=1)
        if new != src:
            cell["source"] = new.splitlines(keepends=True)
    return nb


def _notebook_targets(root: Path) -> list[tuple[Path, str]]:
    out = []
    for ch in CHAPTERS:
        p = root / "notebooks" / ch.notebook
        if p.exists():
            out.append((p, ch.number))
    return out


def plan(root: Path = REPO_ROOT) -> dict[Path, str]:
    """{file: new text} for every file whose text would change."""
    changes: dict[Path, str] = {}
    for name, render in (("README.md", lambda t: render_readme(t, root)), ("INSTRUCTORS.md", render_instructors)):
        path = root / name
        old = path.read_text(encoding="utf-8")
        new = render(old)
        if new != old:
            changes[path] = new
    for path, number in _notebook_targets(root):
        old = path.read_text(encoding="utf-8")
        nb = render_notebook_sources(nbformat.reads(old, as_version=nbformat.NO_CONVERT), number)
        if json.loads(nbformat.writes(nb)) != json.loads(old):
            changes[path] = nbformat.writes(nb) + "\n"
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.course_map", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("write", "check"))
    args = parser.parse_args(argv)
    changes = plan()
    if args.action == "check":
        for path in changes:
            print(f"out of date: {path.relative_to(REPO_ROOT)}")
        return 1 if changes else 0
    for path, text in changes.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    if changes:
        print("re-execute chapter 00 if the table changed: python -m mgcourse.tools.notebooks refresh "
              "notebooks/00_welcome.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
