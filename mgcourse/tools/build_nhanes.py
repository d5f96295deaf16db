"""Derive ``data/nhanes_2017_2018.csv`` from the NHANES 2017–2018 public-use files, and refresh the manifest.

Usage::

    python -m mgcourse.tools.build_nhanes [--raw DIR] [--check]

Steps
-----
1. Verify the sha256 of each raw file (listed in :data:`RAW_SHA256` and in ``data/README.md``);
   any other file is refused.
2. Read the SAS transport files with ``pandas.read_sas(format="xport")`` and the day-1 dietary
   totals (``DR1TOT_J.csv.gz``) with ``pandas.read_csv``. Exact zeros come back from SAS transport
   as tiny numbers (about 5.4e-79); values below 1e-70 in absolute value are set to 0.
3. Keep every participant aged 20 years or more in ``DEMO_J`` (one row each, sorted by ``seqn``)
   and join the columns both analytic samples need (``mgcourse.nhanes``).
4. Write the CSV with a fixed number format (integers without a decimal point, other numbers as the
   shortest text that reads back to the same float), UTF-8 and LF, so that it rebuilds byte-identically.
5. Recompute the checksum table in ``data/README.md`` (the same mechanism as ``build_data``).

``--check`` rebuilds in memory and exits with status 1 if the committed extract or the checksum
table differs. The raw directory defaults to ``$MGCOURSE_NHANES``, else
``<repo>/../shared/data/nhanes_2017_2018``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from mgcourse import DATA_DIR, REPO_ROOT
from mgcourse.tools.build_data import check_derived, refresh_checksums, run_build, sha256_bytes

#: The extract written into ``data/``.
OUTPUT_NAME = "nhanes_2017_2018.csv"

#: sha256 of every raw file the derivation was written for (from the shared data README).
RAW_SHA256: dict[str, str] = {
    "DEMO_J.XPT": "c0b46e0345ea19404928656277c8b0d10b0cca348a9b2fe4fc3c67e8b7ee73ec",
    "GLU_J.XPT": "5b38897d0d7bfbc69dd9ca74ffdaf2f6a9bed5a91d4a7bf46e07f1332cc3379e",
    "INS_J.XPT": "a5a65ba96778f9a1548818fd65418153395c00c7c3655702d46040ea59d7e97f",
    "BMX_J.XPT": "8d675e42d8826ac98714b2c3dd4c5138a5e353fb4424f7eff5e6db4a01ce838a",
    "GHB_J.XPT": "35f07094573a0061a03ed609a5a363b34eb1b1c7065d1623b43d72e132a8a654",
    "DR1TOT_J.csv.gz": "81b127cc6d2621150873d141aabbf834dabf3c26ef8cffc52bb835f917ba382a",
}

#: Minimum age (years) of the participants kept in the extract.
MIN_AGE_YEARS = 20

#: Output columns, in order, with the raw variable each comes from.
COLUMNS: dict[str, str] = {
    "seqn": "DEMO_J.SEQN",
    "age_years": "DEMO_J.RIDAGEYR (top-coded at 80)",
    "sex": "DEMO_J.RIAGENDR (1 male, 2 female)",
    "pregnant": "DEMO_J.RIDEXPRG == 1 (1 yes, 0 otherwise)",
    "recall_reliable": "DR1TOT_J.DR1DRSTZ == 1 (1 yes, 0 otherwise or no recall)",
    "mg_intake_mg_per_day": "DR1TOT_J.DR1TMAGN",
    "energy_kcal_per_day": "DR1TOT_J.DR1TKCAL",
    "weight_dietary_day1": "DR1TOT_J.WTDRD1",
    "weight_fasting": "GLU_J.WTSAF2YR",
    "strata": "DEMO_J.SDMVSTRA",
    "psu": "DEMO_J.SDMVPSU",
    "glucose_mg_dl": "GLU_J.LBXGLU",
    "insulin_uU_ml": "INS_J.LBXIN",
    "hba1c_percent": "GHB_J.LBXGH",
    "bmi_kg_m2": "BMX_J.BMXBMI",
    "waist_cm": "BMX_J.BMXWAIST",
}
INTEGER_COLUMNS = ("seqn", "age_years", "pregnant", "recall_reliable", "strata", "psu")


def default_raw_dir() -> Path:
    """Raw NHANES directory: ``$MGCOURSE_NHANES``, else ``<repo>/../shared/data/nhanes_2017_2018``."""
    env = os.environ.get("MGCOURSE_NHANES")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data" / "nhanes_2017_2018"


def read_raw(raw_dir: Path) -> dict[str, bytes]:
    """Read every raw file and verify its sha256; ``ValueError`` naming the file on a mismatch."""
    raw_dir = Path(raw_dir)
    out = {}
    for name, expected in RAW_SHA256.items():
        path = raw_dir / name
        if not path.exists():
            raise ValueError(f"raw file missing: {path}")
        data = path.read_bytes()
        digest = sha256_bytes(data)
        if digest != expected:
            raise ValueError(f"{path}: sha256 {digest} does not match the expected {expected}")
        out[name] = data
    return out


def _xport(data: bytes) -> pd.DataFrame:
    frame = pd.read_sas(io.BytesIO(data), format="xport")
    num = frame.select_dtypes("number").columns
    frame[num] = frame[num].mask(frame[num].abs() < 1e-70, 0.0)  # SAS transport "zero" is ~5.4e-79
    return frame


def _by_seqn(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame[["SEQN", *columns]].copy()
    frame["SEQN"] = frame["SEQN"].astype("int64")
    if not frame["SEQN"].is_unique:
        raise ValueError("duplicate SEQN in a raw file")
    return frame.set_index("SEQN")


def extract_frame(raw: dict[str, bytes]) -> pd.DataFrame:
    """The tidy extract as a DataFrame (adults aged ≥ 20, one row per participant, sorted by ``seqn``)."""
    demo = _by_seqn(_xport(raw["DEMO_J.XPT"]), ["RIDAGEYR", "RIAGENDR", "RIDEXPRG", "SDMVSTRA", "SDMVPSU"])
    glu = _by_seqn(_xport(raw["GLU_J.XPT"]), ["WTSAF2YR", "LBXGLU"])
    ins = _by_seqn(_xport(raw["INS_J.XPT"]), ["LBXIN"])
    bmx = _by_seqn(_xport(raw["BMX_J.XPT"]), ["BMXBMI", "BMXWAIST"])
    ghb = _by_seqn(_xport(raw["GHB_J.XPT"]), ["LBXGH"])
    diet = pd.read_csv(io.BytesIO(gzip.decompress(raw["DR1TOT_J.csv.gz"])))
    diet = _by_seqn(diet, ["DR1DRSTZ", "DR1TMAGN", "DR1TKCAL", "WTDRD1"])

    adults = demo[demo["RIDAGEYR"] >= MIN_AGE_YEARS]
    joined = adults.join([glu, ins, bmx, ghb, diet], how="left").sort_index()
    if joined[["SDMVSTRA", "SDMVPSU", "RIAGENDR", "RIDAGEYR"]].isna().any().any():
        raise ValueError("DEMO_J: missing age, sex or design variables among adults")
    if not set(joined["RIAGENDR"].unique()) <= {1.0, 2.0}:
        raise ValueError("DEMO_J: RIAGENDR outside {1, 2}")
    out = pd.DataFrame({
        "seqn": joined.index.to_numpy(),
        "age_years": joined["RIDAGEYR"].to_numpy(),
        "sex": np.where(joined["RIAGENDR"] == 1, "male", "female"),
        "pregnant": (joined["RIDEXPRG"] == 1).astype(int).to_numpy(),
        "recall_reliable": (joined["DR1DRSTZ"] == 1).astype(int).to_numpy(),
        "mg_intake_mg_per_day": joined["DR1TMAGN"].to_numpy(),
        "energy_kcal_per_day": joined["DR1TKCAL"].to_numpy(),
        "weight_dietary_day1": joined["WTDRD1"].to_numpy(),
        "weight_fasting": joined["WTSAF2YR"].to_numpy(),
        "strata": joined["SDMVSTRA"].to_numpy(),
        "psu": joined["SDMVPSU"].to_numpy(),
        "glucose_mg_dl": joined["LBXGLU"].to_numpy(),
        "insulin_uU_ml": joined["LBXIN"].to_numpy(),
        "hba1c_percent": joined["LBXGH"].to_numpy(),
        "bmi_kg_m2": joined["BMXBMI"].to_numpy(),
        "waist_cm": joined["BMXWAIST"].to_numpy(),
    })
    assert list(out.columns) == list(COLUMNS)
    return out


def format_number(x) -> str:
    """Deterministic text for one cell: empty for missing, integers without '.0', else the shortest repr."""
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r} in the extract")
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def extract_csv_bytes(raw_dir: Path) -> bytes:
    """The exact bytes of ``data/nhanes_2017_2018.csv`` derived from the raw files (UTF-8, LF)."""
    frame = extract_frame(read_raw(raw_dir))
    lines = [",".join(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append(",".join(format_number(v) for v in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(raw_dir: Path, data_dir: Path = DATA_DIR) -> None:
    """Write the extract into ``data_dir`` and refresh the checksums in its ``README.md``."""
    (Path(data_dir) / OUTPUT_NAME).write_bytes(extract_csv_bytes(raw_dir))
    refresh_checksums(data_dir)


def check(raw_dir: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Rebuild in memory; return a list of problems (empty when everything is up to date)."""
    return check_derived(Path(data_dir) / OUTPUT_NAME, extract_csv_bytes(raw_dir), raw_dir)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.build_nhanes", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=None, help="directory with the NHANES 2017-2018 raw files")
    parser.add_argument("--check", action="store_true", help="exit 1 if data/ is not up to date")
    args = parser.parse_args(argv)
    raw_dir = args.raw or default_raw_dir()
    if not raw_dir.is_dir():
        print(f"NHANES raw directory not found: {raw_dir} (use --raw DIR or set MGCOURSE_NHANES)", file=sys.stderr)
        return 2
    return run_build(raw_dir, check_only=args.check, check=check, build=build, name=OUTPUT_NAME)

if __name__ == "__main__":
    sys.exit(main())
