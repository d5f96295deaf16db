"""Validated loaders for the course's data files (``data/*.csv``).

Every loader is built on :func:`read_validated_csv`, which checks a file
against a :class:`Schema` (required columns, types, ranges, allowed values,
empty cells, unique ids) and fails with the file, the 1-based line number
(header = line 1), the column and the reason::

    foods.csv, line 12: magnesium_mg_per_100g is below the minimum (got '-3'; allowed 0 to 1000)

Every file in the data folder must match the size and sha256 recorded in the checksum
table of ``data/README.md`` (checked when the file is read; the file is named in the
error). A missing or unreadable folder or file raises :class:`DataUnavailable`, an
``OSError`` with one message for the learner. Nothing here reads a file at import time.
``$MGCOURSE_DATA_DIR`` overrides the folder (:func:`data_dir`).

Provenance, units and checksums of each file: ``data/README.md``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mgcourse import DATA_DIR


#: Text columns: pandas 3's "str" dtype; before pandas 3 dtype="str" turns a missing cell into the text
#: 'None', so pandas 2 keeps text as object with None for an empty cell.
_TEXT_DTYPE = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


class _LearnerMessage:
    """In a notebook, IPython shows ``_render_traceback_``'s lines instead of a traceback: one clear message."""

    def _render_traceback_(self) -> list[str]:
        return [f"Course data problem: {self}"]


class DataFileError(_LearnerMessage, ValueError):
    """A data file does not match its schema (the message names file, line and column)."""


class DataUnavailable(_LearnerMessage, OSError):
    """The course's data folder (or one of its files) is missing or cannot be read.

    The message is one sentence for a learner: what is missing and how to get it back.
    Widgets and exercise checks show it as a message instead of a traceback.
    """


#: Environment variable that points the loaders at another data folder (tests, a shared hub copy).
DATA_DIR_ENV = "MGCOURSE_DATA_DIR"


def _as_path(name: str, value, *, none_ok: bool = False) -> Path | None:
    """A file or folder path given as text or a path object (``None`` only where documented)."""
    if value is None and none_ok:
        return None
    if not isinstance(value, (str, os.PathLike)) or (isinstance(value, str) and not value.strip()):
        extra = " (or None for the course's data folder)" if none_ok else ""
        raise TypeError(f"{name} must be a file path (text or pathlib.Path){extra}, got {value!r} "
                        f"({type(value).__name__})")
    return Path(value)


def data_dir() -> Path:
    """The folder the loaders read: ``$MGCOURSE_DATA_DIR`` if set, else ``DATA_DIR`` (the repository's ``data/``)."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


def _unavailable(path: Path, exc: OSError) -> DataUnavailable:
    reason = exc.strerror or type(exc).__name__
    what = (f"The course data file {path.name} cannot be read" if path.parent.is_dir()
            else f"The course data folder {path.parent.name}/ is missing or cannot be read")
    return DataUnavailable(
        f"{what} ({reason}: {path}). Chapters and exercises that use "
        "the data need the complete data/ folder of the course: restore it (e.g. `git checkout -- data` in your "
        "copy of the repository, or download the course again). Everything that needs no data still works."
    )


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 text of ``raw``; a bad byte raises DataFileError with the file, line and column."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start:exc.end]
        raise DataFileError(
            f"{name}, line {line}: not valid UTF-8 (got byte {bad.hex(' ')} at column {column}; "
            "allowed UTF-8 text): the file is damaged or was saved in another encoding"
        ) from None


def manifest_checksums(folder: str | Path) -> dict[str, tuple[int, str]]:
    """``{file name: (bytes, sha256)}`` from the checksum table of ``folder/README.md`` (empty if absent)."""
    manifest = _as_path("folder", folder) / "README.md"
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _unavailable(manifest, exc) from None
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*(\d+)\s*\|\s*`([0-9a-f]{64})`\s*\|\s*$", text, re.M)
    return {name: (int(size), digest) for name, size, digest in rows}


def _verify_checksum(raw: bytes, path: Path, expected: tuple[int, str]) -> None:
    size, digest = expected
    where = f"the manifest {path.parent.name}/README.md"
    if len(raw) != size:
        change = "is shorter (truncated?)" if len(raw) < size else "is longer"
        raise DataFileError(
            f"{path.name}: file {change} than {where} records (got {len(raw)} bytes; allowed {size} bytes): "
            "the file was cut off or edited; restore it (git checkout -- data)"
        )
    actual = hashlib.sha256(raw).hexdigest()
    if actual != digest:
        raise DataFileError(
            f"{path.name}: sha256 checksum differs from {where} (got {actual[:12]}…; allowed {digest[:12]}…): "
            "the file was edited or damaged; restore it (git checkout -- data), or after a deliberate edit run "
            "`python -m mgcourse.tools.build_data --checksums-only`"
        )


@dataclass(frozen=True)
class Column:
    """Rules for one column.

    dtype is one of ``str``, ``float``, ``int``, ``bool`` (bool cells are
    ``true``/``false``). ``minimum``/``maximum`` bound numbers (inclusive),
    ``allowed`` lists the permitted values, ``pattern`` is a regular
    expression a string must match in full, and ``nullable`` says whether the
    cell may be empty (empty numbers become NaN/NA, never 0).
    """

    name: str
    dtype: type = str
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple | None = None
    pattern: str | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Schema:
    """Required columns and the column(s) whose values (together) must be unique."""

    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()


def _describe(col: Column) -> str:
    if col.allowed is not None:
        text = "one of " + ", ".join(map(str, col.allowed))
    elif col.minimum is not None or col.maximum is not None:
        lo = "-inf" if col.minimum is None else f"{col.minimum:g}"
        hi = "inf" if col.maximum is None else f"{col.maximum:g}"
        text = f"{lo} to {hi}"
    elif col.pattern is not None:
        text = f"text matching {col.pattern}"
    else:
        text = {str: "text", float: "a number", int: "an integer", bool: "true or false"}[col.dtype]
    return text + (" or empty" if col.nullable else ", not empty")


def _first(mask: np.ndarray, reason: str, values: list[str]) -> tuple[int, str, str] | None:
    """(row, reason, value) of the first True in ``mask``, or None."""
    if not mask.any():
        return None
    i = int(np.argmax(mask))
    return i, reason, values[i]


def _convert(col: Column, values: list[str]):
    """Convert one column; return (values, None) or (None, (row, reason, value)) for the first problem."""
    cells = np.array(values, dtype=object)
    empty = cells == ""
    if not col.nullable and (problem := _first(empty, "is empty", values)):
        return None, problem
    if col.dtype is str:
        checks = []
        if col.pattern is not None:
            wrong = np.fromiter((not re.fullmatch(col.pattern, v) for v in values), bool, len(values))
            checks.append(_first(~empty & wrong, "has the wrong format", values))
        if col.allowed is not None:
            checks.append(_first(~empty & ~np.isin(cells, list(col.allowed)), "is not an allowed value", values))
        problems = [c for c in checks if c]
        if problems:
            return None, min(problems)
        return pd.array(np.where(empty, None, cells), dtype=_TEXT_DTYPE), None
    if col.dtype is bool:
        if problem := _first(~np.isin(cells, ["", "true", "false"]), "is not true or false", values):
            return None, problem
        arr = pd.array(np.where(empty, None, cells == "true"), dtype="boolean")
        return (arr if col.nullable else arr.astype(bool)), None
    # int or float: "nan" and "inf" are rejected as not a number; empty cells become NaN
    numbers = pd.to_numeric(pd.Series(cells), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(numbers)
    checks = [_first(~empty & ~finite, "is not a number", values)]
    if col.dtype is int:
        checks.append(_first(finite & (numbers != np.round(numbers)), "is not an integer", values))
    if col.minimum is not None:
        checks.append(_first(finite & (numbers < col.minimum), "is below the minimum", values))
    if col.maximum is not None:
        checks.append(_first(finite & (numbers > col.maximum), "is above the maximum", values))
    if col.allowed is not None:
        checks.append(_first(finite & ~np.isin(numbers, col.allowed), "is not an allowed value", values))
    problems = [c for c in checks if c]
    if problems:
        return None, min(problems)
    if col.dtype is int:
        arr = pd.array(np.where(empty, None, numbers), dtype="Int64")
        return (arr if col.nullable else arr.astype("int64")), None
    return numbers, None


def read_validated_csv(path: str | Path, schema: Schema) -> pd.DataFrame:
    """Read a UTF-8 CSV file and validate it against ``schema``.

    Returns a DataFrame with the schema's columns converted (str, float with
    NaN for empty cells, int, bool; nullable int/bool use pandas NA) plus any
    extra columns as text. Raises :class:`DataFileError` with
    ``"<file>, line <N>: <column> <reason> (got <value>; allowed <range>)"``.
    """
    path = _as_path("path", path)
    if not isinstance(schema, Schema):
        raise TypeError(f"schema must be a data.Schema (e.g. data.FOODS_SCHEMA), got {type(schema).__name__}")
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _unavailable(path, exc) from None
    return _parse(raw, name, schema)


def _parse(raw: bytes, name: str, schema: Schema) -> pd.DataFrame:
    with io.StringIO(_decode(raw, name), newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataFileError(f"{name}, line 1: file is empty (got no header; allowed a CSV header)") from None
        records, lines = [], []
        last_line = reader.line_num
        for record in reader:
            start_line, last_line = last_line + 1, reader.line_num
            if not record:
                continue  # blank line
            if len(record) != len(header):
                raise DataFileError(
                    f"{name}, line {start_line}: row has {len(record)} fields "
                    f"(got {record!r}; allowed {len(header)} fields, as in the header)"
                )
            records.append(record)
            lines.append(start_line)
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise DataFileError(f"{name}, line 1: header repeats {', '.join(duplicates)} (got {header}; allowed unique names)")
    missing = [c.name for c in schema.columns if c.name not in header]
    if missing:
        required = ", ".join(c.name for c in schema.columns)
        raise DataFileError(
            f"{name}, line 1: column {', '.join(missing)} missing (got {', '.join(header)}; allowed/required: {required})"
        )
    raw = {h: [r[j] for r in records] for j, h in enumerate(header)}
    data, errors = {}, []
    for order, col in enumerate(schema.columns):
        converted, problem = _convert(col, raw[col.name])
        if problem is not None:
            row, reason, value = problem
            errors.append((row, order, f"{name}, line {lines[row]}: {col.name} {reason} (got {value!r}; allowed {_describe(col)})"))
        data[col.name] = converted
    if errors:
        raise DataFileError(min(errors)[2])
    frame = pd.DataFrame({h: (data[h] if h in data else pd.array(raw[h], dtype="str")) for h in header})
    if schema.unique:
        dup = frame.duplicated(list(schema.unique), keep=False).to_numpy()
        if dup.any():
            rows = np.flatnonzero(dup)
            key = tuple(frame.iloc[rows[0]][list(schema.unique)])
            second = next(r for r in rows[1:] if tuple(frame.iloc[r][list(schema.unique)]) == key)
            shown = key[0] if len(key) == 1 else key
            raise DataFileError(
                f"{name}, line {lines[second]}: {'+'.join(schema.unique)} duplicate id "
                f"(got {shown!r}; allowed unique values, first seen on line {lines[rows[0]]})"
            )
    return frame


# --------------------------------------------------------------------------- schemas

_PER_100G_G = (0.0, 100.0)
FOODS_SCHEMA = Schema(
    columns=(
        Column("ndb_no", str, pattern=r"\d{5}"),
        Column("description"),
        Column("food_group"),
        *(Column(f"{n}_g_per_100g", float, *_PER_100G_G, nullable=True)
          for n in ("water", "protein", "fat", "carbohydrate", "fiber", "sugar")),
        # 1000 kcal/100 g: a loose validation bound, not a nutrition fact.
        Column("energy_kcal_per_100g", float, 0, 1000, nullable=True),
        # Minerals, mg per 100 g: cannot exceed 100,000 mg (= 100 g).
        *(Column(f"{n}_mg_per_100g", float, 0, 100_000, nullable=True)
          for n in ("calcium", "magnesium", "phosphorus", "potassium", "sodium", "zinc")),
        Column("measure1_g", float, 0, None, nullable=True),
        Column("measure1_desc", nullable=True),
        Column("measure2_g", float, 0, None, nullable=True),
        Column("measure2_desc", nullable=True),
        Column("refuse_pct", float, 0, 100, nullable=True),
    ),
    unique=("ndb_no",),
)

ODS_SCHEMA = Schema(
    columns=(
        Column("rank", int, 1, None),
        Column("food"),
        Column("serving"),
        Column("magnesium_mg", float, 0, None),
        Column("magnesium_mg_max", float, 0, None),
        Column("percent_dv", float, 0, None),
        Column("serving_g", float, 0, None, nullable=True),
        Column("sr28_ndb_no", str, pattern=r"\d{5}", nullable=True),
        Column("verified"),
        Column("source"),
    ),
    unique=("rank",),
)

INTAKES_SCHEMA = Schema(
    columns=(
        Column("source_id", allowed=("IOM1997", "EFSA2015", "SCF_EFSA_UL")),
        Column("measure", allowed=("AI", "RDA", "EAR", "UL_supplemental")),
        Column("life_stage", allowed=("general", "pregnancy", "lactation")),
        Column("sex", allowed=("any", "male", "female")),
        Column("age_min_years", float, 0, 120),
        Column("age_max_years", float, 0, 120, nullable=True),
        Column("value_mg_per_day", float, 0, None, nullable=True),
        Column("note", nullable=True),
        Column("source"),
    ),
    unique=("source_id", "measure", "life_stage", "sex", "age_min_years"),
)

SUPPLEMENT_FORMS_SCHEMA = Schema(
    columns=(
        Column("form_id", pattern=r"[a-z][a-z0-9_]*"),
        Column("name"),
        Column("formula"),
        Column("salt_family"),
        Column("organic", bool),
        Column("water_solubility_g_per_100ml", float, 0, None, nullable=True),
        Column("solubility_source", nullable=True),
        Column("note", nullable=True),
    ),
    unique=("form_id",),
)


FSIGT_SCHEMA = Schema(
    columns=(
        Column("time_min", float, 0, 600),
        # Loose physiological validation bounds, not facts: glucose 20–1000 mg/dL, insulin 0–2000 µU/mL.
        Column("glucose_mg_dl", float, 20, 1000),
        Column("insulin_uU_ml", float, 0, 2000),
    ),
    unique=("time_min",),
)


#: The course's one evidence scale (defined in data/README.md, chapter 07 and INSTRUCTORS.md), best first.
VERDICTS = ("established", "likely", "uncertain", "unsupported", "false", "toy-model assumption")

CLAIMS_SCHEMA = Schema(
    columns=(
        Column("claim_id", pattern=r"(article-\d\d|ch\d\d-[a-z0-9-]+)"),
        Column("claim"),
        Column("articles", pattern=r"[A-E](, [A-E])*", nullable=True),
        Column("article_claim", int, 1, 54, nullable=True),
        Column("verdict", allowed=VERDICTS),
        Column("verdict_efficacy", allowed=VERDICTS, nullable=True),
        Column("verdict_safety", allowed=VERDICTS, nullable=True),
        Column("evidence"),
        Column("citations"),
        Column("chapters", pattern=r"\d\d(; \d\d)*"),
    ),
    unique=("claim_id",),
)


# --------------------------------------------------------------------------- loaders

@functools.lru_cache(maxsize=32)
def _cached(path: str, mtime_ns: int, size: int, schema: Schema) -> pd.DataFrame:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _unavailable(path, exc) from None
    frame = _parse(raw, path.name, schema)  # schema and encoding errors name the line
    expected = manifest_checksums(path.parent).get(path.name)
    if expected is not None:  # a file listed in its folder's manifest must match it byte for byte
        _verify_checksum(raw, path, expected)
    return frame


def require(*names: str) -> None:
    """Check, before a chapter starts, that its data files are present, readable and unchanged.

    ``names`` are file names in the data folder (default: every file its manifest lists). Raises
    :class:`DataUnavailable` or :class:`DataFileError`, which a notebook shows as one line ("Course data
    problem: …") instead of a traceback; Run All stops there, so no later cell fails on its own.
    """
    folder = data_dir()
    manifest_path = folder / "README.md"
    try:
        if not folder.is_dir():
            raise FileNotFoundError(2, "No such file or directory")
        listed = manifest_checksums(folder)
        if not listed:
            raise FileNotFoundError(2, "No checksum table")
    except OSError as exc:
        raise _unavailable(manifest_path, exc) from None
    for name in names:
        if not isinstance(name, str) or name not in listed:
            raise ValueError(f"names: {name!r} is not a file of the course's data folder "
                             f"(allowed: {', '.join(sorted(listed))})")
    for name in names or tuple(sorted(listed)):
        path = folder / name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _unavailable(path, exc) from None
        _verify_checksum(raw, path, listed[name])


def _load(path: str | Path | None, default: str, schema: Schema) -> pd.DataFrame:
    """Load a file (default: ``default`` in :func:`data_dir`), verified against the folder's manifest.

    Files in the course's data folder must be listed in ``README.md``'s checksum table; a file given by
    ``path`` elsewhere is checked against its folder's manifest if it has one.
    """
    folder = data_dir()
    path = _as_path("path", path, none_ok=True)
    path = path if path is not None else folder / default
    try:
        stat = path.stat()  # the key includes mtime and size, so an edited file is re-read
    except OSError as exc:
        raise _unavailable(path, exc) from None
    if path.parent.resolve() == folder.resolve() and path.name not in manifest_checksums(folder):
        raise DataFileError(f"{path.name}: not listed in the checksum table of {folder.name}/README.md "
                            "(got an unlisted file; allowed the files the manifest records)")
    return _cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, schema).copy()


def _file_stamp(default: str) -> tuple | None:
    """``(resolved path, mtime, size)`` of the course data file ``default``, to key caches of what is computed
    from it (an edited or replaced file gets a new stamp); None if the file cannot be read (then the loader
    raises its own message)."""
    path = data_dir() / default
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def load_foods(path: str | Path | None = None) -> pd.DataFrame:
    """USDA SR28 foods (8,790 rows): nutrients per 100 g edible portion, units in column names."""
    return _load(path, "foods.csv", FOODS_SCHEMA)


def load_ods_food_table(path: str | Path | None = None) -> pd.DataFrame:
    """NIH ODS 'Selected food sources of magnesium' (30 rows): mg per serving and %DV (DV 420 mg)."""
    return _load(path, "ods_food_table.csv", ODS_SCHEMA)


def load_intakes(path: str | Path | None = None) -> pd.DataFrame:
    """Dietary reference intakes (IOM 1997, EFSA 2015, EU UL), one value in mg/day per row."""
    return _load(path, "intakes.csv", INTAKES_SCHEMA)


def load_supplement_forms(path: str | Path | None = None) -> pd.DataFrame:
    """Magnesium supplement forms: formula, family, water solubility (g/100 mL) where known."""
    return _load(path, "supplement_forms.csv", SUPPLEMENT_FORMS_SCHEMA)


def load_fsigt(path: str | Path | None = None) -> pd.DataFrame:
    """The Pacini & Bergman (1986) example FSIGT: 24 samples of plasma glucose (mg/dL) and insulin (µU/mL).

    ``time_min`` is minutes after the glucose bolus (t = 0 is the pre-bolus sample). Besides the
    schema, the loader checks that the times are strictly increasing and start at 0.
    """
    frame = _load(path, "fsigt_pacini_bergman_1986.csv", FSIGT_SCHEMA)
    times = frame["time_min"].to_numpy()
    name = Path(path).name if path is not None else "fsigt_pacini_bergman_1986.csv"
    if len(times) == 0 or times[0] != 0:
        raise DataFileError(f"{name}, line 2: time_min must start at 0 (got {times[:1].tolist()!r}; allowed 0, the pre-bolus sample)")
    bad = np.flatnonzero(np.diff(times) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise DataFileError(f"{name}, line {i + 2}: time_min is not increasing (got {times[i]:g} after {times[i - 1]:g}; "
                            "allowed strictly increasing times)")
    return frame


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """The claims ledger: every popular-article claim (1–54) and every claim box of the chapters, one verdict each.

    Besides the schema, the loader checks that article claims carry their article letters
    and number (once each), and that a row grading efficacy or safety separately grades both.
    """
    frame = _load(path, "claims.csv", CLAIMS_SCHEMA)
    name = Path(path).name if path is not None else "claims.csv"
    for i, row in frame.iterrows():
        line = i + 2
        is_article = row["claim_id"].startswith("article-")
        if is_article != (not pd.isna(row["article_claim"])) or is_article == pd.isna(row["articles"]):
            raise DataFileError(f"{name}, line {line}: article_claim/articles must be given exactly for article-NN rows "
                                f"(got {row['claim_id']!r}; allowed article-NN with both, chNN-... with neither)")
        if is_article and int(row["claim_id"][8:]) != int(row["article_claim"]):
            raise DataFileError(f"{name}, line {line}: article_claim does not match the id "
                                f"(got {row['article_claim']} for {row['claim_id']!r}; allowed the same number)")
        if pd.isna(row["verdict_efficacy"]) != pd.isna(row["verdict_safety"]):
            raise DataFileError(f"{name}, line {line}: verdict_efficacy and verdict_safety go together "
                                f"(got {row['verdict_efficacy']!r} and {row['verdict_safety']!r}; allowed both or neither)")
    dup = frame["article_claim"].dropna()
    if dup.duplicated().any():
        raise DataFileError(f"{name}: article_claim {int(dup[dup.duplicated()].iloc[0])} appears twice (allowed once)")
    return frame


# --------------------------------------------------------------------------- search

@functools.lru_cache(maxsize=1)
def _search_index() -> tuple[pd.DataFrame, list[str]]:
    foods = load_foods()
    return foods, [d.lower() for d in foods["description"]]


def food_search(query: str, limit: int = 20) -> pd.DataFrame:
    """Foods whose description contains every word of ``query`` (case-insensitive).

    Words match anywhere in the description (``"pumpkin"`` finds
    ``PUMPKIN&SQUASH SD KRNLS``). SR28 descriptions are abbreviated
    (``CKD`` cooked, ``BLD`` boiled, ``DK`` dark, ``WO/`` without), so search
    for those forms. Ranking: descriptions that start with the first query
    word come first, then shorter descriptions, then NDB number. Returns at
    most ``limit`` rows of :func:`load_foods` (nutrients per 100 g).
    """
    words = query.lower().replace(",", " ").split() if isinstance(query, str) else []
    if not words:
        raise ValueError(f"query must be a non-empty string of words (got {query!r})")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be an integer >= 1 (got {limit!r})")
    foods, lowered = _search_index()
    hits = list(range(len(lowered)))
    for word in words:  # narrow the candidates one word at a time
        hits = [i for i in hits if word in lowered[i]]
    hits.sort(key=lambda i: (not lowered[i].startswith(words[0]), len(lowered[i]), i))
    return foods.iloc[hits[:limit]].reset_index(drop=True)


def food_by_ndb(ndb_no: str | int) -> pd.Series:
    """The row of :func:`load_foods` for one NDB number (``"09040"``, ``"9040"`` or ``9040``)."""
    if isinstance(ndb_no, bool) or not isinstance(ndb_no, (str, int)):
        raise ValueError(f"ndb_no must be a 5-digit string or an int (got {ndb_no!r})")
    key = str(ndb_no).strip()
    if not key.isdigit() or len(key) > 5:
        raise ValueError(f"ndb_no must be up to 5 digits (got {ndb_no!r})")
    key = key.zfill(5)
    foods, _ = _search_index()
    match = foods.index[foods["ndb_no"] == key]
    if len(match) == 0:
        raise ValueError(f"ndb_no {key!r} is not in foods.csv (USDA SR28, {len(foods)} foods)")
    return foods.loc[match[0]].copy()
