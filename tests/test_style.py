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
    assert cycle["color"][:4] == [style.OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion")]
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
