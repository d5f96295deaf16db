"""Derive ``data/foods.csv`` from the USDA SR28 abbreviated file, and refresh the manifest.

Usage::

    python -m mgcourse.tools.build_data [--sr28 PATH] [--check]

Steps
-----
1. Verify the sha256 of the source file (SR28 ``ABBREV.txt``; see ``data/README.md``).
2. Parse its format: Latin-1, CRLF, one food per line, fields separated by ``^``,
   text wrapped in ``~``; an empty numeric field means *no value* (kept empty, never 0).
3. Write ``data/foods.csv`` (UTF-8, LF, sorted by ``ndb_no``, all 8,790 foods).
   Numbers are copied verbatim from the source text, so the output is exact
   and byte-for-byte reproducible.
4. Recompute the sha256 of every ``data/*.csv`` and rewrite the checksum table
   in ``data/README.md`` between ``<!-- checksums:start -->`` and
   ``<!-- checksums:end -->``.

``--check`` rebuilds in memory and exits with status 1 if ``data/foods.csv``
or the manifest's checksum table differs from what is committed.
``--checksums-only`` refreshes the manifest's checksum table without the SR28
file (after editing a hand-written CSV such as ``data/intakes.csv``).

The SR28 path defaults to the environment variable ``MGCOURSE_SR28``, else
``<repo>/../shared/data/usda_sr28_abbrev.txt``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
from pathlib import Path

from mgcourse import DATA_DIR, REPO_ROOT

#: sha256 of the SR28 abbreviated file this derivation was written for.
SR28_SHA256 = "5d8e273641e1a7701de2e5e058c59464922e5df41c3ed02b567ca76278d7d19c"
#: Number of fields per SR28 ABBREV line.
SR28_N_FIELDS = 53

CHECKSUMS_START = "<!-- checksums:start -->"
CHECKSUMS_END = "<!-- checksums:end -->"

#: Output column -> 0-based field index in SR28 ABBREV (see shared/data/README.md).
NUMERIC_FIELDS: dict[str, int] = {
    "water_g_per_100g": 2,
    "energy_kcal_per_100g": 3,
    "protein_g_per_100g": 4,
    "fat_g_per_100g": 5,
    "carbohydrate_g_per_100g": 7,
    "fiber_g_per_100g": 8,
    "sugar_g_per_100g": 9,
    "calcium_mg_per_100g": 10,
    "magnesium_mg_per_100g": 12,
    "phosphorus_mg_per_100g": 13,
    "potassium_mg_per_100g": 14,
    "sodium_mg_per_100g": 15,
    "zinc_mg_per_100g": 16,
}
MEASURE_FIELDS: dict[str, int] = {
    "measure1_g": 48,
    "measure1_desc": 49,
    "measure2_g": 50,
    "measure2_desc": 51,
    "refuse_pct": 52,
}
TEXT_FIELD_INDICES = {0, 1, 49, 51}
COLUMNS = ["ndb_no", "description", "food_group", *NUMERIC_FIELDS, *MEASURE_FIELDS]

#: SR food-group names by code. Derivation (not a USDA field of ABBREV): for
#: foods numbered 01xxx-36xxx whose first two digits are one of these codes,
#: the group is inferred from the NDB number.
FOOD_GROUPS: dict[str, str] = {
    "01": "Dairy and Egg Products",
    "02": "Spices and Herbs",
    "03": "Baby Foods",
    "04": "Fats and Oils",
    "05": "Poultry Products",
    "06": "Soups, Sauces, and Gravies",
    "07": "Sausages and Luncheon Meats",
    "08": "Breakfast Cereals",
    "09": "Fruits and Fruit Juices",
    "10": "Pork Products",
    "11": "Vegetables and Vegetable Products",
    "12": "Nut and Seed Products",
    "13": "Beef Products",
    "14": "Beverages",
    "15": "Finfish and Shellfish Products",
    "16": "Legumes and Legume Products",
    "17": "Lamb, Veal, and Game Products",
    "18": "Baked Products",
    "19": "Sweets",
    "20": "Cereal Grains and Pasta",
    "21": "Fast Foods",
    "22": "Meals, Entrees, and Side Dishes",
    "25": "Snacks",
    "35": "American Indian/Alaska Native Foods",
    "36": "Restaurant Foods",
}
OTHER_GROUP = "Other (group not encoded in NDB number)"

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def default_sr28_path() -> Path:
    """Path of the SR28 abbreviated file: ``$MGCOURSE_SR28``, else ``<repo>/../shared/data/``."""
    env = os.environ.get("MGCOURSE_SR28")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data" / "usda_sr28_abbrev.txt"


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def food_group(ndb_no: str) -> str:
    """Food-group name inferred from the first two digits of a 5-digit NDB number."""
    return FOOD_GROUPS.get(ndb_no[:2], OTHER_GROUP)


def parse_sr28(raw: bytes) -> list[dict[str, str]]:
    """Parse SR28 ABBREV bytes into one dict per food (values kept as source text).

    Empty numeric fields stay ``""`` (missing, not zero). Raises ``ValueError``
    naming the line on any format error.
    """
    rows = []
    for line_no, line in enumerate(raw.decode("latin-1").splitlines(), start=1):
        if not line.strip():
            continue  # the file separates records with blank lines
        fields = line.split("^")
        if len(fields) != SR28_N_FIELDS:
            raise ValueError(f"SR28 line {line_no}: {len(fields)} fields, expected {SR28_N_FIELDS}")
        for i, field in enumerate(fields):
            if i in TEXT_FIELD_INDICES:
                if not (len(field) >= 2 and field[0] == field[-1] == "~"):
                    raise ValueError(f"SR28 line {line_no}, field {i + 1}: text not wrapped in '~'")
                fields[i] = field[1:-1]
            elif field and not _NUMBER.fullmatch(field):
                raise ValueError(f"SR28 line {line_no}, field {i + 1}: not a number: {field!r}")
        ndb_no = fields[0]
        if not re.fullmatch(r"\d{5}", ndb_no):
            raise ValueError(f"SR28 line {line_no}: bad NDB number {ndb_no!r}")
        row = {"ndb_no": ndb_no, "description": fields[1], "food_group": food_group(ndb_no)}
        row.update({name: fields[i] for name, i in NUMERIC_FIELDS.items()})
        row.update({name: fields[i] for name, i in MEASURE_FIELDS.items()})
        rows.append(row)
    ids = [r["ndb_no"] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("SR28: duplicate NDB numbers")
    return sorted(rows, key=lambda r: r["ndb_no"])


def read_sr28(path: Path) -> bytes:
    """Read the SR28 file and verify its sha256; ``ValueError`` on mismatch."""
    raw = Path(path).read_bytes()
    digest = sha256_bytes(raw)
    if digest != SR28_SHA256:
        raise ValueError(f"{path}: sha256 {digest} does not match the expected {SR28_SHA256}")
    return raw


def foods_csv_bytes(sr28_path: Path) -> bytes:
    """The exact bytes of ``data/foods.csv`` derived from the SR28 file (UTF-8, LF)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(parse_sr28(read_sr28(sr28_path)))
    return buffer.getvalue().encode("utf-8")


def checksum_table(data_dir: Path) -> str:
    """Markdown table of the size (bytes) and sha256 of every ``*.csv`` in ``data_dir``."""
    lines = ["| file | bytes | sha256 |", "|---|---:|---|"]
    for path in sorted(Path(data_dir).glob("*.csv")):
        data = path.read_bytes()
        lines.append(f"| `{path.name}` | {len(data)} | `{sha256_bytes(data)}` |")
    return "\n".join(lines)


def manifest_with_checksums(manifest_text: str, table: str) -> str:
    """Return ``manifest_text`` with the block between the checksum markers replaced by ``table``."""
    start = manifest_text.find(CHECKSUMS_START)
    end = manifest_text.find(CHECKSUMS_END)
    if start < 0 or end < start:
        raise ValueError(f"manifest lacks the markers {CHECKSUMS_START} ... {CHECKSUMS_END}")
    head = manifest_text[: start + len(CHECKSUMS_START)]
    return f"{head}\n{table}\n{manifest_text[end:]}"


def refresh_checksums(data_dir: Path = DATA_DIR) -> None:
    """Rewrite the checksum table in ``data_dir/README.md`` from the current ``*.csv`` files."""
    manifest = Path(data_dir) / "README.md"
    text = manifest.read_text(encoding="utf-8")
    new = manifest_with_checksums(text, checksum_table(data_dir))
    manifest.write_bytes(new.encode("utf-8"))


def build(sr28_path: Path, data_dir: Path = DATA_DIR) -> None:
    """Write ``foods.csv`` into ``data_dir`` and refresh the checksums in its ``README.md``."""
    (Path(data_dir) / "foods.csv").write_bytes(foods_csv_bytes(sr28_path))
    refresh_checksums(data_dir)


def check(sr28_path: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Rebuild in memory; return a list of problems (empty when everything is up to date)."""
    return check_derived(Path(data_dir) / "foods.csv", foods_csv_bytes(sr28_path), sr28_path)


def check_derived(target: Path, rebuilt: bytes, source: Path) -> list[str]:
    """Problems of a derived data file (shared by the data builders): it differs from ``rebuilt``, or the
    manifest's checksum table of its folder is out of date. Empty when everything is up to date."""
    data_dir = Path(target).parent
    problems = []
    if not target.exists() or target.read_bytes() != rebuilt:
        problems.append(f"{target} differs from the derivation of {source}")
    manifest = data_dir / "README.md"
    text = manifest.read_text(encoding="utf-8")
    if manifest_with_checksums(text, checksum_table(data_dir)) != text:
        problems.append(f"{manifest}: checksum table is out of date")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.build_data", description=__doc__.split("\n")[0])
    parser.add_argument("--sr28", type=Path, default=None, help="path of the SR28 ABBREV file")
    parser.add_argument("--check", action="store_true", help="exit 1 if data/ is not up to date")
    parser.add_argument("--checksums-only", action="store_true", help="only refresh data/README.md checksums")
    args = parser.parse_args(argv)
    if args.checksums_only:
        refresh_checksums()
        print(f"refreshed the checksums in {DATA_DIR / 'README.md'}")
        return 0
    sr28 = args.sr28 or default_sr28_path()
    if not sr28.exists():
        print(f"SR28 file not found: {sr28} (use --sr28 PATH or set MGCOURSE_SR28)", file=sys.stderr)
        return 2
    return run_build(sr28, check_only=args.check, check=check, build=build, name="foods.csv")


def run_build(source: Path, *, check_only: bool, check, build, name: str) -> int:
    """Shared CLI step of the data builders: ``--check`` reports drift (exit 1), else build; bad input exits 2."""
    try:
        if check_only:
            problems = check(source)
            for problem in problems:
                print(problem, file=sys.stderr)
            if not problems:
                print(f"data/{name} is up to date")
            return 1 if problems else 0
        build(source)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"wrote {DATA_DIR / name} and refreshed the checksums in {DATA_DIR / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
