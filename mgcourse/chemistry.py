"""Molar masses and elemental magnesium from chemical formulas.

A supplement label may give the mass of the *salt* (e.g. 500 mg magnesium
citrate) or of *elemental* magnesium. This module converts between the two
from the formula alone, so that no elemental-fraction table has to be typed
in by hand (course rule: always model elemental Mg).

Example
-------
>>> round(elemental_fraction("MgO") * 100, 2)
60.3
>>> round(salt_mass_for_elemental_mg(100, "MgCl2·6H2O"))
836
"""

from __future__ import annotations

import math
from functools import lru_cache
from ._validate import ArgumentTypeError, in_range

#: Standard atomic weights, g/mol (IUPAC abridged values, 2021 table).
#: H, C, N, O, S, Cl and Mg are the values checked in the course fact sheet
#: (science-facts.md, section 4a). Na, P, K, Ca and Zn are the IUPAC 2021
#: abridged values, not listed in the fact sheet.
ATOMIC_WEIGHTS: dict[str, float] = {
    "H": 1.008,
    "C": 12.011,
    "N": 14.007,
    "O": 15.999,
    "Na": 22.990,
    "Mg": 24.305,
    "P": 30.974,
    "S": 32.06,
    "Cl": 35.45,
    "K": 39.098,
    "Ca": 40.078,
    "Zn": 65.38,
}

#: Characters accepted between the parts of an adduct or hydrate ("MgSO4·7H2O").
HYDRATE_SEPARATORS = "·.*"


#: Limits that keep the parser's work bounded (real formulas are far inside them).
MAX_COUNT = 999_999
MAX_DEPTH = 20
MAX_FORMULA_LENGTH = 500

class _Parser:
    """Recursive-descent parser for formulas such as ``Mg3(C6H5O7)2·9H2O``."""

    def __init__(self, formula: str):
        self.s = formula
        self.pos = 0

    def error(self, reason: str, pos: int, detail: str = "") -> ValueError:
        caret = " " * pos + "^"
        return ValueError(
            f"formula {self.s!r}: {reason} at position {pos}{detail}\n    {self.s}\n    {caret}"
        )

    def peek(self) -> str:
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def skip_spaces(self) -> None:
        while self.peek().isspace():
            self.pos += 1

    def number(self) -> int | None:
        start = self.pos
        while self.peek().isascii() and self.peek().isdigit():
            self.pos += 1
        if self.pos == start:
            return None
        if self.pos - start > 6:
            raise self.error(f"a count must be at most {MAX_COUNT} (got {self.pos - start} digits)", start)
        value = int(self.s[start : self.pos])
        if value > MAX_COUNT:
            raise self.error(f"a count must be at most {MAX_COUNT} (got {value})", start)
        if value == 0:
            raise self.error("a count of 0 is not allowed", start)
        return value

    def parse(self) -> dict[str, int]:
        total: dict[str, int] = {}
        self.skip_spaces()
        if not self.peek():
            raise self.error("empty formula", self.pos)
        while True:
            self.skip_spaces()
            coefficient = self.number() or 1
            counts = self.sequence(depth=0)
            if not counts:
                char = self.peek()
                if not char:
                    raise self.error("expected an element symbol or '('", self.pos)
                hint = " (element symbols start with a capital letter)" if char.islower() else ""
                raise self.error(f"unexpected character {char!r}", self.pos, hint)
            for element, n in counts.items():
                total[element] = total.get(element, 0) + coefficient * n
            space_pos = self.pos
            self.skip_spaces()
            char = self.peek()
            if not char:
                return total
            if self.pos > space_pos and char not in HYDRATE_SEPARATORS:
                raise self.error("unexpected space", space_pos)
            if char in HYDRATE_SEPARATORS:
                self.pos += 1
                continue
            raise self.error(f"unexpected character {char!r}", self.pos)

    def sequence(self, depth: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        while True:
            char = self.peek()
            if char == "(":
                if depth >= MAX_DEPTH:
                    raise self.error(f"parentheses are nested more than {MAX_DEPTH} deep", self.pos)
                open_pos = self.pos
                self.pos += 1
                inner = self.sequence(depth + 1)
                if self.peek() != ")":
                    raise self.error("unclosed '('", open_pos)
                if not inner:
                    raise self.error("empty parentheses", open_pos)
                self.pos += 1
                n = self.number() or 1
                for element, k in inner.items():
                    counts[element] = counts.get(element, 0) + k * n
            elif char == ")":
                if depth == 0:
                    raise self.error("unmatched ')'", self.pos)
                return counts
            elif "A" <= char <= "Z":
                start = self.pos
                self.pos += 1
                if "a" <= self.peek() <= "z":
                    self.pos += 1
                symbol = self.s[start : self.pos]
                if symbol not in ATOMIC_WEIGHTS:
                    allowed = ", ".join(sorted(ATOMIC_WEIGHTS))
                    raise self.error(
                        f"unknown element {symbol!r}", start, f"; allowed elements: {allowed}"
                    )
                n = self.number() or 1
                counts[symbol] = counts.get(symbol, 0) + n
            elif depth > 0 and char:
                raise self.error(f"unexpected character {char!r} inside parentheses", self.pos)
            else:  # end of string, separator or space: the caller decides
                return counts


@lru_cache(maxsize=512)
def _parse_cached(formula: str) -> tuple[tuple[str, int], ...]:
    return tuple(_Parser(formula).parse().items())


def parse_formula(formula: str) -> dict[str, int]:
    """Count the atoms of each element in a chemical formula.

    Handles nested parentheses (``Mg(C2H4NO2)2``), multi-digit counts and
    adducts/hydrates written with ``·``, ``.`` or ``*`` and an optional leading
    coefficient (``MgSO4·7H2O``, ``Mg3(C6H5O7)2.9H2O``).

    Parameters
    ----------
    formula : str
        Formula with element symbols from :data:`ATOMIC_WEIGHTS`.

    Returns
    -------
    dict[str, int]
        Number of atoms of each element per formula unit (dimensionless).

    Raises
    ------
    ValueError
        If the formula is malformed; the message names the formula, the
        position of the problem and shows a caret under it.
    """
    if not isinstance(formula, str):
        raise ArgumentTypeError(f"formula must be a string (got {formula!r})")
    if len(formula) > MAX_FORMULA_LENGTH:
        raise ValueError(f"formula must be at most {MAX_FORMULA_LENGTH} characters long (got {len(formula)})")
    return dict(_parse_cached(formula))


def molar_mass(formula: str) -> float:
    """Molar mass of a formula, in g/mol (IUPAC abridged atomic weights).

    >>> round(molar_mass("MgCl2·6H2O"), 3)
    203.295
    """
    counts = parse_formula(formula)
    return math.fsum(n * ATOMIC_WEIGHTS[element] for element, n in counts.items())


def elemental_fraction(formula: str, element: str = "Mg") -> float:
    """Mass fraction (0..1, dimensionless) of ``element`` in ``formula``.

    ``elemental_fraction("MgO")`` is 0.6030: 60.30 % of magnesium oxide's mass
    is magnesium. Returns 0.0 if the element does not occur in the formula.
    """
    if not isinstance(element, str) or element not in ATOMIC_WEIGHTS:
        allowed = ", ".join(sorted(ATOMIC_WEIGHTS))
        raise ValueError(f"element must be one of {allowed} (got {element!r})")
    counts = parse_formula(formula)
    return counts.get(element, 0) * ATOMIC_WEIGHTS[element] / molar_mass(formula)


#: Largest mass (mg) the salt/elemental conversions accept (100 g: far above any dose).
MAX_MASS_MG = 100_000.0


def _check_mass(name: str, value: float) -> float:
    return in_range(name, value, 0, MAX_MASS_MG, unit="mg")


def salt_mass_for_elemental_mg(elemental_mg: float, formula: str) -> float:
    """Mass of salt, in mg, that supplies ``elemental_mg`` mg of magnesium.

    >>> round(salt_mass_for_elemental_mg(100, "MgO"))
    166
    """
    elemental_mg = _check_mass("elemental_mg", elemental_mg)
    fraction = elemental_fraction(formula, "Mg")
    if fraction == 0:
        raise ValueError(f"formula {formula!r} contains no Mg")
    return elemental_mg / fraction


def elemental_mg_from_salt_mg(salt_mg: float, formula: str) -> float:
    """Elemental magnesium, in mg, contained in ``salt_mg`` mg of the salt.

    >>> round(elemental_mg_from_salt_mg(1000, "MgSO4·7H2O"), 1)
    98.6
    """
    return _check_mass("salt_mg", salt_mg) * elemental_fraction(formula, "Mg")
