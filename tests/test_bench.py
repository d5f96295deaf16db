"""The benchmark command runs and reports the documented JSON shape (timings are not asserted)."""

import json
import subprocess
import sys

from mgcourse.tools import bench


def test_time_call_counts_and_warms_up():
    calls = []
    times, result = bench.time_call(lambda: calls.append(1) or len(calls), repeats=7, budget_s=5)
    assert len(times) == 7 and len(calls) == 9 and result == 9
    assert all(t >= 0 for t in times)


def test_percentile():
    assert bench._percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert bench._percentile([0, 10], 0.95) == 9.5


def test_json_output_shape():
    out = subprocess.run([sys.executable, "-m", "mgcourse.tools.bench", "--json", "--no-notebooks", "--only", "00.",
                          "--repeats", "5"], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    row = data["callbacks"]["00.converter"]
    assert set(row) >= {"min_ms", "median_ms", "p95_ms"}
    assert row["min_ms"] <= row["median_ms"] <= row["p95_ms"]
    assert data["notebooks"] == {}


def test_report_table(tmp_path):
    results = {"callbacks": {"x": {"min_ms": 1.0, "median_ms": 2.0, "p95_ms": 3.0, "calls": 5},
                             "y": {"min_ms": 1.0, "median_ms": 2.0, "p95_ms": 3.0, "calls": 5,
                                   "update_min_ms": 5.0, "update_median_ms": 6.0, "update_p95_ms": 7.5,
                                   "in_place": True, "frames_blit": 28, "frames_full": 2}},
               "notebooks": {"00_welcome.ipynb": {"seconds": 4.2}}, "machine": bench.machine(),
               "import_seconds": 0.5}
    bench.write_report(results, tmp_path / "performance.md")
    text = (tmp_path / "performance.md").read_text()
    assert "| `x` | 2.0 | 3.0 | – | – | – | – | 5 |" in text and "4.2" in text and "Machine:" in text
    assert "| `y` | 2.0 | 3.0 | 6.0 | 7.5 | artists | 28 / 2 | 5 |" in text


def test_browser_section_is_kept_and_replaced(tmp_path):
    """The browser benchmark's section survives a kernel report and is replaced, not repeated, on a rerun."""
    from mgcourse.tools import bench_browser

    path = tmp_path / "performance.md"
    results = {"panels": {"04.explorer": {"control": "slider", "figure": "canvas (ipympl)", "moves": 3, "timeouts": 0,
                                          "panel_height_px": 700, "min_ms": 40.0, "median_ms": 55.0, "p95_ms": 90.0}},
               "machine": bench.machine(), "moves": 3, "viewport": "1440x900"}
    results["machine"]["load_1min"] = 0.5
    bench.insert_browser_section(path, bench_browser.markdown(results))
    kernel = {"callbacks": {"x": {"min_ms": 1.0, "median_ms": 2.0, "p95_ms": 3.0, "calls": 5}}, "notebooks": {},
              "machine": bench.machine()}
    bench.write_report(kernel, path)
    results["panels"]["04.explorer"]["median_ms"] = 66.0
    bench.insert_browser_section(path, bench_browser.markdown(results))
    text = path.read_text()
    assert text.count("keypress to updated figure") == 1 and "| `04.explorer` | slider | canvas (ipympl) | 40 | 66 | 90 | 700 |" in text
    assert "| `x` | 2.0 | 3.0 |" in text


def test_calibration_panels_register_only_when_imported():
    """The browser benchmark's calibration panels are not course panels: discover() skips them."""
    from mgcourse import widgets

    assert not any(n.startswith("bench.") for n in widgets.discover())
    from mgcourse.tools import bench_calibration

    try:
        views = {n: widgets.build_panel(n, mode="inline").view for n in bench_calibration.NAMES}
        assert views["bench.floor"].animated and views["bench.axes_blit"].animated
        assert not views["bench.axes_full"].animated  # the one that draws the whole figure every time
        assert all(v.figure is not None and v.alt for v in views.values())
    finally:
        for n in bench_calibration.NAMES:
            widgets.REGISTRY.pop(n, None)


def test_browser_goal_per_control():
    from mgcourse.tools.bench_browser import meets_goal

    assert meets_goal({"control": "slider", "median_ms": 80, "p95_ms": 200})
    assert not meets_goal({"control": "slider", "median_ms": 101, "p95_ms": 200})
    assert not meets_goal({"control": "slider", "median_ms": 80, "p95_ms": 251})
    assert meets_goal({"control": "dropdown", "median_ms": 700, "p95_ms": 1500})
    assert not meets_goal({"control": "text box"})  # not measured: not met


def test_browser_bench_waits_for_a_quiet_machine(monkeypatch):
    """--wait-quiet polls the load average until it falls to 1.0 (or the wait ends) and reports the load then."""
    import os
    import time

    from mgcourse.tools import bench_browser

    loads = iter([3.0, 2.1, 0.8, 0.8])
    monkeypatch.setattr(os, "getloadavg", lambda: (next(loads), 0.0, 0.0), raising=False)
    monkeypatch.setattr(time, "sleep", lambda s: None)
    assert bench_browser.wait_for_quiet(600) == 0.8
    busy = iter([5.0] * 100)
    monkeypatch.setattr(os, "getloadavg", lambda: (next(busy), 0.0, 0.0), raising=False)
    assert bench_browser.wait_for_quiet(0) == 5.0  # no wait: the load as it is


def test_browser_row_pools_the_rounds():
    """A panel's row summarises its moves over every round; a move that timed out counts as a timeout, not a time."""
    from mgcourse.tools.bench_browser import _panel_row

    st = {"times": [50.0, 70.0, float("nan"), 60.0, 90.0], "control": "slider", "figure": "canvas (ipympl)",
          "height": 600}
    row = _panel_row(st)
    assert row["moves"] == 5 and row["timeouts"] == 1
    assert (row["min_ms"], row["median_ms"]) == (50.0, 65.0)
    assert "median_ms" not in _panel_row({"times": [float("nan")] * 2, "control": "slider"})
