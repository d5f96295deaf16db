"""Magnesium supplements: elemental Mg from labels, forms, absorption and the upper limit (chapter 6).

* :func:`forms_table`: every form in ``data/supplement_forms.csv`` with its molar
  mass, % Mg and salt mass per 100 mg of elemental Mg, **computed from the formula**
  (:func:`mgcourse.chemistry.elemental_fraction`), never typed in.
* :func:`read_label`: a label gives either the mass of the *salt* ("500 mg magnesium
  citrate") or of *elemental* Mg ("providing 100 mg magnesium"); this returns both.
  :func:`family_range` shows how wide the answer is when the label does not say
  which salt or hydrate it is (citrate: 10.4–16.2 % Mg).
* :func:`ul_placement`: where a daily supplemental dose stands against the US UL
  for an age (IOM 1997: 65 mg 1–3 y, 110 mg 4–8 y, 350 mg from 9 y) and the EU
  figure (250 mg/day from 4 y). Every widget here that shows a dose shows it.
* Widget callbacks ``06.compare_forms`` and ``06.dose_response``, and the chapter's
  figures (``figures/ch06_*.png``).

Absorption estimates come from :mod:`mgcourse.models.absorption`, a teaching
model whose Vmax and Km are fitted to two sourced endpoints (Fine 1991), not
taken from the paper. Nothing here is a dose recommendation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection

from . import intakes
from ._validate import choice, in_range
from .chemistry import elemental_fraction, molar_mass
from .data import load_supplement_forms
from .models import absorption
from .style import OKABE_ITO, ROLE_COLORS, new_figure, register_figure
from .widgets import Dropdown, Slider, View, register

#: The sentence that goes with every dose the course shows (course design §10).
SAFETY_NOTE = ("The UL applies to magnesium from supplements and medicines only; **food magnesium has no UL**. "
               "People with **kidney disease** must not take magnesium supplements without medical advice. "
               "These numbers teach label reading; they are not dose advice.")

LABEL_BASES = ("salt", "elemental")

#: Durango trials (Rodríguez-Morán & Guerrero-Romero 2003; Guerrero-Romero et al. 2004): 2.5 g MgCl2/day,
#: physician-supervised, in hypomagnesaemic patients. mg of MgCl2 per day.
DURANGO_MGCL2_MG = 2500.0


# --------------------------------------------------------------------------- forms
@functools.lru_cache(maxsize=1)
def _forms_table_cached() -> pd.DataFrame:
    raw = load_supplement_forms()
    table = raw[["form_id", "name", "formula", "salt_family", "organic", "water_solubility_g_per_100ml"]].copy()
    table["molar_mass_g_per_mol"] = [molar_mass(f) for f in table["formula"]]
    table["mg_fraction"] = [elemental_fraction(f, "Mg") for f in table["formula"]]
    table["mg_percent"] = 100.0 * table["mg_fraction"]
    table["salt_mg_per_100mg_mg"] = 100.0 / table["mg_fraction"]
    return table.set_index("form_id")


def forms_table() -> pd.DataFrame:
    """All supplement forms (index ``form_id``) with computed molar mass (g/mol), % Mg and salt per 100 mg Mg.

    Water solubility (g/100 mL) is the CSV's sourced value (Molecules 2020;25:3172 and
    2021;26:2419) where one exists, otherwise NaN.
    """
    return _forms_table_cached().copy()


def form_ids() -> tuple[str, ...]:
    return tuple(_forms_table_cached().index)


@functools.lru_cache(maxsize=1)
def _form_facts() -> dict[str, tuple[str, float]]:
    """``form_id -> (name, Mg mass fraction)``: what a label reading needs, without a pandas lookup per call
    (a live panel reads a label on every slider move)."""
    table = _forms_table_cached()
    return {fid: (row["name"], float(row["mg_fraction"])) for fid, row in table.iterrows()}


def _check_form_id(form_id) -> str:
    facts = _form_facts()
    if not isinstance(form_id, str) or form_id not in facts:
        raise ValueError(f"form_id must be one of the {len(facts)} forms in data/supplement_forms.csv "
                         f"(e.g. 'oxide', 'bisglycinate', 'trimagnesium_dicitrate_anhydrous'), got {form_id!r}")
    return form_id


def form(form_id: str) -> pd.Series:
    """One row of :func:`forms_table`; ValueError for an unknown ``form_id``."""
    return _forms_table_cached().loc[_check_form_id(form_id)]


def short_name(form_id: str) -> str:
    """The form's name without the word 'Magnesium' (for axis labels)."""
    name = form(form_id)["name"]
    if name.startswith("Magnesium "):
        name = name[len("Magnesium "):]
    return name[0].upper() + name[1:]


# --------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class LabelReading:
    """What a label amount means: salt mass and elemental Mg, both in mg."""

    form_id: str
    basis: str
    amount_mg: float
    salt_mg: float
    elemental_mg: float
    mg_percent: float

    def sentence(self) -> str:
        name = _form_facts()[_check_form_id(self.form_id)][0]
        if self.basis == "salt":
            return (f"{self.amount_mg:.0f} mg of {name} (salt mass) contains {self.elemental_mg:.1f} mg of elemental Mg "
                    f"({self.mg_percent:.2f} % Mg).")
        return (f"{self.amount_mg:.0f} mg of elemental Mg as {name} comes in {self.salt_mg:.0f} mg of the salt "
                f"({self.mg_percent:.2f} % Mg).")


def read_label(amount_mg: float, form_id: str, basis: str = "salt") -> LabelReading:
    """Interpret a label amount (mg) as salt mass (``basis="salt"``) or elemental Mg (``basis="elemental"``).

    >>> round(read_label(500, "trimagnesium_dicitrate_anhydrous").elemental_mg, 1)
    80.8
    """
    amount = in_range("amount_mg", amount_mg, 0, 10_000, unit="mg")
    choice("basis", basis, LABEL_BASES)
    fraction = _form_facts()[_check_form_id(form_id)][1]
    if basis == "salt":
        salt, elem = amount, amount * fraction
    else:
        salt, elem = amount / fraction, amount
    return LabelReading(form_id, basis, amount, salt, elem, 100 * fraction)


def family_range(salt_mg: float, family: str = "citrate") -> tuple[float, float, pd.DataFrame]:
    """Elemental Mg (mg) in ``salt_mg`` mg of a salt whose label names only the family (e.g. "magnesium citrate").

    Returns ``(lowest, highest, table)`` over every form of that family in the CSV.
    For 500 mg of "magnesium citrate": 51.9 (tetradecahydrate) to 80.8 mg (anhydrous trimagnesium dicitrate).
    """
    salt = in_range("salt_mg", salt_mg, 0, 10_000, unit="mg")
    table = _forms_table_cached()
    families = sorted(table["salt_family"].unique())
    choice("family", family, families)
    rows = table[table["salt_family"] == family][["name", "formula", "mg_percent"]].copy()
    rows["elemental Mg (mg)"] = salt * rows["mg_percent"] / 100
    rows = rows.sort_values("mg_percent", ascending=False)
    return float(rows["elemental Mg (mg)"].min()), float(rows["elemental Mg (mg)"].max()), rows


def durango_dose() -> dict:
    """The Durango trials' 2.5 g MgCl2/day as elemental Mg (mg/day) on the anhydrous and the hexahydrate basis."""
    return {"anhydrous": DURANGO_MGCL2_MG * elemental_fraction("MgCl2"),
            "hexahydrate": DURANGO_MGCL2_MG * elemental_fraction("MgCl2·6H2O")}


# --------------------------------------------------------------------------- upper limit
@dataclass(frozen=True)
class ULPlacement:
    """Where a daily supplemental dose (mg/day) stands against the US UL and the EU figure for an age."""

    dose_mg_per_day: float
    age_years: float
    us_ul: float | None
    eu_ul: float | None
    us_sentence: str
    eu_sentence: str

    @property
    def above_us_ul(self) -> bool:
        return self.us_ul is not None and self.dose_mg_per_day > self.us_ul

    @property
    def above_eu_ul(self) -> bool:
        return self.eu_ul is not None and self.dose_mg_per_day > self.eu_ul

    @property
    def percent_of_us_ul(self) -> float | None:
        return None if self.us_ul is None else 100 * self.dose_mg_per_day / self.us_ul

    def markdown(self) -> str:
        # words, not emoji: an emoji font is not always there (a box was shown after "Upper limit:")
        flag = "**above the US UL:** " if self.above_us_ul else ("above the EU figure: " if self.above_eu_ul else "")
        pct = "" if self.percent_of_us_ul is None else f" ({self.percent_of_us_ul:.0f} % of the US UL)"
        return (f"**Upper limit:** {flag}{self.us_sentence}{pct}  \n"
                f"**EU:** {self.eu_sentence}  \n{SAFETY_NOTE}")


def ul_placement(dose_mg_per_day: float, age_years: float) -> ULPlacement:
    """Place a daily dose of **supplemental** Mg (mg/day) against the US UL (IOM 1997) and the EU figure (250 mg).

    >>> ul_placement(400, 30).above_us_ul
    True
    """
    dose = in_range("dose_mg_per_day", dose_mg_per_day, 0, 100_000, unit="mg/day")
    age = in_range("age_years", age_years, 0, 120, unit="years")
    return _ul_placement(dose, age)


@functools.lru_cache(maxsize=64)
def _limits(age_years: float) -> tuple[float | None, float | None]:
    """(US UL, EU upper level) in mg/day for an age (years); cached: widgets ask for the same ages again and again."""
    return intakes.upper_limit_supplemental(age_years), intakes.eu_upper_limit_supplemental(age_years)


@functools.lru_cache(maxsize=512)
def _ul_placement(dose: float, age: float) -> ULPlacement:
    us, eu = _limits(age)
    us_sentence = intakes.ul_status(round(dose, 1), age)
    if eu is None:
        eu_sentence = "the EU (SCF/EFSA) upper level of 250 mg/day is set from age 4; none applies at this age."
    else:
        verdict = "above" if dose > eu else ("at" if dose == eu else "below")
        eu_sentence = (f"{round(dose, 1):g} mg/day is {verdict} the EU (SCF/EFSA) upper level of {eu:g} mg/day "
                       "for readily dissociable Mg salts in supplements.")
    return ULPlacement(dose, age, us, eu, us_sentence, eu_sentence)


# --------------------------------------------------------------------------- widget: compare forms and schedules
@functools.lru_cache(maxsize=1)
def _form_options() -> tuple:
    """The form dropdown's options (read on first use, then kept: the panel checks every value against them)."""
    table = _forms_table_cached()
    return tuple((f"{row['name']} ({row['mg_percent']:.1f} % Mg)", fid) for fid, row in table.iterrows())


def _ul_lines(ax) -> tuple:
    """The US UL and EU lines (vertical) of a dose axis: both always exist, so that an age change moves, relabels or
    hides them in place (:func:`_set_ul_lines`); the x positions here are placeholders."""
    us = ax.axvline(350, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.8, label="US UL")
    eu = ax.axvline(250, color=OKABE_ITO["reddish_purple"], linestyle=":", linewidth=1.8, label="EU")
    return us, eu


def _legend_rows(legend) -> list:
    """Each legend entry's row (the box that packs its handle and its text), in order; ``None`` where the
    legend's layout is not the expected one (hiding an entry then hides its handle and text only)."""
    texts = legend.get_texts()
    try:
        rows = [row for column in legend._legend_handle_box.get_children() for row in column.get_children()]
    except AttributeError:
        rows = []
    return rows if len(rows) == len(texts) else [None] * len(texts)


def _set_ul_lines(lines, legend, first: int, age_years: float) -> None:
    """Put the US UL and EU lines at the limits for ``age_years`` and name them in ``legend`` (entries ``first``
    and ``first + 1``); a limit that does not apply at this age (EU under 4 y) has no line and no legend entry,
    as before (a hidden row takes no room in the legend)."""
    texts, handles, rows = legend.get_texts(), legend.legend_handles, _legend_rows(legend)
    before = [(t.get_text(), t.get_visible()) for t in texts] + [r.get_visible() for r in rows if r is not None]
    for k, (line, value, name) in enumerate(zip(lines, _limits(age_years), ("US UL", "EU"))):
        i = first + k
        shown = value is not None
        if shown:
            line.set_xdata([value, value])
        line.set_visible(shown)
        texts[i].set_text(f"{name} {value:g} mg/day" if shown else name)
        if rows[i] is not None:
            rows[i].set_visible(shown)
        else:
            texts[i].set_visible(shown)
            handles[i].set_visible(shown)
    after = [(t.get_text(), t.get_visible()) for t in texts] + [r.get_visible() for r in rows if r is not None]
    if after != before:
        # a legend's own texts and rows do not tell the legend that they changed; a legend kept in the live
        # panel's cached background must say so itself, or the panel would blit over the old one
        legend.stale = True


def _plain_log_axis(ax, which: str, low: float, high: float) -> None:
    """Make ``ax``'s ``which`` ("x" or "y") axis a fixed logarithmic one from ``low`` to ``high``, with plain tick
    labels (1, 10, 100, 1,000) and unlabelled minor ticks."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    (ax.set_xlim if which == "x" else ax.set_ylim)(low, high)
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


#: Fixed axes of ``06.compare_forms`` over its sliders' whole range (25-1500 mg per tablet, 1-6 tablets, 1-6
#: portions) and every form (5.4-60.3 % Mg). The values span more than three decades: elemental Mg per day from
#: 1.3 mg (one 25 mg tablet of gluconate) to 5,427 mg (six 1500 mg tablets of oxide); salt per tablet from 41 mg
#: (25 mg of Mg as oxide) to 27,811 mg (1500 mg as gluconate); absorbed from 0.9 to 581 mg/day (a chosen daily
#: dose above 5,000 mg is refused). A linear axis wide enough for the largest bars would flatten the default
#: ones (81 mg/day) to a sliver, so these axes are logarithmic, and say so in their labels.
#: ``tests/test_supplements.py`` checks that every value at the sliders' extremes lies inside them.
COMPARE_BAR_LIMITS = {"salt": (1.0, 10_000.0), "elemental": (10.0, 100_000.0)}
COMPARE_ABSORBED_LIMITS = (0.5, 1_000.0)


@functools.lru_cache(maxsize=1)
def _forms_by_percent() -> tuple[tuple[str, ...], np.ndarray]:
    """Form ids sorted by % Mg (the bar order) and their Mg mass fractions."""
    table = _forms_table_cached().sort_values("mg_percent")
    return tuple(table.index), table["mg_fraction"].to_numpy(dtype=float)


def _compare_params(form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years) -> tuple:
    """The checked parameters of ``06.compare_forms`` (shared by the callback and the updater)."""
    portions = absorption._portions(portions)
    tablets = int(in_range("tablets_per_day", tablets_per_day, 1, 12))
    amount = round(in_range("amount_per_tablet_mg", amount_per_tablet_mg, 0, 10_000, unit="mg"), 3)
    age = round(in_range("age_years", age_years, 1, 120, unit="years"), 3)
    return form_id, choice("basis", basis, LABEL_BASES), amount, tablets, portions, age


def _compare_forms_text(form_id: str, basis: str, amount_per_tablet_mg: float, tablets_per_day: int,
                        portions: int, age_years: float):
    reading = read_label(amount_per_tablet_mg, form_id, basis)
    tablets = int(in_range("tablets_per_day", tablets_per_day, 1, 12))
    daily_mg = reading.elemental_mg * tablets
    absorbed = absorption.absorbed_mg(daily_mg, portions)
    absorbed_once = absorption.absorbed_mg(daily_mg, 1)
    placement = ul_placement(daily_mg, age_years)

    lines = [f"**Label:** {reading.sentence()}",
             f"**Per day:** {tablets} tablet{'s' if tablets != 1 else ''} → **{daily_mg:.0f} mg/day of elemental Mg** "
             f"({reading.salt_mg * tablets:.0f} mg of salt).",
             f"**Absorbed (teaching model after Fine 1991; the same for every form):** "
             f"{absorbed:.0f} mg/day in {portions} portion{'s' if portions != 1 else ''}"
             + (f" ({100 * absorbed / daily_mg:.0f} % of the dose)" if daily_mg > 0 else "")
             + (f"; taken all at once: {absorbed_once:.0f} mg/day." if portions > 1 else ".")]
    if portions > tablets:
        # said, not refused: a refusal would blank the panel whenever the portions slider passes the tablets one
        lines.append(f"*{portions} equal portions from {tablets} tablet{'s' if tablets != 1 else ''} a day would mean "
                     "splitting tablets (the outlined bars).*")
    if form_id in absorption.REPORTED_FORM_ABSORPTION:
        rep = absorption.REPORTED_FORM_ABSORPTION[form_id]
        lines.append(f"*Different method:* {rep.source} reported ≈{100 * rep.fraction:.0f} % for MgO "
                     f"(≈{rep.fraction * daily_mg:.0f} mg/day at this dose); not comparable with the model line above.")
    lines.append(placement.markdown())
    return reading, tablets, daily_mg, absorbed, placement, "\n\n".join(lines)


def _compare_values(form_id, basis, reading, tablets, daily_mg, portions):
    """Bar values of both panels (left: by form; right: absorbed for 1 to 6 portions) and the right bars' colours."""
    ids, fractions = _forms_by_percent()
    if basis == "salt":
        vals = reading.amount_mg * fractions * tablets
    else:
        vals = reading.amount_mg / fractions
    ps = list(range(1, 7))
    abs_vals = [absorption.absorbed_mg(daily_mg, p) for p in ps]
    # chosen schedule: green; other feasible schedules: grey; schedules needing split tablets: pale, outlined
    faces = [ROLE_COLORS["magnesium"] if p == portions else ("#b9b9b9" if p <= tablets else "#eeeeee") for p in ps]
    edges = ["none" if p <= tablets else "#777777" for p in ps]
    return ids, vals, ps, abs_vals, faces, edges


def _margins(low: float, high: float, share: float = 0.05) -> tuple[float, float]:
    """``(low, high)`` widened by ``share`` of the span on each side (matplotlib's default autoscale margins)."""
    pad = share * (high - low)
    return low - pad, high + pad


def _hbar_verts(widths) -> list:
    """Corners of horizontal bars of height 0.8 from 0 to each width, one row per value (as ``barh`` draws)."""
    return [[(0.0, k - 0.4), (float(w), k - 0.4), (float(w), k + 0.4), (0.0, k + 0.4)] for k, w in enumerate(widths)]


def _bar_value(v: float) -> str:
    return f"{v:,.0f}" if v >= 9.95 else f"{v:.1f}"


def _compare_titles(basis, reading, tablets, daily_mg):
    left = (f"{tablets} × {reading.amount_mg:.0f} mg of salt: elemental Mg by form" if basis == "salt"
            else f"Tablet mass for {reading.amount_mg:.0f} mg of elemental Mg, by form")
    return left, f"{daily_mg:.0f} mg/day split"


def _compare_alt(basis, n_forms, daily_mg):
    return (f"Left: bars for all {n_forms} forms on a logarithmic axis, the chosen form highlighted, "
            + ("elemental Mg per day from the same salt mass, with the US and EU upper limits as dashed lines; "
               if basis == "salt" else "salt mass needed for the same elemental Mg; ")
            + f"right: absorbed Mg per day from {daily_mg:.0f} mg/day in 1 to 6 equal portions in the teaching model, "
            "on a logarithmic axis (pale outlined bars would need more tablets than chosen).")


def _compare_forms(form_id: str, basis: str, amount_per_tablet_mg: float, tablets_per_day: int, portions: int,
                   age_years: float) -> View:
    # the readout first: refused input (a daily dose beyond the model's 5,000 mg) raises before a figure is built
    _compare_forms_text(form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years)
    ids, _ = _forms_by_percent()
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.8), gridspec_kw={"width_ratios": [1.6, 1]})
    # bar lengths, colours, titles, limit lines and legend text are set by _compare_forms_fill. The forms' bars
    # are one collection (a frame draws it in one call: 27 rectangles took six times as long), laid out as
    # ``barh`` lays out its bars (height 0.8, one row per form, 5 % margins)
    bars1 = PolyCollection(_hbar_verts(np.ones(len(ids))), facecolors="#b9b9b9", edgecolors="none")
    ax1.add_collection(bars1, autolim=False)
    ax1.set_yticks(range(len(ids)), [short_name(i) for i in ids])
    ax1.set_ylim(*_margins(-0.4, len(ids) - 0.6))
    if basis == "salt":
        ul = _ul_lines(ax1)
        legend = ax1.legend(handles=list(ul), loc="lower right", fontsize=9, frameon=True, framealpha=0.9)
        ax1.set_xlabel("elemental Mg (mg/day, log scale)")
    else:
        ul, legend = (), None
        ax1.set_xlabel("salt mass per tablet (mg, log scale)")
    _plain_log_axis(ax1, "x", *COMPARE_BAR_LIMITS[basis])
    title1 = ax1.set_title(" ", loc="left", fontsize=11)
    ax1.tick_params(axis="y", labelsize=8)
    ax1.grid(axis="y", visible=False)
    bars2 = ax2.bar([str(p) for p in range(1, 7)], np.ones(6), color="#b9b9b9", edgecolor="none")
    ax2.set_xlabel("equal portions per day")
    ax2.set_ylabel("absorbed Mg (mg/day, log scale)\nteaching model")
    _plain_log_axis(ax2, "y", *COMPARE_ABSORBED_LIMITS)
    title2 = ax2.set_title(" ", loc="left", fontsize=11)
    ax2.grid(axis="x", visible=False)
    # the chosen form's and the chosen schedule's values written at their bars: a log axis is hard to read off
    # (two labels only: each animated text costs a millisecond or more per frame)
    chosen = (ax1.text(1, 0, "", va="center", ha="left", fontsize=8),
              ax2.text(0, 1, "", va="bottom", ha="center", fontsize=8))
    artists = {"basis": basis, "bars1": bars1, "bars2": bars2, "ul": ul, "legend": legend, "axes": (ax1, ax2),
               "titles": (title1, title2), "chosen": chosen}
    return _compare_forms_fill(fig, artists, form_id, basis, amount_per_tablet_mg, tablets_per_day, portions,
                               age_years)


def _compare_forms_fill(fig, a, form_id, basis, amount_per_tablet_mg, tablets_per_day, portions,
                        age_years) -> View:
    """Set the bars, the limit lines, the titles and the readout (shared by the callback and the updater)."""
    reading, tablets, daily_mg, absorbed, placement, text = _compare_forms_text(
        form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years)
    ids, vals, ps, abs_vals, faces, edges = _compare_values(form_id, basis, reading, tablets, daily_mg, portions)
    k = ids.index(form_id)
    a["bars1"].set_verts(_hbar_verts(vals))
    a["bars1"].set_facecolor([OKABE_ITO["blue"] if i == form_id else "#b9b9b9" for i in ids])
    a["chosen"][0].set_position((float(vals[k]) * 1.08, k))
    a["chosen"][0].set_text(_bar_value(vals[k]))
    for bar, v, f, e in zip(a["bars2"], abs_vals, faces, edges):
        bar.set_height(v)
        bar.set_facecolor(f)
        bar.set_edgecolor(e)
    a["chosen"][1].set_position((portions - 1, abs_vals[portions - 1] * 1.06))
    a["chosen"][1].set_text(_bar_value(abs_vals[portions - 1]))
    if a["ul"]:
        _set_ul_lines(a["ul"], a["legend"], 0, age_years)
    for title, t in zip(a["titles"], _compare_titles(basis, reading, tablets, daily_mg)):
        title.set_text(t)
    return View(text=text, figure=fig, alt=_compare_alt(basis, len(ids), daily_mg), artists=a,
                # redrawn on each move: the bars and their value labels, the limit lines and their legend (on
                # top of the bars), the titles
                animated=(a["bars1"], a["bars2"], *a["ul"], *a["chosen"],
                          *((a["legend"],) if a["legend"] else ()), *a["titles"]),
                data={"elemental_mg_per_day": daily_mg, "absorbed_mg_per_day": absorbed,
                      "above_us_ul": placement.above_us_ul})


@register("06.compare_forms", title="Compare supplement forms and schedules (teaching model, not advice)",
          form_id=Dropdown("Form", _form_options, "trimagnesium_dicitrate_anhydrous"),  # options read on use
          basis=Dropdown("The label's number is", (("salt mass ('500 mg magnesium citrate')", "salt"),
                                                   ("elemental Mg ('providing 100 mg magnesium')", "elemental")),
                         "salt"),
          amount_per_tablet_mg=Slider("Amount per tablet (mg)", 25, 1500, 500, 25),
          tablets_per_day=Slider("Tablets (per day)", 1, 6, 1, 1, integer=True),
          portions=Slider("Portions (per day)", 1, 6, 1, 1, integer=True),
          age_years=Slider("Age (years)", 1, 90, 30, 1, integer=True))
def compare_forms_view(form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years):
    """Elemental Mg per day, absorbed estimate and upper-limit placement for a label and a schedule."""
    return _compare_forms(*_compare_params(form_id, basis, amount_per_tablet_mg, tablets_per_day, portions,
                                           age_years))


@compare_forms_view.updater
def _compare_forms_update(view, form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years):
    """In place for the form, the amount, tablets, portions and age (bar lengths and colours, limit lines, titles);
    a new label basis (another axis) redraws the figure."""
    params = _compare_params(form_id, basis, amount_per_tablet_mg, tablets_per_day, portions, age_years)
    if params[1] != view.artists["basis"]:
        return None
    return _compare_forms_fill(view.figure, view.artists, *params)


# --------------------------------------------------------------------------- widget: dose response
#: The dose slider's top (mg/day); the axes of ``06.dose_response`` are fixed over 0 to this in 1-6 portions.
DOSE_RESPONSE_MAX_MG = 1200.0
DOSE_RESPONSE_MAX_PORTIONS = 6


def _dose_response_text(daily_dose_mg: float, portions: int, age_years: float):
    per = daily_dose_mg / portions
    absorbed = absorption.absorbed_mg(daily_dose_mg, portions)
    once = absorption.absorbed_mg(daily_dose_mg, 1)
    placement = ul_placement(daily_dose_mg, age_years)
    f_per = absorption.fraction_absorbed(per)
    portions_word = "portion" if portions == 1 else "portions"
    text = [f"**{daily_dose_mg:.0f} mg/day of elemental Mg in {portions} {portions_word} of {per:.0f} mg.** "
            f"Each portion is {100 * f_per:.0f} % absorbed → **{absorbed:.0f} mg/day absorbed** "
            f"(all at once: {once:.0f} mg/day).",
            "*Teaching model after Fine 1991 (Mg acetate with a standard meal): the 7 % linear term and the "
            "65 % / 11 % endpoints are sourced; Vmax and Km are fitted for teaching, not from the paper.*",
            placement.markdown()]
    alt = (f"Left: modelled fraction absorbed falls from 65 % towards 7 % as the portion grows, with the two sourced "
           f"endpoints and the chosen {per:.0f} mg portion marked; right: absorbed mg/day against daily dose for 1, 2 "
           "and 3 portions, with the chosen schedule and the upper limits for the chosen age.")
    return "\n\n".join(text), alt, per, f_per, absorbed


def _dose_response(daily_dose_mg: float, portions: int, age_years: float) -> View:
    _dose_response_text(daily_dose_mg, portions, age_years)  # refuses bad input before a figure is built
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.4))
    d = np.linspace(0, DOSE_RESPONSE_MAX_MG, 241)
    ax1.plot(d, 100 * absorption.fraction_absorbed_curve(d), color=ROLE_COLORS["magnesium"], label="model")
    ax1.axhline(100 * absorption.PARACELLULAR_FRACTION, color=ROLE_COLORS["reference"], linestyle=":",
                label="linear term only (7 %)")
    ax1.plot([0, absorption.HIGH_END_DOSE_MG],
             [100 * absorption.LOW_END_FRACTION, 100 * absorption.HIGH_END_FRACTION],
             linestyle="none", marker="s", color=OKABE_ITO["black"], label="sourced endpoints (Fine 1991)")
    portion = ax1.plot([0], [0], linestyle="none", marker="o", markersize=10, color=OKABE_ITO["orange"],
                       markeredgecolor="black", label="your portion")[0]
    ax1.set_xlabel("Mg in one portion (mg)")
    ax1.set_ylabel("fraction absorbed (%)")
    # fixed axes over the sliders' range: one portion holds 0-1200 mg (x as autoscaled for the curve); the
    # fraction stays within 7-65 %
    ax1.set_xlim(*_margins(0, DOSE_RESPONSE_MAX_MG))
    ax1.set_ylim(0, 70)
    legend1 = ax1.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    # The legend stays in the cached background (a legend costs a frame about as much as everything else
    # together); only its last entry's text changes with the portion, so that text is an annotation drawn on
    # top, pinned to the legend's own (transparent) text for the entry. The marker never reaches the legend:
    # a portion of 560 mg or more, under the legend, is absorbed at 14 % or less.
    slot = legend1.get_texts()[-1]
    slot.set_text("your portion (1200 mg)")  # the room it takes (the legend is as wide as its longest entry)
    slot.set_alpha(0.0)
    portion_label = ax1.annotate("", xy=(0, 0), xycoords=slot, ha="left", va="bottom", color=slot.get_color(),
                                 fontproperties=slot.get_fontproperties(), zorder=legend1.get_zorder() + 1)
    portion_label.set_in_layout(False)  # placed by the legend: the layout already makes room for the legend
    dd = np.linspace(0, DOSE_RESPONSE_MAX_MG, 121)
    for p, color, ls in ((1, OKABE_ITO["blue"], "-"), (2, OKABE_ITO["sky_blue"], "--"), (3, OKABE_ITO["bluish_green"], "-.")):
        ax2.plot(dd, p * absorption.absorbed_mg_curve(dd / p), label=f"{p} portion{'s' if p > 1 else ''}",
                 color=color, linestyle=ls)
    schedule = ax2.plot([0], [0], linestyle="none", marker="o", markersize=10,
                        color=OKABE_ITO["orange"], markeredgecolor="black", label="your schedule")[0]
    ul = _ul_lines(ax2)
    ax2.set_xlabel("daily supplemental Mg (mg/day)")
    ax2.set_ylabel("absorbed Mg (mg/day)")
    # fixed axes: the schedule marker reaches its highest at 1200 mg/day in 6 portions (268 mg/day absorbed),
    # above the 3-portion curve drawn; absorbed mg/day rises with the portions, so that is the top of the range.
    # The room below 0 (12 % of the top) keeps the lowest marker under the legend, 1 portion of 750-1200 mg,
    # clear of it (the legend stays in the cached background; tests/test_supplements.py checks the clearance)
    top = absorption.absorbed_mg(DOSE_RESPONSE_MAX_MG, DOSE_RESPONSE_MAX_PORTIONS)
    ax2.set_xlim(*_margins(0, DOSE_RESPONSE_MAX_MG))
    ax2.set_ylim(-0.12 * top, 1.05 * top)
    # in the background too: its limit entries change only with the age group (a full draw then); the schedule
    # marker stays above it (see the y limits above)
    legend2 = ax2.legend(handles=[*ax2.get_lines()[:4], *ul], loc="lower right", fontsize=9, frameon=True,
                         framealpha=0.9)
    artists = {"portion": portion, "schedule": schedule, "portion_label": portion_label, "legend2": legend2,
               "ul": ul}
    return _dose_response_fill(fig, artists, daily_dose_mg, portions, age_years)


def _dose_response_fill(fig, a, daily_dose_mg: float, portions: int, age_years: float) -> View:
    """Move the two markers and the limit lines, and set the legends and the readout (callback and updater)."""
    text, alt, per, f_per, absorbed = _dose_response_text(daily_dose_mg, portions, age_years)
    a["portion"].set_data([per], [100 * f_per])
    a["schedule"].set_data([daily_dose_mg], [absorbed])
    a["portion_label"].set_text(f"your portion ({per:.0f} mg)")
    _set_ul_lines(a["ul"], a["legend2"], 4, age_years)
    return View(text=text, figure=fig, alt=alt, artists=a,
                # redrawn on each move: the markers, the portion's legend text, the limit lines (cheap)
                animated=(a["portion"], a["portion_label"], a["schedule"], *a["ul"]),
                data={"absorbed_mg_per_day": absorbed, "fraction_per_portion": f_per})


def _dose_response_params(daily_dose_mg, portions, age_years) -> tuple:
    dose = round(in_range("daily_dose_mg", daily_dose_mg, 0, absorption.MAX_DOSE_MG, unit="mg/day"), 3)
    age = round(in_range("age_years", age_years, 1, 120, unit="years"), 3)
    return dose, absorption._portions(portions), age


@register("06.dose_response", title="Absorption falls with dose: splitting a daily dose (teaching model)",
          daily_dose_mg=Slider("Supplemental Mg (mg/day, elemental)", 0, DOSE_RESPONSE_MAX_MG, 300, 10),
          portions=Slider("Portions (per day)", 1, DOSE_RESPONSE_MAX_PORTIONS, 1, 1, integer=True),
          age_years=Slider("Age (years)", 1, 90, 30, 1, integer=True))
def dose_response_view(daily_dose_mg, portions, age_years):
    """Fraction absorbed per portion and absorbed mg/day for a daily dose split into equal portions."""
    return _dose_response(*_dose_response_params(daily_dose_mg, portions, age_years))


@dose_response_view.updater
def _dose_response_update(view, daily_dose_mg, portions, age_years):
    """In place for every control: the two markers, the limit lines (age) and the readout change."""
    return _dose_response_fill(view.figure, view.artists, *_dose_response_params(daily_dose_mg, portions, age_years))


# --------------------------------------------------------------------------- figures
@register_figure("ch06_elemental_fraction",
                 alt="Horizontal bars of the percentage of magnesium by mass in each of 23 supplement forms, from "
                     "about 5 % (gluconate dihydrate) to 60 % (oxide), computed from their chemical formulas.")
def elemental_fraction_figure():
    """% Mg by mass for every form, coloured by organic (blue) vs inorganic (orange)."""
    table = _forms_table_cached().sort_values("mg_percent")
    fig, ax = new_figure(figsize=(8.0, 6.4))
    colors = [OKABE_ITO["blue"] if o else OKABE_ITO["orange"] for o in table["organic"]]
    hatches = ["" if o else "//" for o in table["organic"]]
    bars = ax.barh([short_name(i) for i in table.index], table["mg_percent"], color=colors)
    for bar, h in zip(bars, hatches):
        bar.set_hatch(h)
    for y, v in enumerate(table["mg_percent"]):
        ax.text(v + 0.6, y, f"{v:.1f}", va="center", fontsize=9)
    ax.set_xlabel("elemental Mg (% of the salt's mass)")
    ax.set_xlim(0, 68)
    ax.tick_params(axis="y", labelsize=9)
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=OKABE_ITO["orange"], edgecolor="black", hatch="//", label="inorganic"),
                       Patch(facecolor=OKABE_ITO["blue"], edgecolor=OKABE_ITO["blue"], label="organic")],
              loc="lower right")
    return fig


@register_figure("ch06_absorption_model",
                 alt="The teaching model of magnesium absorption after Fine 1991: absorbed mg per portion rises "
                     "ever more slowly with the dose, as the sum of a saturable term that levels off near 42 mg and a "
                     "linear term of 7 %, while the fraction absorbed falls from 65 % to 11 % at 972 mg.")
def absorption_figure():
    """Absorbed amount (saturable + linear) and fraction absorbed against the dose in one portion."""
    d = np.linspace(0, 1000, 201)
    sat = absorption.VMAX_MG * d / (absorption.KM_MG + d)
    lin = absorption.PARACELLULAR_FRACTION * d
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10.5, 4.2))
    ax1.plot(d, sat + lin, label="total A(I)", color=ROLE_COLORS["magnesium"])
    ax1.plot(d, sat, label="saturable term (fitted)", color=OKABE_ITO["orange"], linestyle="--")
    ax1.plot(d, lin, label="linear term, 7 % (sourced)", color=OKABE_ITO["blue"], linestyle="-.")
    ax1.set_xlabel("Mg in one portion, I (mg)")
    ax1.set_ylabel("Mg absorbed (mg)")
    ax1.legend(fontsize=10)
    ax2.plot(d, 100 * absorption.fraction_absorbed_curve(d), color=ROLE_COLORS["magnesium"], label="model")
    ax2.plot([0, absorption.HIGH_END_DOSE_MG],
             [100 * absorption.LOW_END_FRACTION, 100 * absorption.HIGH_END_FRACTION],
             linestyle="none", marker="s", color=OKABE_ITO["black"], label="sourced endpoints")
    ax2.axhline(100 * absorption.PARACELLULAR_FRACTION, color=ROLE_COLORS["reference"], linestyle=":",
                label="7 % floor")
    ax2.set_xlabel("Mg in one portion, I (mg)")
    ax2.set_ylabel("fraction absorbed (%)")
    ax2.set_ylim(0, 70)
    ax2.legend(fontsize=10)
    return fig


@register_figure("ch06_dose_splitting",
                 alt="Absorbed magnesium per day in the teaching model when the same daily dose is taken in 1, 2 "
                     "or 3 equal portions: more portions always absorb more, with the gain largest at high doses; "
                     "the US upper limit of 350 mg/day and the EU figure of 250 mg/day are marked.")
def splitting_figure():
    """Absorbed mg/day against the daily dose for 1, 2 and 3 portions."""
    d = np.linspace(0, 800, 161)
    fig, ax = new_figure(figsize=(7.5, 4.4))
    for p, color, ls in ((1, OKABE_ITO["blue"], "-"), (2, OKABE_ITO["sky_blue"], "--"), (3, OKABE_ITO["bluish_green"], "-.")):
        ax.plot(d, p * absorption.absorbed_mg_curve(d / p), label=f"{p} portion{'s' if p > 1 else ''} a day",
                color=color, linestyle=ls)
    ax.axvline(350, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.5, label="US UL, ≥9 y (350 mg/day)")
    ax.axvline(250, color=OKABE_ITO["reddish_purple"], linestyle=":", linewidth=1.5, label="EU, ≥4 y (250 mg/day)")
    ax.set_xlabel("daily supplemental Mg (mg/day)")
    ax.set_ylabel("absorbed Mg (mg/day), teaching model")
    ax.legend(fontsize=10)
    return fig


@register_figure("ch06_citrate_label",
                 alt="Elemental magnesium in 500 mg of 'magnesium citrate' for each of the four citrate salts: from "
                     "about 52 mg (trimagnesium dicitrate tetradecahydrate) to 81 mg (anhydrous trimagnesium dicitrate).")
def citrate_label_figure(salt_mg: float = 500.0):
    """Elemental Mg in ``salt_mg`` mg of each citrate salt (the label ambiguity); ``salt_mg`` > 0 and ≤ 10,000."""
    salt_mg = in_range("salt_mg", salt_mg, 0, 10_000, low_inclusive=False, unit="mg")
    lo, hi, rows = family_range(salt_mg, "citrate")
    rows = rows.sort_values("mg_percent")
    fig, ax = new_figure(figsize=(8.0, 3.6))
    ax.barh([f"{n}\n{f.replace('.', '·')}" for n, f in zip(rows["name"], rows["formula"])], rows["elemental Mg (mg)"],
            color=[OKABE_ITO["sky_blue"], OKABE_ITO["blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"]][:len(rows)])
    for y, v in enumerate(rows["elemental Mg (mg)"]):
        ax.text(v + 1, y, f"{v:.0f} mg", va="center", fontsize=10)
    ax.set_xlabel(f"elemental Mg (mg) in {salt_mg:.0f} mg of the salt")
    ax.set_xlim(0, max(rows["elemental Mg (mg)"]) * 1.2)
    ax.tick_params(axis="y", labelsize=9)
    ax.grid(axis="y", visible=False)
    return fig


@register_figure("ch06_solubility",
                 alt="Water solubility, on a logarithmic axis, of the seven magnesium forms for which the course has a "
                     "sourced value: from 0.00069 g/100 mL (hydroxide) and 0.010 (oxide) to 54 g/100 mL (chloride).")
def solubility_figure():
    """Sourced water solubility (g/100 mL, log axis) of the forms that have one."""
    table = _forms_table_cached().dropna(subset=["water_solubility_g_per_100ml"]).sort_values(
        "water_solubility_g_per_100ml")
    fig, ax = new_figure(figsize=(8.0, 3.8))
    colors = [OKABE_ITO["blue"] if o else OKABE_ITO["orange"] for o in table["organic"]]
    ax.barh([short_name(i) for i in table.index], table["water_solubility_g_per_100ml"], color=colors)
    ax.set_xscale("log")
    for y, v in enumerate(table["water_solubility_g_per_100ml"]):
        ax.text(v * 1.3, y, f"{v:g}", va="center", fontsize=10)
    ax.set_xlim(1e-4, 500)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=OKABE_ITO["orange"], label="inorganic"),
                       Patch(facecolor=OKABE_ITO["blue"], label="organic")], loc="lower right", frameon=True)
    ax.set_xlabel("water solubility (g/100 mL, log scale)")
    ax.tick_params(axis="y", labelsize=9)
    ax.grid(axis="y", visible=False)
    return fig


__all__ = ["citrate_label_figure", "solubility_figure", "forms_table", "form", "form_ids", "read_label", "family_range", "durango_dose", "ul_placement",
           "LabelReading", "ULPlacement", "SAFETY_NOTE", "compare_forms_view", "dose_response_view",
           "elemental_fraction_figure", "absorption_figure", "splitting_figure"]
