"""Benchmarks: how fast the course responds. Timings are printed, never asserted.

``python -m mgcourse.tools.bench``                 every registered widget callback, then every notebook
``python -m mgcourse.tools.bench --no-notebooks``  callbacks only (seconds, not minutes)
``python -m mgcourse.tools.bench --only 03.``      callbacks whose name starts with ``03.``
``python -m mgcourse.tools.bench --json``          one JSON object:
    ``{"callbacks": {name: {"min_ms", "median_ms", "p95_ms", "render_median_ms", "calls"}},
       "notebooks": {name: {"seconds"}}, "import_seconds": …, "machine": {…}}``
``python -m mgcourse.tools.bench --report``        also write ``docs/performance.md``

Each timed call of a callback uses a new, seeded random setting of all its
controls (what moving a slider to a new value does), so caches keyed on the
parameters do not hide the cost; an input the callback rejects is timed too (the
learner then waits for the message). 2 warm-up calls, then at least 5 and up to
``--repeats`` calls, or about 2 s per callback. ``median_ms`` times the callback alone.
``update_*_ms`` time what a learner waits for in the kernel when a control moves in a live panel (a seeded
walk from the defaults, one control changed per step, as a learner moves them): a real panel on an ipympl
canvas with no browser attached computes the view (the spec's in-place updater, or the callback redrawn into
the same figure), blits its animated artists or draws the whole figure, and encodes the PNG frame it would
send: timed up to that frame leaving (the readout is rendered after it); ``frames_blit`` / ``frames_full`` count the two kinds of frame (the first full draw included). ``python -m mgcourse.tools.bench --browser`` measures keypress to updated figure in JupyterLab.
Extra benchmarks (a model run that is not a widget) register with
:func:`register_benchmark`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from .. import REPO_ROOT

from .._registry import BENCHMARKS as _EXTRA, register_benchmark  # noqa: F401  (re-exported)


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def time_call(func: Callable[..., object], repeats: int = 30, budget_s: float = 2.0,
              args: list[dict] | None = None) -> tuple[list[float], object]:
    """Times in ms of ``repeats`` calls after 2 warm-ups (fewer if the budget runs out, never < 5).

    With ``args`` (a list of keyword dicts, one per call, cycled), each call gets its own arguments.
    """
    def call(k):
        return func(**args[k % len(args)]) if args else func()

    result = None
    for k in range(2):
        result = call(k)
    times = []
    t_start = time.perf_counter()
    while len(times) < repeats and (len(times) < 5 or time.perf_counter() - t_start < budget_s):
        t0 = time.perf_counter()
        result = call(len(times) + 2)
        times.append((time.perf_counter() - t0) * 1000.0)
    return times, result


def bench_callbacks(only: str = "", repeats: int = 30) -> dict:
    from .. import widgets

    out = {}
    for name, spec in sorted(widgets.discover().items()):
        if not name.startswith(only):
            continue
        points = spec.random_points(repeats + 2, seed=2026)
        times, _ = time_call(lambda **p: widgets.safe_call(spec.func, **p), repeats, args=points)
        view = widgets.safe_call(spec.func, **spec.defaults())
        row = {"min_ms": min(times), "median_ms": statistics.median(times), "p95_ms": _percentile(times, 0.95),
               "calls": len(times)}
        if getattr(view, "figure", None) is not None:
            utimes, frames = time_live_updates(spec, spec.walk(repeats + 2, seed=2026))
            row.update(update_min_ms=min(utimes), update_median_ms=statistics.median(utimes),
                       update_p95_ms=_percentile(utimes, 0.95), in_place=spec.update is not None,
                       frames_blit=frames.get("blit", 0), frames_full=frames.get("full", 0))
        out[name] = row
    for name, func in sorted(_EXTRA.items()):
        if name.startswith(only):
            times, _ = time_call(func, repeats)
            out[name] = {"min_ms": min(times), "median_ms": statistics.median(times),
                         "p95_ms": _percentile(times, 0.95), "calls": len(times)}
    return out


def time_live_updates(spec, points: list[dict], budget_s: float = 3.0) -> tuple[list[float], dict]:
    """Milliseconds per control change in a live panel, as the learner waits for it in the kernel: the panel
    (ipympl canvas, no browser attached) computes the view, then blits the animated artists or draws the whole
    figure, and encodes the PNG frame it would send. Returns the times and the count of blitted / full frames.
    Without ipympl, the inline panel's update plus an Agg draw is timed instead."""
    from .. import widgets

    try:
        widgets._import_ipympl_keeping_backend()
        cls = widgets._panel_canvas_class()
    except ImportError:
        cls = None
    if cls is None:
        return _time_inline_updates(spec, points, budget_s), {}
    sent = []
    original_send = cls.send
    # no browser: the frame is encoded, then dropped; the time it would leave the kernel is noted (the readout is
    # rendered after the figure, so the figure's latency ends here)
    cls.send = lambda self, *a, **k: sent.append(time.perf_counter()) if k.get("buffers") else None
    try:
        panel = widgets.Panel(spec.name, mode="ipympl")
        if panel.canvas is not None:
            panel.canvas.syncing_data_url = False
            panel.canvas.draw()  # the first full draw the browser asks for (caches the background)
        times = []
        t_start = time.perf_counter()
        for p in points:
            if len(times) >= 5 and time.perf_counter() - t_start > budget_s:
                break
            changed = {k: v for k, v in p.items() if panel.controls[k].value != v}
            if not changed:
                continue
            sent.clear()
            t0 = time.perf_counter()
            for k, v in changed.items():  # a walk changes one control per step: one refresh, as in the browser
                panel.controls[k].value = v
            t1 = sent[-1] if sent else time.perf_counter()  # the new frame sent (or, without a figure, the readout)
            times.append((t1 - t0) * 1000.0)
        return times, dict(panel._blit.frames)
    finally:
        cls.send = original_send


def _time_inline_updates(spec, points: list[dict], budget_s: float) -> list[float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .. import widgets

    view = widgets.update_view(spec, None, None, spec.defaults())
    fig = view.figure
    FigureCanvasAgg(fig).draw()
    times = []
    t_start = time.perf_counter()
    for p in points:
        if len(times) >= 5 and time.perf_counter() - t_start > budget_s:
            break
        t0 = time.perf_counter()
        new = widgets.update_view(spec, view if not view.error else None, fig, p)
        if new.figure is not None:
            fig = new.figure
            canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
            canvas.draw()
            view = new
        times.append((time.perf_counter() - t0) * 1000.0)
    return times


def bench_notebooks(only: str = "") -> dict:
    from .runner import course_notebooks, execute_file

    return {p.name: {"seconds": execute_file(p, inplace=False)}
            for p in course_notebooks() if p.name.startswith(only)}


def import_seconds() -> float:
    """Cold import of the library and its plotting stack, in a fresh interpreter (best of 3)."""
    code = "import time; t=time.perf_counter(); import mgcourse.widgets, mgcourse.style, matplotlib.pyplot; print(time.perf_counter()-t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return min(runs)


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(), "cpu": cpu,
            "cores": os.cpu_count(), "load_1min": load,
            "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}


def _table(results: dict) -> list[str]:
    lines = ["| callback | callback median (ms) | callback p95 (ms) | live update median (ms) | live update p95 (ms) "
             "| in place | frames blitted / full | calls |",
             "|---|---:|---:|---:|---:|:---:|:---:|---:|"]
    for name, r in results["callbacks"].items():
        if "update_median_ms" in r:
            frames = (f"{r['frames_blit']} / {r['frames_full']}" if "frames_blit" in r else "–")
            upd = (f"{r['update_median_ms']:.1f} | {r['update_p95_ms']:.1f} | "
                   f"{'artists' if r['in_place'] else 'redraw'} | {frames}")
        else:
            upd = "– | – | – | –"
        lines.append(f"| `{name}` | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {upd} | {r['calls']} |")
    if results.get("notebooks"):
        lines += ["", "| notebook | execution time (s) |", "|---|---:|"]
        for name, r in results["notebooks"].items():
            lines.append(f"| `{name}` | {r['seconds']:.1f} |")
        total = sum(r["seconds"] for r in results["notebooks"].values())
        lines.append(f"| **total, the notebooks above** | **{total:.1f}** |")
    if "import_seconds" in results:
        lines += ["", f"Cold import of `mgcourse` with matplotlib: {results['import_seconds'] * 1000:.0f} ms (best of 3)."]
    return lines


#: How a live panel answers a control change (the reason the numbers below are what they are).
HOW_PANELS_ANSWER = [
    "## How a panel answers a slider move", "",
    "A keypress on a slider reaches the kernel as a widget message; the panel computes its view and the ipympl canvas "
    "sends a PNG frame of the pixels that changed; the page decodes it and draws it on the panel's canvas. On this "
    "machine class a full matplotlib draw of a panel's figure takes 60-260 ms, most of it text: matplotlib 3.11 lays "
    "out and rasterises every string, glyph by glyph, on every draw. So every course panel (issue 14):",
    "",
    "* keeps its axes fixed over its controls' whole range and builds its figure once; an *updater* changes only the "
    "artists that move (`mgcourse.widgets`, `View.animated`);",
    "* **blits**: the rest of the figure is drawn once and kept as a background; a move redraws only the animated "
    "artists over it (`widgets._Blitter`), after checking that the background is still valid (the axes' limits, "
    "ticks and labels, every other artist unchanged), and falls back to a full draw when it is not;",
    "* draws its animated texts and annotations from cached bitmaps of their strings (a new string, such as a label "
    "carrying the slider's value, from cached bitmaps of its glyphs, so that only its layout is computed anew) and "
    "its animated legends from kept pixels (`mgcourse._stamped_text`); a full draw goes the same way, so a blitted "
    "frame equals a full redraw pixel for pixel;",
    "* sends its PNG frames encoded without row filters in one zlib stream (`widgets.png_rgba`, lossless): a "
    "blitted frame is mostly transparent zeros, which this encodes in about 6 ms where Pillow, trying every row "
    "filter, takes 14-17 ms;",
    "* sends the readout 60 ms after the frame (`widgets.READOUT_DELAY_S`; a further move replaces it): the page "
    "decodes and draws the frame first instead of rendering Markdown and maths at the same time, and while a key is "
    "held the figure follows every step and the readout shows where the slider rests;",
    "* caches what its model computes on the controls' values (ODE runs, LP solutions, survey fits, the phase "
    "plane's 41 intakes).",
    "",
    "`tests/test_blitting.py` checks that this is correct: a blitted frame equals a full redraw, an animated artist "
    "never strikes through a static text, and most slider moves are blitted. Speed is only reported, here.",
    "",
    "Where the rest of a move's time goes (an instrumented run of the browser benchmark on 2026-12-01, quiet "
    "machine, page and kernel clocks compared): the widget message takes 4-7 ms from the page to the kernel; the "
    "kernel answers with the frame in 12-21 ms (for the floor panel below, one line, 9 ms outside JupyterLab, of "
    "which 4 ms encode the frame); the frame takes 5-22 ms from the kernel through the server to the page (more "
    "when the page is still busy with the slider's own update and the kernel's busy/idle status); the page takes "
    "17-29 ms to decode and draw it (ipympl also re-encodes its whole canvas with `toDataURL` on every frame). Only "
    "the kernel's share depends on the panel. A **text box** costs one more message: on Enter, ipywidgets sends a "
    "`submit` message before the new value, and the kernel handles them one after the other, about 25 ms more than "
    "a slider (`02.index_calculator`).",
]


def write_report(results: dict, path: Path) -> None:
    m = results["machine"]
    text = ["# Performance", "",
            "Written by `python -m mgcourse.tools.bench --report`. Timings are reported, not asserted by the tests.", "",
            f"Machine: {m['cpu']} ({m['cores']} cores), {m['platform']}, Python {m['python']}.", "",
            *HOW_PANELS_ANSWER, "",
            "## In the kernel", "",
            *([f"Run on {m['date_utc']} UTC; 1-minute load average after the callback timings: "
               f"{m['load_1min']:.1f} (other work on a shared machine slows every number here)."]
              if m.get("load_1min") is not None else []), "",
            *_table(results), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    browser = ""
    if BROWSER_START in old:
        browser = BROWSER_START + old.split(BROWSER_START, 1)[1].split(BROWSER_END, 1)[0] + BROWSER_END + "\n"
    path.write_text("\n".join(text) + ("\n" + browser if browser else ""), encoding="utf-8")


BROWSER_START = "<!-- browser benchmark: written by python -m mgcourse.tools.bench --browser --report -->"
BROWSER_END = "<!-- end of browser benchmark -->"


def insert_browser_section(path: Path, lines: list[str]) -> None:
    """Put the browser benchmark's section into ``path`` (replacing an earlier one), keeping the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if BROWSER_START in text:
        head, rest = text.split(BROWSER_START, 1)
        tail = rest.split(BROWSER_END, 1)[1] if BROWSER_END in rest else ""
    else:
        head, tail = text.rstrip("\n") + "\n\n", ""
    path.write_text(head + BROWSER_START + "\n" + "\n".join(lines) + "\n" + BROWSER_END + tail.rstrip("\n") + "\n",
                    encoding="utf-8")


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if "--browser" in argv:  # keypress -> updated figure in JupyterLab (Playwright + Chromium)
        from . import bench_browser

        return bench_browser.main([a for a in argv if a != "--browser"])
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", default="", help="only callbacks/notebooks whose name starts with this")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    parser.add_argument("--report", action="store_true", help="write docs/performance.md")
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    results = {"callbacks": bench_callbacks(args.only, args.repeats), "notebooks": {}, "machine": machine()}
    if not args.no_notebooks:
        results["notebooks"] = bench_notebooks(args.only)
    if args.report or not args.json:
        results["import_seconds"] = import_seconds()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n".join(_table(results)))
    if args.report:
        write_report(results, REPO_ROOT / "docs" / "performance.md")
        print(f"wrote {REPO_ROOT / 'docs' / 'performance.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
