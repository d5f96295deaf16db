"""Issue 14 item 3: the panel's own bundle carries its static figure, so a widgets.static(...) cell right above
widgets.panel(...) (same widget, optionally one caption cell between) is merged into it: the panel takes the
static cell's place (with the static cell's overrides as initial values) and the later panel cell goes.
Static cells far from their panel stay, and that panel stores a note instead of a second copy of the figure;
so do panels whose default figure the chapter already shows as a numbered figure (NOTE_ONLY).

Usage (idempotent; changes only widget cells, clears their outputs: re-execute the notebooks afterwards):
    python -m mgcourse.tools.merge_static_panels notebooks/*.ipynb
"""
import re, sys
import nbformat

STATIC = re.compile(r'^widgets\.static\("([^"]+)"(.*)\)\s*$', re.S)
#: Panels whose default figure is already a numbered static figure of the chapter (figures 4.6 and 4.7).
NOTE_ONLY = {"04.bifurcation", "04.phase_plane"}
PANEL = re.compile(r'^widgets\.panel\("([^"]+)"(.*)\)\s*$', re.S)

def edit(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    changed = []
    i = 0
    while i < len(cells):
        c = cells[i]
        m = STATIC.match(c.source) if c.cell_type == "code" else None
        if m:
            name, args = m.group(1), m.group(2)
            # the panel for the same widget within the next two cells, only a markdown caption between
            for j in (i + 1, i + 2):
                if j < len(cells) and cells[j].cell_type == "code":
                    pm = PANEL.match(cells[j].source)
                    if pm and pm.group(1) == name and all(cells[k].cell_type == "markdown" for k in range(i + 1, j)):
                        c.source = f'widgets.panel("{name}"{args})'
                        tags = list(dict.fromkeys(c.metadata.get("tags", []) + cells[j].metadata.get("tags", [])))
                        if tags:
                            c.metadata["tags"] = tags
                        c.outputs = []
                        c.execution_count = None
                        del cells[j]
                        changed.append(f"merged static+panel {name}")
                    break
        i += 1
    # panels whose figure is already shown by a static cell elsewhere: a note, not a second copy
    statics = {STATIC.match(c.source).group(1) for c in cells if c.cell_type == "code" and STATIC.match(c.source)}
    for c in cells:
        pm = PANEL.match(c.source) if c.cell_type == "code" else None
        if pm and (pm.group(1) in statics or pm.group(1) in NOTE_ONLY) and "preview=" not in c.source:
            args = pm.group(2)
            c.source = f'widgets.panel("{pm.group(1)}", preview="note"{args})'
            c.outputs = []
            c.execution_count = None
            changed.append(f"note preview {pm.group(1)}")
    nb.metadata.pop("widgets", None)  # saved widget state stays out of git (issue 14 item 8)
    nbformat.validate(nb)
    open(path, "w", encoding="utf-8").write(nbformat.writes(nb) + "\n")
    return changed

if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(p, edit(p))
