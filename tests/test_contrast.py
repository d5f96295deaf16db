"""Graphics colours reach 3:1 contrast against white (course design, section 6; issue 14, item 6).

The rule applied (WCAG 2.1, success criterion 1.4.11 "non-text contrast"): every colour that draws a
line, a marker, a marker edge or text in a course figure has a contrast ratio of at least 3:1 against
the white figure background. Exempt: filled areas (bars, patches, bands, polygons) — their edge or a
label carries the information — and the light greys of grids and background shading. The line
colours must also stay apart from one another for the common colour-vision deficiencies.

Two checks: the palette itself (every colour of the line cycle and every semantic role colour), and
every line, marker and text of every registered figure and of every registered widget at its default
settings, as drawn.
"""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pytest

from mgcourse import style

MIN_CONTRAST = 3.0
#: Smallest CIELAB distance between two line colours, for each simulated vision type.
MIN_DELTA_E = 9.0


def relative_luminance(color) -> float:
    """WCAG 2.1 relative luminance of a matplotlib colour (alpha ignored)."""
    rgb = np.array(mcolors.to_rgb(color))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_on_white(color) -> float:
    return contrast(color, "#ffffff")


def _filled_shape_under(text):
    """The face colour of an opaque patch drawn below ``text`` at its anchor point, if any."""
    ax = text.axes
    if ax is None:
        return None
    point = text.get_transform().transform(text.get_position())
    from matplotlib.patches import FancyArrowPatch

    for patch in reversed(ax.patches):
        if isinstance(patch, FancyArrowPatch):
            continue  # an arrow is a line, not a background
        face = mcolors.to_rgba(patch.get_facecolor())
        if face[3] > 0.5 and patch.get_zorder() <= text.get_zorder() and patch.contains_point(point):
            return face
    return None


def test_contrast_formula_matches_known_values():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#ffffff") == pytest.approx(1.0)
    assert contrast_on_white("#777777") == pytest.approx(4.48, abs=0.01)
    # the published Okabe–Ito orange and sky blue are below 3:1 (why the course darkens them)
    assert contrast_on_white("#E69F00") == pytest.approx(2.25, abs=0.01)
    assert contrast_on_white("#56B4E9") == pytest.approx(2.31, abs=0.01)


LINE_COLOURS = {**{f"COLORS[{i}]": c for i, c in enumerate(style.COLORS)},
                **{f"ROLE_COLORS[{k!r}]": c for k, c in style.ROLE_COLORS.items()},
                **{f"OKABE_ITO[{k!r}]": c for k, c in style.OKABE_ITO.items() if k not in style.FILL_ONLY}}


@pytest.mark.parametrize("name", sorted(LINE_COLOURS))
def test_line_and_marker_colours_reach_3_to_1(name):
    ratio = contrast_on_white(LINE_COLOURS[name])
    assert ratio >= MIN_CONTRAST, f"{name} = {LINE_COLOURS[name]}: {ratio:.2f}:1 against white, need {MIN_CONTRAST}:1"


def test_fill_only_colours_are_not_in_the_line_cycle():
    assert not set(style.FILL_ONLY.values()) & set(style.COLORS)
    assert all(contrast_on_white(c) < MIN_CONTRAST for c in style.FILL_ONLY.values()), "then it need not be fill-only"


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied in linear RGB.
_CVD = {
    "normal vision": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lab(color, matrix) -> np.ndarray:
    rgb = np.array(mcolors.to_rgb(color))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lin = np.clip(matrix @ lin, 0.0, 1.0)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", sorted(_CVD))
def test_line_colours_stay_distinguishable(vision):
    worst = min((float(np.linalg.norm(_lab(a, _CVD[vision]) - _lab(b, _CVD[vision]))), a, b)
                for a, b in itertools.combinations(style.COLORS, 2))
    assert worst[0] >= MIN_DELTA_E, f"{vision}: {worst[1]} and {worst[2]} are only ΔE {worst[0]:.1f} apart"


def test_simulation_separates_what_it_should():
    # red and green collapse for deuteranopia, not for normal vision: the simulation is doing something
    d = lambda v: float(np.linalg.norm(_lab("#D55E00", _CVD[v]) - _lab("#8DB600", _CVD[v])))  # noqa: E731
    assert d("normal vision") > 3 * d("deuteranopia")


# --------------------------------------------------------------------------- figures as drawn
def _visible(artist) -> bool:
    return artist.get_visible() and (artist.get_alpha() is None or artist.get_alpha() > 0)


def _lines_and_texts(fig) -> list:
    """The data lines, legend entries and texts (titles, labels, tick labels, annotations) of ``fig``.

    Collected axis by axis rather than with ``findobj``, which would also ask secondary axes for
    their minor ticks; grid lines are left out (light grey by design).
    """
    out = list(fig.texts)
    for ax in fig.axes:
        out += list(ax.get_lines()) + list(ax.texts)
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        out += list(ax.get_xticklabels()) + list(ax.get_yticklabels())
        legend = ax.get_legend()
        if legend is not None:
            out += list(legend.get_texts()) + [h for h in legend.legend_handles if hasattr(h, "get_marker")]
    legends = getattr(fig, "legends", [])
    for legend in legends:
        out += list(legend.get_texts()) + [h for h in legend.legend_handles if hasattr(h, "get_marker")]
    return out


def low_contrast_artists(fig) -> list[str]:
    """Lines, markers and texts of ``fig`` drawn in a colour below 3:1 on white (grid lines excepted)."""
    from matplotlib.text import Text

    problems = []
    for artist in _lines_and_texts(fig):
        if not _visible(artist):
            continue
        ax = artist.axes
        if ax is not None and (ax.images or any(type(c).__name__ in ("QuadMesh", "ContourSet", "PolyQuadMesh")
                                                for c in ax.collections)):
            continue  # drawn over a colour-mapped field (a heat map): the field, not white, is the background
        if isinstance(artist, Text):
            if not artist.get_text().strip():
                continue
            bbox = artist.get_bbox_patch()
            if bbox is not None and mcolors.to_rgba(bbox.get_facecolor())[3] > 0.5:
                continue  # text on its own box: the box, not white, is its background
            shape = _filled_shape_under(artist)
            if shape is not None:  # e.g. a white "Mg" on a green badge: judged against the badge
                ratio = contrast(artist.get_color(), shape)
                if ratio < MIN_CONTRAST:
                    problems.append(f"Text {artist.get_text().strip()[:40]!r} on {mcolors.to_hex(shape)}: {ratio:.2f}:1")
                continue
            colours = {"text": artist.get_color()}
            label = artist.get_text().strip()[:40]
        else:
            colours = {}
            if artist.get_linestyle() not in ("None", "none", "", " ") and artist.get_linewidth() > 0:
                colours["line"] = artist.get_color()
            if artist.get_marker() not in (None, "None", "none", "", " ", ","):
                edge, face = artist.get_markeredgecolor(), artist.get_markerfacecolor()
                # a marker is visible by its edge or, if filled, by its face: the better of the two counts
                good = [c for c in (edge, face) if mcolors.to_rgba(c)[3] > 0]
                if good:
                    colours["marker"] = max(good, key=contrast_on_white)
            label = artist.get_label()
        for what, colour in colours.items():
            if mcolors.to_rgba(colour)[3] == 0:
                continue
            ratio = contrast_on_white(colour)
            if ratio < MIN_CONTRAST:
                problems.append(f"{type(artist).__name__} {what} {label!r}: {mcolors.to_hex(colour)} {ratio:.2f}:1")
    return problems


def test_the_walker_finds_a_light_line():
    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1], color="#E69F00", label="light")
    ax.plot([0, 1], [1, 0], color="#0072B2", label="dark")
    assert [p for p in low_contrast_artists(fig) if "'light'" in p] and not [p for p in low_contrast_artists(fig)
                                                                            if "'dark'" in p]


def _course_figures():
    from mgcourse import widgets
    from mgcourse.tools import figures  # noqa: F401  (registers the README figures)

    widgets.discover()
    out = [(f"figure {name}", func) for name, (func, _alt) in sorted(style.FIGURE_REGISTRY.items())]
    for name, spec in sorted(widgets.REGISTRY.items()):
        out.append((f"widget {name}", lambda spec=spec: widgets.safe_call(spec.func, **spec.defaults()).figure))
    return out


def test_every_course_figure_draws_lines_markers_and_text_at_3_to_1():
    problems = []
    for label, make in _course_figures():
        fig = make()
        if fig is None:
            continue
        fig.canvas.draw()  # legends, tick labels and layout exist only once drawn
        problems += [f"{label}: {p}" for p in low_contrast_artists(fig)]
    assert not problems, f"{len(problems)} low-contrast artists:\n" + "\n".join(problems[:60])
