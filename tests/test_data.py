"""Data files: schema, units, ranges, checksums, per-serving arithmetic, loaders and the SR28 derivation."""

import hashlib
import re
import time

import numpy as np
import pandas as pd
import pytest

from mgcourse import DATA_DIR
from mgcourse.tools import build_data
from mgcourse.data import (
    FOODS_SCHEMA,
    Column,
    DataFileError,
    Schema,
    food_by_ndb,
    food_search,
    load_foods,
    load_fsigt,
    load_intakes,
    load_ods_food_table,
    load_supplement_forms,
    read_validated_csv,
)

FOODS_COLUMNS = [
    "ndb_no", "description", "food_group", "water_g_per_100g", "energy_kcal_per_100g", "protein_g_per_100g",
    "fat_g_per_100g", "carbohydrate_g_per_100g", "fiber_g_per_100g", "sugar_g_per_100g", "calcium_mg_per_100g",
    "magnesium_mg_per_100g", "phosphorus_mg_per_100g", "potassium_mg_per_100g", "sodium_mg_per_100g",
    "zinc_mg_per_100g", "measure1_g", "measure1_desc", "measure2_g", "measure2_desc", "refuse_pct",
]
SR28 = build_data.default_sr28_path()
needs_sr28 = pytest.mark.skipif(
    not SR28.exists(),
    reason=f"USDA SR28 source not found at {SR28} (../shared is absent; set MGCOURSE_SR28 to run this test)",
)


# --------------------------------------------------------------------------- files and checksums

def manifest_checksums():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    block = text.split(build_data.CHECKSUMS_START)[1].split(build_data.CHECKSUMS_END)[0]
    return dict(re.findall(r"\| `([^`]+)` \| \d+ \| `([0-9a-f]{64})` \|", block))


def test_checksums_match_manifest():
    recorded = manifest_checksums()
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA_DIR.glob("*.csv")}
    assert recorded == on_disk, "run `python -m mgcourse.tools.build_data --checksums-only` and commit data/README.md"


@pytest.mark.parametrize("name", ["foods.csv", "ods_food_table.csv", "intakes.csv", "supplement_forms.csv",
                                  "fsigt_pacini_bergman_1986.csv"])
def test_files_are_utf8_with_lf(name):
    raw = (DATA_DIR / name).read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")


def test_manifest_documents_every_file_and_column():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    loaders = [load_foods, load_ods_food_table, load_intakes, load_supplement_forms, load_fsigt]
    names = ["foods.csv", "ods_food_table.csv", "intakes.csv", "supplement_forms.csv", "fsigt_pacini_bergman_1986.csv"]
    for path, loader in zip(names, loaders):
        assert f"## `{path}`" in text
        for column in loader().columns:
            assert f"`{column}`" in text, f"{path}: column {column} is not documented"


# --------------------------------------------------------------------------- foods.csv

def test_foods_schema():
    foods = load_foods()
    assert list(foods.columns) == FOODS_COLUMNS
    assert len(foods) == 8790
    assert foods["ndb_no"].str.fullmatch(r"\d{5}").all()
    assert foods["ndb_no"].is_unique
    assert foods["ndb_no"].is_monotonic_increasing
    assert foods["magnesium_mg_per_100g"].dtype == np.float64


@pytest.mark.parametrize(
    "ndb_no, text, mg",
    [("12014", "PUMPKIN&SQUASH SD KRNLS,DRIED", 592), ("12006", "CHIA SEEDS,DRIED", 335),
     ("11457", "SPINACH,RAW", 79), ("19904", "CHOCOLATE,DK,70-85% CACAO SOL", 228),
     ("09040", "BANANAS,RAW", 27), ("16015", "BEANS,BLACK,MATURE SEEDS,CKD,BLD,WO/SALT", 70)],
)
def test_foods_spot_values(ndb_no, text, mg):
    row = food_by_ndb(ndb_no)
    assert row["description"] == text
    assert row["magnesium_mg_per_100g"] == mg


def test_foods_missing_values_stay_missing():
    # 12006 chia seeds: SR28 has no value for total sugars (an empty field, not zero).
    assert np.isnan(food_by_ndb("12006")["sugar_g_per_100g"])
    assert load_foods()["magnesium_mg_per_100g"].isna().sum() > 0


def test_food_groups():
    foods = load_foods()
    assert food_by_ndb("09040")["food_group"] == "Fruits and Fruit Juices"
    assert food_by_ndb("12014")["food_group"] == "Nut and Seed Products"
    assert food_by_ndb("23000")["food_group"] == build_data.OTHER_GROUP
    assert set(foods["food_group"]) <= set(build_data.FOOD_GROUPS.values()) | {build_data.OTHER_GROUP}


# --------------------------------------------------------------------------- ODS table

def test_ods_schema():
    ods = load_ods_food_table()
    assert len(ods) == 30
    assert list(ods["rank"]) == list(range(1, 31))
    assert (ods["magnesium_mg_max"] >= ods["magnesium_mg"]).all()
    ranged = ods[ods["magnesium_mg_max"] != ods["magnesium_mg"]]
    assert list(ranged["food"]) == ["Milk"]
    assert (ranged[["magnesium_mg", "magnesium_mg_max"]].to_numpy() == [[24, 27]]).all()
    assert ods["magnesium_mg"].is_monotonic_decreasing


def test_ods_percent_dv():
    ods = load_ods_food_table()
    expected = np.round(ods["magnesium_mg"] / 420 * 100)
    assert (np.abs(ods["percent_dv"] - expected) <= 1).all()


def test_ods_servings_reproduce_sr28():
    ods = load_ods_food_table()
    matched = ods[ods["serving_g"].notna()]
    assert (matched["sr28_ndb_no"].notna()).all()
    assert ods[ods["serving_g"].isna()]["sr28_ndb_no"].isna().all()
    assert len(matched) == 10
    for row in matched.itertuples():
        per_100g = food_by_ndb(row.sr28_ndb_no)["magnesium_mg_per_100g"]
        assert per_100g * row.serving_g / 100 == pytest.approx(row.magnesium_mg, abs=1), row.food


def test_ods_mismatches_are_left_empty():
    ods = load_ods_food_table().set_index("food")
    for food in ("Chia seeds", "Potato, baked with skin"):
        assert pd.isna(ods.loc[food, "serving_g"])
        assert pd.isna(ods.loc[food, "sr28_ndb_no"])


# --------------------------------------------------------------------------- intakes, supplement forms

def test_intakes_schema():
    intakes = load_intakes()
    assert set(intakes["source_id"]) == {"IOM1997", "EFSA2015", "SCF_EFSA_UL"}
    bounded = intakes.dropna(subset=["age_max_years"])
    assert (bounded["age_max_years"] > bounded["age_min_years"]).all()
    missing = intakes[intakes["value_mg_per_day"].isna()]
    assert list(missing["measure"]) == ["UL_supplemental"] and list(missing["age_max_years"]) == [1]
    assert intakes["source"].str.contains("doi:|BfR").all()


def test_supplement_forms_schema():
    forms = load_supplement_forms()
    assert len(forms) == 27  # 23 forms of fact-sheet table 4a + pidolate and three label variants
    assert forms["form_id"].is_unique
    assert not any(c.startswith("elemental") for c in forms.columns)
    assert forms["formula"].str.fullmatch(r"[A-Za-z0-9().]+").all()  # ASCII, hydrates with '.'
    given = forms.dropna(subset=["water_solubility_g_per_100ml"]).set_index("form_id")
    assert given["water_solubility_g_per_100ml"].to_dict() == {
        "oxide": 0.010, "hydroxide": 0.00069, "carbonate": 0.18, "chloride_anhydrous": 54,
        "sulfate_anhydrous": 35.7, "magnesium_hydrogen_citrate_1_1": 20, "bisglycinate": 1.36,
    }
    assert given["solubility_source"].str.contains("10.3390/molecules").all()
    assert not forms.set_index("form_id").loc["oxide", "organic"]
    assert forms.set_index("form_id").loc["bisglycinate", "organic"]


def test_loaders_return_copies():
    first = load_foods()
    first.loc[0, "magnesium_mg_per_100g"] = -1
    assert load_foods().loc[0, "magnesium_mg_per_100g"] != -1


# --------------------------------------------------------------------------- validation errors

SMALL = Schema(
    columns=(Column("id", str, pattern=r"\d{2}"), Column("mg", float, 0, 100), Column("n", int, 1, None, nullable=True)),
    unique=("id",),
)


def write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_small_file(tmp_path):
    frame = read_validated_csv(write(tmp_path, "id,mg,n,extra\n01,5,,x\n02,7.5,3,y\n"), SMALL)
    assert list(frame["mg"]) == [5.0, 7.5]
    assert frame["n"].isna().iloc[0] and frame["n"].iloc[1] == 3


@pytest.mark.parametrize(
    "text, line, fragments",
    [
        ("id,n\n01,1\n", 1, ["column mg missing", "id, n"]),
        ("id,mg,n\n01,5,1\n02,abc,1\n", 3, ["mg is not a number", "'abc'", "0 to 100"]),
        ("id,mg,n\n01,5,1\n02,6,1\n03,101,1\n", 4, ["mg is above the maximum", "'101'", "0 to 100"]),
        ("id,mg,n\n01,-1,1\n", 2, ["mg is below the minimum", "'-1'"]),
        ("id,mg,n\n01,5,1\n02,6,1\n01,7,1\n", 4, ["id duplicate id", "'01'", "first seen on line 2"]),
        ("id,mg,n\n01,,1\n", 2, ["mg is empty"]),
        ("id,mg,n\n01,nan,1\n", 2, ["mg is not a number"]),
        ("id,mg,n\n1,5,1\n", 2, ["id has the wrong format", "'1'"]),
        ("id,mg,n\n01,5,1.5\n", 2, ["n is not an integer"]),
        ("id,mg,n\n01,5\n", 2, ["row has 2 fields"]),
        ("id,mg,n\n01,5,1\n\n02,5,x\n", 4, ["n is not a number"]),
        ('id,mg,n,note\n01,5,1,"two\nlines"\n02,500,1,x\n', 4, ["mg is above the maximum"]),
    ],
)
def test_malformed_csv(tmp_path, text, line, fragments):
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        read_validated_csv(path, SMALL)
    message = str(info.value)
    assert message.startswith(f"bad.csv, line {line}: "), message
    for fragment in fragments:
        assert fragment in message


def test_earliest_error_is_reported(tmp_path):
    path = write(tmp_path, "id,mg,n\n01,5,x\n02,500,1\n")
    with pytest.raises(DataFileError, match=r"line 2: n is not a number"):
        read_validated_csv(path, SMALL)


def test_data_file_error_is_value_error():
    assert issubclass(DataFileError, ValueError)


def test_loader_with_path_validates(tmp_path):
    good = (DATA_DIR / "supplement_forms.csv").read_text(encoding="utf-8").splitlines()
    good[3] = good[3].replace(",false,", ",maybe,", 1)
    path = write(tmp_path, "\n".join(good) + "\n", "supplement_forms.csv")
    with pytest.raises(DataFileError, match=r"supplement_forms.csv, line 4: organic is not true or false"):
        load_supplement_forms(path)


def test_foods_duplicate_id_detected(tmp_path):
    lines = (DATA_DIR / "foods.csv").read_text(encoding="utf-8").splitlines()[:4]
    lines.append(lines[1])
    path = write(tmp_path, "\n".join(lines) + "\n", "foods.csv")
    with pytest.raises(DataFileError, match=r"foods.csv, line 5: ndb_no duplicate id \(got '01001'"):
        read_validated_csv(path, FOODS_SCHEMA)


# --------------------------------------------------------------------------- search

def test_food_search_finds_spinach():
    hits = food_search("spinach raw")
    assert "11457" in list(hits["ndb_no"])
    assert hits.iloc[0]["ndb_no"] == "11457"  # starts with the first word and is shortest
    assert all("spinach" in d.lower() and "raw" in d.lower() for d in hits["description"])


def test_food_search_limit_and_case():
    assert len(food_search("CHEESE", limit=3)) == 3
    assert food_search("zzzz-no-such-food").empty


@pytest.mark.parametrize("query", ["", "   ", ",", None])
def test_food_search_rejects_empty_query(query):
    with pytest.raises(ValueError, match="query"):
        food_search(query)


def test_food_search_rejects_bad_limit():
    with pytest.raises(ValueError, match="limit"):
        food_search("spinach", limit=0)


def test_food_search_is_fast():
    food_search("warm up")
    best = min(_timed(food_search, q) for q in ("spinach raw", "a", "cheese") for _ in range(3))
    assert best < 0.050


def _timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def test_food_by_ndb():
    assert food_by_ndb(9040)["description"] == "BANANAS,RAW"
    assert food_by_ndb("9040")["ndb_no"] == "09040"
    for bad in ("00000", 99999, "abc", "123456", None, 9.5):
        with pytest.raises(ValueError, match="ndb_no"):
            food_by_ndb(bad)


# --------------------------------------------------------------------------- derivation from SR28

def sr28_line(ndb_no, description, numbers, measure1_desc="", measure2_desc=""):
    """One SR28 ABBREV line: 53 '^'-separated fields, text in '~'; ``numbers`` maps 0-based index to text."""
    fields = [numbers.get(i, "") for i in range(build_data.SR28_N_FIELDS)]
    for i, text in zip((0, 1, 49, 51), (ndb_no, description, measure1_desc, measure2_desc)):
        fields[i] = f"~{text}~"
    return "^".join(fields) + "\r\n"


def test_parse_sr28_format():
    raw = (
        sr28_line("09040", "BANANAS,RAW", {8: "2.6", 12: "27", 48: "225", 52: "36"}, "1 cup, mashed")
        + "\r\n"
        + sr28_line("43004", "BABYFOOD,ENTR\xc9E", {})
    ).encode("latin-1")
    rows = build_data.parse_sr28(raw)
    assert [r["ndb_no"] for r in rows] == ["09040", "43004"]
    banana, baby = rows
    assert banana["magnesium_mg_per_100g"] == "27" and banana["fiber_g_per_100g"] == "2.6"
    assert banana["measure1_g"] == "225" and banana["refuse_pct"] == "36"
    assert banana["measure1_desc"] == "1 cup, mashed" and banana["measure2_g"] == ""
    assert banana["food_group"] == "Fruits and Fruit Juices"
    assert baby["description"] == "BABYFOOD,ENTRÉE"
    assert baby["magnesium_mg_per_100g"] == ""  # empty means missing, not zero
    assert baby["food_group"] == build_data.OTHER_GROUP


def test_parse_sr28_rejects_bad_lines():
    with pytest.raises(ValueError, match="fields"):
        build_data.parse_sr28(b"~01001~^~X~^1\r\n")


def test_sr28_checksum_is_enforced(tmp_path):
    fake = tmp_path / "abbrev.txt"
    fake.write_bytes(b"not the file")
    with pytest.raises(ValueError, match="sha256"):
        build_data.foods_csv_bytes(fake)


@needs_sr28
def test_build_check_reproduces_foods_csv():
    assert build_data.foods_csv_bytes(SR28) == (DATA_DIR / "foods.csv").read_bytes()
    assert build_data.check(SR28) == []
    assert build_data.main(["--check", "--sr28", str(SR28)]) == 0


@needs_sr28
def test_build_writes_foods_and_manifest(tmp_path):
    for path in DATA_DIR.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "README.md").write_bytes((DATA_DIR / "README.md").read_bytes())
    (tmp_path / "foods.csv").write_text("stale\n")
    assert len(build_data.check(SR28, tmp_path)) == 2
    build_data.build(SR28, tmp_path)
    assert build_data.check(SR28, tmp_path) == []
    assert (tmp_path / "README.md").read_bytes() == (DATA_DIR / "README.md").read_bytes()


def test_manifest_markers_required():
    with pytest.raises(ValueError, match="markers"):
        build_data.manifest_with_checksums("no markers here", "| table |")


def test_refresh_checksums_without_sr28(tmp_path):
    (tmp_path / "README.md").write_text(f"x\n{build_data.CHECKSUMS_START}\nold\n{build_data.CHECKSUMS_END}\ny\n")
    (tmp_path / "a.csv").write_bytes(b"h\n1\n")
    build_data.refresh_checksums(tmp_path)
    text = (tmp_path / "README.md").read_text()
    digest = hashlib.sha256(b"h\n1\n").hexdigest()
    assert f"| `a.csv` | 4 | `{digest}` |" in text
    assert "old" not in text and text.startswith("x\n") and text.endswith("y\n")


# --------------------------------------------------------------------------- fsigt_pacini_bergman_1986.csv

def test_fsigt_file():
    d = load_fsigt()
    assert list(d.columns) == ["time_min", "glucose_mg_dl", "insulin_uU_ml"]
    assert len(d) == 24
    first = d.iloc[0]
    assert (first["time_min"], first["glucose_mg_dl"], first["insulin_uU_ml"]) == (0, 92, 11)
    assert d["glucose_mg_dl"].max() == 350 and d["insulin_uU_ml"].max() == 130


@pytest.mark.parametrize("body, fragment", [
    ("time_min,glucose_mg_dl,insulin_uU_ml\n0,92,11\n4,287,130\n2,350,26\n", "line 4: time_min is not increasing"),
    ("time_min,glucose_mg_dl,insulin_uU_ml\n2,350,26\n4,287,130\n", "must start at 0"),
    ("time_min,glucose_mg_dl,insulin_uU_ml\n0,92,-1\n", "insulin_uU_ml is below the minimum"),
])
def test_fsigt_loader_rejects_bad_files(tmp_path, body, fragment):
    path = write(tmp_path, body, "fsigt.csv")
    with pytest.raises(DataFileError, match=fragment):
        load_fsigt(path)
