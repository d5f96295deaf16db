"""Regenerate every figure in ``figures/``: ``python -m mgcourse.tools.figures [NAME ...]``.

Figures are made by code, never by hand: chapters register figure functions with
:func:`mgcourse.style.register_figure`. ``figures/README.md`` lists each file
with its description (alt text) and is rewritten on every run.
"""

from __future__ import annotations

import sys

from .. import FIGURES_DIR, widgets
from ..style import FIGURE_REGISTRY, apply, save


def main(argv=None) -> int:
    names = list(argv if argv is not None else sys.argv[1:])
    widgets.discover()  # imports every module, so every figure function is registered
    apply()
    unknown = [n for n in names if n not in FIGURE_REGISTRY]
    if unknown:
        print(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(sorted(FIGURE_REGISTRY))}", file=sys.stderr)
        return 2
    for name in names or sorted(FIGURE_REGISTRY):
        func, _ = FIGURE_REGISTRY[name]
        print(f"wrote {save(func(), name).relative_to(FIGURES_DIR.parent)}")
    lines = ["# Figures", "", "Made by code: `python -m mgcourse.tools.figures` regenerates every file here.", "",
             "| file | what it shows |", "|---|---|"]
    lines += [f"| [`{n}.png`]({n}.png) | {alt} |" for n, (_, alt) in sorted(FIGURE_REGISTRY.items())]
    (FIGURES_DIR / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
