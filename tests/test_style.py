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


# --------------------------------------------------------------------------- alt text reaches HTML (issue 14, item 6)
def test_figure_bundle_puts_the_description_in_the_img_alt_and_stores_the_png_once():
    import base64
    import html
    import re

    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1])
    alt = 'Glucose rises to 140 mg/dL, then falls; "HOMA" < 2 & more.'
    bundle = style.figure_bundle(fig, alt)
    assert set(bundle) == {"text/html", "text/plain"}, "the PNG must not be stored a second time as image/png"
    m = re.fullmatch(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"/>', bundle["text/html"])
    assert m, bundle["text/html"][:80]
    assert base64.b64decode(m.group(1)) == style.png_bytes(fig)
    assert html.unescape(m.group(2)) == alt
    assert bundle["text/plain"] == f"[Figure] {alt}"


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_figure_bundle_refuses_a_missing_description(bad):
    fig, _ = style.new_figure()
    with pytest.raises(ValueError, match="alt"):
        style.figure_bundle(fig, bad)


def test_site_build_reads_the_html_figure_back():
    from mgcourse.tools.site import html_figure

    fig, ax = style.new_figure()
    ax.plot([0, 1], [1, 0])
    png, alt = html_figure(style.figure_bundle(fig, "A falling line & its label."))
    assert png == style.png_bytes(fig) and alt == "A falling line & its label."
    assert html_figure({"text/html": "<div><img src='x.png'></div>"}) is None
    assert html_figure({"text/plain": "x"}) is None


def test_nbval_sanitiser_hides_the_pixels_but_keeps_the_alt():
    import configparser
    import re

    from mgcourse import REPO_ROOT

    cfg = configparser.ConfigParser()
    cfg.read(REPO_ROOT / "tests" / "nbval_sanitize.cfg")
    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1])
    out = style.figure_html(style.png_bytes(fig), "The line rises.")
    for section in cfg.sections():
        out = re.sub(cfg[section]["regex"], cfg[section]["replace"], out)
    assert out == '<img src="data:image/png;base64,PNG" alt="The line rises."/>'


def test_plt_show_figures_are_displayed_as_img_with_alt():
    """The formatter that apply() installs in a kernel: a Figure formats as <img alt>, with no image/png."""
    from IPython.core.formatters import DisplayFormatter

    class Shell:  # the part of an IPython shell the formatter needs
        display_formatter = DisplayFormatter()

    shell = Shell()
    assert style.install_figure_formatter(shell) is True
    fig = plt.figure()
    try:
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.set_title("Intake by age")
        ax.set_xlabel("age (years)")
        ax.set_ylabel("magnesium (mg/day)")
        data, _ = shell.display_formatter.format(fig)
        assert "image/png" not in data
        assert 'alt="Figure. Intake by age; x axis: age (years); y axis: magnesium (mg/day)."' in data["text/html"]
        style.describe(fig, "Recommended intake rises with age.")
        data, _ = shell.display_formatter.format(fig)
        assert 'alt="Recommended intake rises with age."' in data["text/html"]
    finally:
        plt.close(fig)
    assert style.install_figure_formatter(None) is False  # not in a kernel: nothing installed


def test_control_names_helper():
    from mgcourse import a11y

    bundle = a11y.control_names_bundle()
    js = bundle["application/javascript"]
    assert "aria-label" in js and "aria-valuetext" in js and "MutationObserver" in js
    assert bundle["text/plain"].strip()
    assert a11y.enable_control_names() is False  # outside a kernel nothing is displayed


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
