"""The shared figure style: palette, line styles, fonts, opaque background, no pyplot leaks."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from mgcourse import style


def test_apply_sets_accessible_defaults():
    style.apply()
    rc = matplotlib.rcParams
    assert rc["font.size"] >= 11 and rc["xtick.labelsize"] >= 11 and rc["legend.fontsize"] >= 11
    assert rc["figure.facecolor"] == "white" and rc["savefig.transparent"] is False
    cycle = rc["axes.prop_cycle"].by_key()
    assert cycle["color"][:4] == ["#0072B2", "#E69F00", "#009E73", "#D55E00"]
    assert len(set(map(str, cycle["linestyle"]))) == len(cycle["linestyle"]), "each colour has its own line style"


def test_okabe_ito_palette_is_complete():
    assert len(style.OKABE_ITO) == 8 and len(style.COLORS) == len(style.LINESTYLES) == len(style.MARKERS)


def test_new_figure_does_not_touch_pyplot():
    before = plt.get_fignums()
    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1])
    assert plt.get_fignums() == before
    assert style.png_bytes(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_show_requires_alt_text():
    fig, _ = style.new_figure()
    with pytest.raises(ValueError, match="alt"):
        style.show(fig, "  ")


def test_register_figure_requires_alt():
    with pytest.raises(ValueError):
        style.register_figure("x", alt="")


def test_reuse_figure_redraws_into_the_same_figure_but_never_a_shared_one():
    from mgcourse import style

    fig, _ = style.new_figure()
    with style.reuse_figure(fig):
        again, ax = style.new_figure(1, 2, figsize=(9.0, 3.0))
        other, _ = style.new_figure()  # only the first new_figure call reuses
    assert again is fig and len(fig.axes) == 2 and tuple(fig.get_size_inches()) == (9.0, 3.0)
    assert other is not fig
    fig._mgcourse_shared = True  # a cached figure: never redrawn in place
    with style.reuse_figure(fig):
        third, _ = style.new_figure()
    assert third is not fig and len(fig.axes) == 2


def test_legends_are_framed():
    from mgcourse import style

    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1], label="a line")
    assert ax.legend().get_frame_on()
