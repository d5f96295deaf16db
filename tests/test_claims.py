"""The claims ledger (data/claims.csv), its renderer, and the notebooks' claim boxes and inline grades."""

import json
import re

import pandas as pd
import pytest

from mgcourse import REPO_ROOT, claims
from mgcourse.data import VERDICTS, DataFileError, load_claims
from mgcourse.widgets import View, safe_call

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
GRADE_WORDS = VERDICTS + ("hypothesis",)
#: A grade in parentheses in running text: "(likely; claim `id`)"; bare "(likely)" is caught too.
INLINE = re.compile(r"\((" + "|".join(re.escape(g) for g in GRADE_WORDS) + r")(?:; claim `([^`]+)`)?(?=[;,):])")
BOX_CALL = re.compile(r"claims\.claim_box\(\s*[\"']([^\"']+)[\"']\s*\)")
ORDER = {v: i for i, v in enumerate(VERDICTS[:5])}


@pytest.fixture(scope="module")
def ledger():
    return load_claims().set_index("claim_id")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_all_54_article_claims_with_verdict_and_citation(ledger):
    art = ledger[ledger.index.str.startswith("article-")]
    assert sorted(art["article_claim"].astype(int)) == list(range(1, 55))
    assert art["verdict"].isin(VERDICTS[:5]).all()  # article claims are graded on evidence, not as model choices
    assert (art["citations"].str.strip().str.len() >= 8).all()  # e.g. "IOM 1997"
    assert (art["evidence"].str.strip().str.len() > 20).all()
    assert set("".join(art["articles"]).replace(", ", "")) == set("ABCDE")


def test_dose_claims_are_graded_twice(ledger):
    dose = ledger.dropna(subset=["verdict_efficacy"])
    assert {"article-38", "article-39"} <= set(dose.index)
    for cid, row in dose.iterrows():
        worse = max(row["verdict_efficacy"], row["verdict_safety"], key=ORDER.__getitem__)
        assert row["verdict"] == worse, f"{cid}: verdict must be the less favourable of efficacy and safety"
    # doses above the 350 mg/day UL are graded false on safety
    assert ledger.loc["article-39", "verdict_safety"] == "false"


def test_single_study_findings_not_established(ledger):
    for cid in ("ch05-almond-bioavailability", "ch06-oxide-not-useless"):
        assert ledger.loc[cid, "verdict"] != "established"


def test_no_markdown_claim_box_left():
    for nb in NOTEBOOKS:
        for cell in cells(nb):
            if cell["cell_type"] == "markdown":
                assert "**Claim (" not in source(cell), f"{nb.name}: a claim box typed in Markdown; render it from the ledger"


def test_every_claim_box_is_in_the_ledger(ledger):
    used = []
    for nb in NOTEBOOKS:
        for cell in cells(nb):
            if cell["cell_type"] == "code":
                for cid in BOX_CALL.findall(source(cell)):
                    assert cid in ledger.index, f"{nb.name}: claim box {cid!r} is not in data/claims.csv"
                    chapter = nb.name[:2]
                    assert chapter in ledger.loc[cid, "chapters"].split("; "), f"{cid}: chapter {chapter} not listed"
                    used.append(cid)
    assert len(used) >= 31
    # every chapter-box row of the ledger is shown somewhere or cited inline
    inline = {m.group(2) for nb in NOTEBOOKS for c in cells(nb) if c["cell_type"] == "markdown"
              for m in INLINE.finditer(source(c)) if m.group(2)}
    from mgcourse.evidence import CLAIM_IDS  # chapter 07's table of graded claims, read from the ledger

    boxes = {cid for cid in ledger.index if cid.startswith("ch")}
    assert boxes - set(used) - inline - set(CLAIM_IDS) == set()


def test_inline_grades_match_the_ledger(ledger):
    found = 0
    for nb in NOTEBOOKS:
        for cell in cells(nb):
            if cell["cell_type"] != "markdown":
                continue
            for m in INLINE.finditer(source(cell)):
                grade, cid = m.group(1), m.group(2)
                where = f"{nb.name}: '{m.group(0)}'"
                assert cid is not None, f"{where}: an inline grade must name its ledger row, e.g. (likely; claim `id`)"
                assert cid in ledger.index, f"{where}: {cid} is not in the ledger"
                assert ledger.loc[cid, "verdict"] == grade, f"{where}: the ledger grades {cid} {ledger.loc[cid, 'verdict']}"
                found += 1
    assert found >= 5


def test_inline_grade_checker_catches_a_wrong_grade(ledger):
    text = "Insulin activates TRPM6 (established; claim `ch03-insulin-trpm6`)."
    m = INLINE.search(text)
    assert m.group(1) == "established" and ledger.loc[m.group(2), "verdict"] != m.group(1)
    assert INLINE.search("a bare grade (likely) [3]").group(2) is None
    assert INLINE.search("false positives (false-positive rate)") is None


def test_claim_box_renders_the_ledger_row(ledger):
    box = claims.claim_box("article-05")
    md = box._repr_markdown_()
    assert md.startswith("> **Claim (unsupported).**")
    assert ledger.loc["article-05", "claim"] in md and ledger.loc["article-05", "citations"] in md
    assert "Articles B, C" in md
    assert "<strong>Claim (unsupported).</strong>" in box._repr_html_()
    dose = claims.claim_box("article-39")
    assert "efficacy likely, safety false" in dose.grade


@pytest.mark.parametrize("bad, exc", [("article-99", ValueError), ("", ValueError), (5, TypeError)])
def test_claim_box_rejects_unknown_ids(bad, exc):
    with pytest.raises(exc, match="claim_id"):
        claims.claim_box(bad)


def test_loader_rejects_bad_rows(tmp_path):
    header = "claim_id,claim,articles,article_claim,verdict,verdict_efficacy,verdict_safety,evidence,citations,chapters\n"
    cases = {
        "article-01,x,A,1,probably,,,e,c,07\n": "verdict is not an allowed value",
        "article-01,x,A,2,likely,,,e,c,07\n": "does not match the id",
        "article-01,x,A,1,false,likely,,e,c,07\n": "go together",
        "ch07-x,x,,,likely,,,e,c,7\n": "chapters has the wrong format",
        "ch07-x,x,A,,likely,,,e,c,07\n": "exactly for article-NN rows",
    }
    for i, (row, fragment) in enumerate(cases.items()):
        path = tmp_path / f"c{i}.csv"
        path.write_text(header + row, encoding="utf-8")
        with pytest.raises(DataFileError, match=fragment):
            load_claims(path)


def test_verdict_counts_add_up():
    counts = claims.verdict_counts()
    art = claims.article_claims()
    assert list(counts.index) == list("ABCDE") and list(counts.columns) == list(VERDICTS)
    assert counts.to_numpy().sum() == len(art)
    per_article = art.groupby("article").size()
    assert (counts.sum(axis=1) == per_article.reindex(counts.index)).all()


def test_fact_check_explorer_filters():
    all_rows = safe_call(claims.fact_check_view, article="all", verdict="all", search="")
    assert isinstance(all_rows, View) and all_rows.data["n"] == 54
    d_false = safe_call(claims.fact_check_view, article="D", verdict="false", search="")
    t = load_claims()
    expected = t[t["articles"].fillna("").str.contains("D") & (t["verdict"] == "false")]
    assert d_false.data["n"] == len(expected) > 0
    hit = safe_call(claims.fact_check_view, article="all", verdict="all", search="threonate")
    assert 16 in hit.table.index
    none = safe_call(claims.fact_check_view, article="all", verdict="all", search="zzz-no-match")
    assert none.data["n"] == 0 and "Nothing matches" in none.text
    bad = safe_call(claims.fact_check_view, article="F", verdict="all", search="")
    assert bad.error and "article" in bad.text


def test_verdict_figure_draws_every_article():
    fig = claims.verdicts_figure()
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 5
    widths = pd.Series([p.get_width() for p in ax.patches]).sum()
    assert widths == claims.verdict_counts().drop(columns="toy-model assumption").to_numpy().sum()


def test_chapter_07_states_the_ledger_counts(ledger):
    """The caption of figure 7.7 and the key points quote the verdict counts of the 54 article claims."""
    text = "\n".join(source(c) for c in cells(REPO_ROOT / "notebooks" / "07_reading_the_evidence.ipynb")
                     if c["cell_type"] == "markdown")
    counts = ledger[ledger.index.str.startswith("article-")]["verdict"].value_counts()
    m = re.search(r"Over the 54 claims: (\d+) established, (\d+) likely, (\d+) uncertain, (\d+) unsupported and (\d+) false",
                  text)
    assert m, "figure 7.7's caption must state the counts"
    assert [int(x) for x in m.groups()] == [int(counts.get(v, 0)) for v in VERDICTS[:5]]
    k = re.search(r"Of the articles' 54 claims, (\d+) are unsupported and (\d+) false", text)
    assert k and [int(x) for x in k.groups()] == [int(counts["unsupported"]), int(counts["false"])]
