"""Unit conversions for glucose, insulin and magnesium.

Conversion factors and their sources (see ``../shared/reference/science-facts.md``
sections 3 and 5b, and the references of notebook 00):

* Magnesium: molar mass 24.305 g/mol (IUPAC abridged standard atomic weight);
  Mg is divalent, so 1 mmol = 2 mEq = 24.305 mg. Serum: mg/dL = mmol/L × 2.4305.
* Glucose: molar mass of C6H12O6 = 180.156 g/mol (computed from IUPAC atomic
  weights), so mg/dL = mmol/L × 18.0156 (18.0 is the common rounded factor).
* Insulin: 1 µU/mL = 6.00 pmol/L (biological activity 166.8 × 10⁶ IU/mol;
  Clin Biochem 2017;50:408; Knopp et al., J Diabetes Sci Technol 2019;13:597).
  The legacy factor 6.945 is 15.75 % too high (6.945 / 6.00 = 1.1575); it is kept here only so the course
  can show the pitfall. 1 µU/mL = 1 mU/L.

Only conversions within a substance and within a kind (amount ↔ amount,
concentration ↔ concentration) are allowed: mg ↔ mmol/L would need a volume.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import ArgumentTypeError, as_array, choice, in_range, scalar_or_array

#: Molar mass of magnesium, g/mol (IUPAC abridged standard atomic weight).
MG_MOLAR_MASS_G_PER_MOL = 24.305
#: Valence of the magnesium ion (mEq = mmol × valence).
MG_VALENCE = 2
#: Molar mass of glucose C6H12O6, g/mol: 6(12.011) + 12(1.008) + 6(15.999).
GLUCOSE_MOLAR_MASS_G_PER_MOL = 180.156
#: mg/dL of glucose per mmol/L (molar mass / 10).
GLUCOSE_MG_DL_PER_MMOL_L = GLUCOSE_MOLAR_MASS_G_PER_MOL / 10.0
#: pmol/L of insulin per µU/mL: the correct factor (6.00 nmol/IU).
INSULIN_PMOL_L_PER_UU_ML = 6.00
#: The legacy factor, 15.75 % too high (6.945 / 6.00 = 1.1575), still used by some assays. Teaching only.
INSULIN_PMOL_L_PER_UU_ML_LEGACY = 6.945

# Canonical unit names and their spellings. Keys are lower-cased, spaces removed.
_ALIASES = {
    "mg/dl": "mg/dL",
    "mmol/l": "mmol/L", "mm": "mmol/L",
    "meq/l": "mEq/L",
    "µu/ml": "µU/mL", "μu/ml": "µU/mL", "uu/ml": "µU/mL", "mu/l": "µU/mL", "miu/l": "µU/mL",
    "µiu/ml": "µU/mL", "μiu/ml": "µU/mL", "uiu/ml": "µU/mL",
    "pmol/l": "pmol/L",
    "mg": "mg", "g": "g", "mmol": "mmol", "meq": "mEq",
}

# For each substance: kind -> {unit: factor to the kind's base unit}.
# Base units: glucose mmol/L; insulin pmol/L (factor set at call time);
# magnesium amount mmol, magnesium concentration mmol/L.
_UNITS: dict[str, dict[str, dict[str, float]]] = {
    "glucose": {
        "concentration": {"mmol/L": 1.0, "mg/dL": 1.0 / GLUCOSE_MG_DL_PER_MMOL_L},
    },
    "insulin": {
        "concentration": {"pmol/L": 1.0, "µU/mL": None},  # None: the insulin factor
    },
    "magnesium": {
        "amount": {"mmol": 1.0, "mg": 1.0 / MG_MOLAR_MASS_G_PER_MOL, "g": 1000.0 / MG_MOLAR_MASS_G_PER_MOL,
                   "mEq": 1.0 / MG_VALENCE},
        "concentration": {"mmol/L": 1.0, "mg/dL": 10.0 / MG_MOLAR_MASS_G_PER_MOL, "mEq/L": 1.0 / MG_VALENCE},
    },
}

SUBSTANCES = tuple(_UNITS)


def normalise_unit(unit: str) -> str:
    """Return the canonical spelling of a unit (``"uU/mL"`` → ``"µU/mL"``).

    Raises ValueError for anything that is not a unit the course knows.
    """
    if not isinstance(unit, str):
        raise ValueError(f"unit must be a string such as 'mg/dL', got {unit!r}")
    key = unit.strip().replace(" ", "").lower()
    if key not in _ALIASES:
        known = sorted({v for v in _ALIASES.values()})
        raise ValueError(f"unknown unit {unit!r}; known units: {', '.join(known)}")
    return _ALIASES[key]


def _normalise(name: str, unit) -> str:
    """:func:`normalise_unit` with the caller's parameter name in the message."""
    try:
        return normalise_unit(unit)
    except ValueError as exc:
        raise type(exc)(f"{name}: {exc}") from None


def units_for(substance: str) -> dict[str, tuple[str, ...]]:
    """The units allowed for a substance, grouped by kind (amount / concentration)."""
    choice("substance", substance, SUBSTANCES)
    return {kind: tuple(table) for kind, table in _UNITS[substance].items()}


def _kind_and_factor(unit: str, substance: str, insulin_factor: float, name: str = "unit") -> tuple[str, float]:
    for kind, table in _UNITS[substance].items():
        if unit in table:
            factor = table[unit]
            if factor is None:  # insulin µU/mL -> pmol/L
                factor = insulin_factor
            return kind, factor
    allowed = "; ".join(f"{kind}: {', '.join(t)}" for kind, t in _UNITS[substance].items())
    raise ValueError(f"{name} {unit!r} is not a unit of {substance} (allowed for {substance}: {allowed})")


def convert(value: Any, from_unit: str, to_unit: str, *, substance: str,
            insulin_factor: float = INSULIN_PMOL_L_PER_UU_ML):
    """Convert ``value`` from ``from_unit`` to ``to_unit`` for a ``substance``.

    Parameters
    ----------
    value : float or array-like
        One or more non-negative, finite values in ``from_unit``.
    from_unit, to_unit : str
        Glucose: ``"mg/dL"``, ``"mmol/L"``. Insulin: ``"µU/mL"`` (also ``"uU/mL"``,
        ``"mU/L"``), ``"pmol/L"``. Magnesium amounts: ``"mg"``, ``"g"``, ``"mmol"``,
        ``"mEq"``; magnesium concentrations: ``"mg/dL"``, ``"mmol/L"``, ``"mEq/L"``.
    substance : {"glucose", "insulin", "magnesium"}
    insulin_factor : float, default 6.00
        pmol/L per µU/mL. Change it only to show the legacy 6.945 pitfall.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar input, an array otherwise.

    Examples
    --------
    >>> round(convert(100, "mg/dL", "mmol/L", substance="glucose"), 2)
    5.55
    >>> convert(10, "uU/mL", "pmol/L", substance="insulin")
    60.0
    >>> convert(1, "mmol", "mEq", substance="magnesium")
    2.0
    """
    choice("substance", substance, SUBSTANCES)
    f_unit, t_unit = _normalise("from_unit", from_unit), _normalise("to_unit", to_unit)
    insulin_factor = in_range("insulin_factor", insulin_factor, 5.0, 8.0, unit="pmol/L per µU/mL")
    f_kind, f_factor = _kind_and_factor(f_unit, substance, insulin_factor, "from_unit")
    t_kind, t_factor = _kind_and_factor(t_unit, substance, insulin_factor, "to_unit")
    if f_kind != t_kind:
        raise ValueError(
            f"cannot convert {'an' if f_kind[0] in 'aeiou' else 'a'} {f_kind} ({f_unit}) into "
            f"{'an' if t_kind[0] in 'aeiou' else 'a'} {t_kind} ({t_unit}): "
            f"that needs a volume; convert {f_kind} to {f_kind} or {t_kind} to {t_kind}")
    arr = as_array("value", value)
    if np.any(arr < 0):
        raise ValueError(f"value must be ≥ 0 {f_unit} (amounts and concentrations cannot be negative), got {value}")
    with np.errstate(over="ignore"):
        out = arr * f_factor / t_factor
    if not np.all(np.isfinite(out)):
        raise ValueError(f"value is too large to convert from {f_unit} to {t_unit} (the result is not a finite "
                         f"number), got {value if np.ndim(value) == 0 else 'an array with a maximum of ' + format(arr.max(), 'g')}")
    return scalar_or_array(out, value)


_GROUPED_RE = __import__("re").compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA_RE = __import__("re").compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")


def parse_number(text: Any, name: str = "value") -> float:
    """A number typed by a learner, decimal commas included.

    ``"5,5"`` and ``"0,85"`` are read as 5.5 and 0.85 (a decimal comma). ``"1,234"`` is
    ambiguous (1.234 with a decimal comma, 1234 with a thousands separator) and raises
    ValueError asking for one of the two forms; ``"1,234.5"`` and ``"12,345,678"`` are read
    as thousands separators. Numbers pass through; non-finite values raise ValueError.
    """
    if not isinstance(name, str) or not name.strip():
        raise ArgumentTypeError(f"name must be a non-empty string (the label used in messages), got {name!r}")
    if isinstance(text, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be a number such as 5.5, got {text!r}")
    if not isinstance(text, (str, int, float, np.integer, np.floating)):
        shown = "None" if text is None else type(text).__name__
        raise ArgumentTypeError(f"{name} must be a number such as 5.5 (or text such as '5,5'), got {shown}")
    if isinstance(text, (int, float, np.integer, np.floating)):
        try:
            x = float(text)
        except OverflowError:  # an integer beyond the float range, e.g. 10**400
            raise ValueError(f"{name} must be a finite number such as 5.5, got an integer of "
                             f"{len(str(abs(int(text))))} digits") from None
    else:
        s = str(text).strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
        if not s:
            raise ValueError(f"{name}: please enter a number such as 5.5")
        if "," in s:
            if _GROUPED_RE.match(s) and ("." in s or s.count(",") > 1):
                s = s.replace(",", "")
            elif _GROUPED_RE.match(s):
                raise ValueError(f"{name} {text!r} is ambiguous: write {s.replace(',', '.')} (decimal point) or "
                                 f"{s.replace(',', '')} (no thousands separator)")
            elif _DECIMAL_COMMA_RE.match(s):
                s = s.replace(",", ".")
            else:
                raise ValueError(f"{name} must be a number such as 5.5 or 5,5, got {text!r}")
        try:
            x = float(s)
        except ValueError:
            raise ValueError(f"{name} must be a number such as 5.5 or 5,5, got {text!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name} must be a finite number such as 5.5, got {text!r}")
    return x


def converter_text(value: float, substance: str, from_unit: str, to_unit: str) -> str:
    """One line of text for the unit-converter widget: ``"100 mg/dL glucose = 5.551 mmol/L"``."""
    value = in_range("value", value, 0, None, unit=from_unit if isinstance(from_unit, str) else "")
    result = convert(value, from_unit, to_unit, substance=substance)
    return f"{value:g} {normalise_unit(from_unit)} of {substance} = **{result:.4g} {normalise_unit(to_unit)}**"


# --------------------------------------------------------------------------- widget (notebook 00)
from .widgets import Dropdown, Text, View, register  # noqa: E402  (after the pure functions on purpose)

#: Every unit the converter offers; invalid pairs (e.g. mg → mmol/L) give a message.
CONVERTER_UNITS = ("mg/dL", "mmol/L", "mEq/L", "µU/mL", "pmol/L", "mg", "mmol", "mEq")

#: Serum magnesium reference range (IOM 1997), mmol/L, and the hypomagnesaemia cut-off (Gommers 2016).
SERUM_MG_RANGE_MMOL_L = (0.75, 0.95)
HYPOMAGNESAEMIA_CUTOFF_MMOL_L = 0.70


def _context(substance: str, value: float, unit: str) -> str:
    """One sentence that puts a converted value in context (reference ranges from the fact sheet)."""
    if substance == "glucose":
        from .indices import fasting_glucose_category

        mg_dl = convert(value, unit, "mg/dL", substance="glucose")
        if mg_dl <= 0:
            return ""
        return f"As a *fasting* plasma glucose this would be: {fasting_glucose_category(mg_dl)} (ADA)."
    if substance == "insulin":
        uU = convert(value, unit, "µU/mL", substance="insulin")
        legacy = convert(uU, "µU/mL", "pmol/L", substance="insulin", insulin_factor=INSULIN_PMOL_L_PER_UU_ML_LEGACY)
        return (f"Pitfall: with the legacy factor 6.945 the same {uU:.3g} µU/mL would be reported as "
                f"{legacy:.3g} pmol/L, about 16 % higher.")
    if substance == "magnesium" and unit in ("mg/dL", "mmol/L", "mEq/L"):
        mmol_l = convert(value, unit, "mmol/L", substance="magnesium")
        lo, hi = SERUM_MG_RANGE_MMOL_L
        if mmol_l < HYPOMAGNESAEMIA_CUTOFF_MMOL_L:
            where = f"below the hypomagnesaemia cut-off of {HYPOMAGNESAEMIA_CUTOFF_MMOL_L} mmol/L"
        elif mmol_l < lo:
            where = f"below the IOM reference range ({lo}–{hi} mmol/L) but above the {HYPOMAGNESAEMIA_CUTOFF_MMOL_L} mmol/L cut-off"
        elif mmol_l <= hi:
            where = f"inside the IOM reference range ({lo}–{hi} mmol/L)"
        else:
            where = f"above the IOM reference range ({lo}–{hi} mmol/L)"
        return f"As a serum magnesium this is {mmol_l:.3g} mmol/L: {where}."
    return ""


@register("00.converter",
          title="Unit converter for glucose, insulin and magnesium",
          substance=Dropdown("Substance", ("glucose", "insulin", "magnesium"), "glucose"),
          value=Text("Value", "100", examples=("abc", "-5", "1e400", "0")),
          from_unit=Dropdown("From unit", CONVERTER_UNITS, "mg/dL"),
          to_unit=Dropdown("To unit", CONVERTER_UNITS, "mmol/L"))
def converter_view(substance: str, value: str, from_unit: str, to_unit: str) -> View:
    """Convert a value typed by the learner; explain invalid input in a sentence."""
    x = parse_number(value, "value")  # "5,5" is 5.5 (decimal comma); "1,234" is ambiguous: ValueError
    text = converter_text(x, substance, from_unit, to_unit)
    ctx = _context(substance, x, normalise_unit(from_unit))
    return View(text=text + ("\n\n" + ctx if ctx else ""))
