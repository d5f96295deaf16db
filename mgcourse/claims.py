"""The claims ledger (``data/claims.csv``) rendered as claim boxes, a verdict figure and a fact-check explorer.

Every claim box in the chapters is a code cell ``claims.claim_box("claim-id")``: the text and the
grade come from the ledger, so a grade cannot differ between chapters. The evidence scale is
:data:`mgcourse.data.VERDICTS` (defined in ``data/README.md``, chapter 07 and ``INSTRUCTORS.md``):

- **established**: shown by several consistent studies, an official reference value, or a definition;
- **likely**: supported, but by few, small, short or indirect studies (a single study at best is *likely*);
- **uncertain**: mixed, thin or untested evidence, including plausible hypotheses; or not checked;
- **unsupported**: no evidence for it in the course's checked sources ("not established");
- **false**: contradicted by the evidence (for a dose: outside the safe limits, e.g. above the UL);
- **toy-model assumption**: a choice made for a teaching model, not a finding.

Where a dose is involved, ``verdict_efficacy`` and ``verdict_safety`` grade the two separately and
``verdict`` is the less favourable of them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from .data import VERDICTS, load_claims

ARTICLES = {
    "A": "How Does Magnesium Affect Insulin Resistance? (wellness explainer)",
    "B": "Magnesium Deficiency and Insulin Resistance: The Overlooked Mineral Imbalance … (wellness blog)",
    "C": "Magnesium Deficiency Contributing to Insulin Resistance (wellness blog)",
    "D": "Magnesium For Insulin Resistance (health-library article)",
    "E": "The Role of Magnesium in Combating Insulin Resistance (juice-shot vendor blog)",
}

#: Colours of the verdicts (Okabe–Ito palette, colour-blind safe), in scale order.
VERDICT_COLORS = {"established": "#009E73", "likely": "#56B4E9", "uncertain": "#E69F00",
                  "unsupported": "#CC79A7", "false": "#D55E00", "toy-model assumption": "#999999"}


def ledger() -> pd.DataFrame:
    """The ledger indexed by ``claim_id`` (a copy)."""
    return load_claims().set_index("claim_id")


def grade_text(row) -> str:
    """The grade as printed in a box: ``likely`` or ``false: efficacy likely, safety false``."""
    if not isinstance(row, (pd.Series, dict)) or not isinstance(row.get("verdict"), str):
        raise TypeError(f"row must be a row of the claims ledger (a Series or dict with a 'verdict'), "
                        f"got {type(row).__name__}")
    if isinstance(row.get("verdict_efficacy"), str):
        return f"{row['verdict']}: efficacy {row['verdict_efficacy']}, safety {row['verdict_safety']}"
    return row["verdict"]


@dataclass(frozen=True)
class ClaimBox:
    """A claim box rendered from the ledger (Markdown in notebooks, plain text elsewhere)."""

    claim_id: str
    claim: str
    grade: str
    evidence: str
    citations: str
    articles: str = ""

    def _repr_markdown_(self) -> str:
        src = f" Article{'s' if ',' in self.articles else ''} {self.articles}." if self.articles else ""
        return (f"> **Claim ({self.grade}).** {self.claim}{src}\n>\n> *Evidence:* {self.evidence}\n>\n"
                f"> *Sources:* {self.citations}. <small>Ledger id `{self.claim_id}` (`data/claims.csv`).</small>")

    def _repr_html_(self) -> str:
        e = html.escape
        return (f'<blockquote class="claim-box"><p><strong>Claim ({e(self.grade)}).</strong> {e(self.claim)}</p>'
                f"<p><em>Evidence:</em> {e(self.evidence)}</p><p><em>Sources:</em> {e(self.citations)}. "
                f"<small>Ledger id <code>{e(self.claim_id)}</code>.</small></p></blockquote>")

    def __repr__(self) -> str:
        return f"Claim ({self.grade}). {self.claim} Evidence: {self.evidence} Sources: {self.citations}. [{self.claim_id}]"


def claim_box(claim_id: str) -> ClaimBox:
    """The claim box of ``claim_id`` from ``data/claims.csv``; ``ValueError`` for an unknown id."""
    if not isinstance(claim_id, str):
        raise TypeError(f"claim_id must be a string such as 'article-05', got {type(claim_id).__name__}")
    table = ledger()
    if claim_id not in table.index:
        raise ValueError(f"claim_id {claim_id!r} is not in data/claims.csv ({len(table)} claims; ids look like "
                         "'article-05' or 'ch03-serum-insensitive')")
    row = table.loc[claim_id]
    articles = row["articles"] if isinstance(row["articles"], str) else ""
    return ClaimBox(claim_id, row["claim"], grade_text(row), row["evidence"], row["citations"], articles)


def article_claims() -> pd.DataFrame:
    """The 54 article claims, one row per (claim, article) pair, with ``article`` = A–E."""
    t = load_claims()
    t = t[t["claim_id"].str.startswith("article-")].copy()
    t["article"] = t["articles"].str.split(", ")
    return t.explode("article").reset_index(drop=True)


def verdict_counts() -> pd.DataFrame:
    """Number of claims per article (rows A–E) and verdict (columns, in scale order)."""
    t = article_claims()
    counts = pd.crosstab(t["article"], pd.Categorical(t["verdict"], categories=VERDICTS))
    counts.columns = [str(c) for c in counts.columns]
    return counts.reindex(index=list(ARTICLES), columns=list(VERDICTS), fill_value=0)


__all__ = ["ClaimBox", "claim_box", "ledger", "article_claims", "verdict_counts", "grade_text", "ARTICLES",
           "VERDICT_COLORS", "VERDICTS"]


# --------------------------------------------------------------------------- figure and explorer widget
from .style import new_figure, register_figure  # noqa: E402
from .widgets import Dropdown, Text, View, register  # noqa: E402


@register_figure("ch07_verdicts_per_article",
                 alt="Stacked horizontal bars, one per popular article A to E, splitting its claims by the course's "
                     "verdict from established to false.")
def verdicts_figure():
    """Stacked bars: the verdicts of each article's claims."""
    counts = verdict_counts()
    fig, ax = new_figure(figsize=(8.6, 4.4))
    left = pd.Series(0, index=counts.index)
    labels = [f"{a} ({ARTICLES[a].rsplit('(', 1)[1].rstrip(')')})" for a in counts.index]
    for verdict in VERDICTS:
        if verdict == "toy-model assumption":
            continue
        ax.barh(labels, counts[verdict], left=left, color=VERDICT_COLORS[verdict], label=verdict)
        left = left + counts[verdict]
    ax.invert_yaxis()
    ax.set_xlabel("number of claims (a claim made by several articles counts for each)")
    ax.set_ylabel("article")
    ax.set_xlim(0, 1.5 * float(counts.sum(axis=1).max()))  # room for the legend at the right
    ax.legend(ncol=1, fontsize=9, loc="lower right", frameon=True)
    return fig


_ARTICLE_OPTIONS = (("all articles", "all"),) + tuple((f"{k}: {v.split(' (')[0][:40]}", k) for k, v in ARTICLES.items())
_VERDICT_OPTIONS = (("all verdicts", "all"),) + tuple((v, v) for v in VERDICTS[:5])


@register("07.fact_check", title="Fact-check explorer: the 54 claims of five popular articles",
          article=Dropdown("Article", _ARTICLE_OPTIONS, "all"),
          verdict=Dropdown("Verdict", _VERDICT_OPTIONS, "all"),
          search=Text("Search the claims (a word, e.g. 'citrate')", "", examples=("threonate", "zzz-no-match", "  ")))
def fact_check_view(article: str, verdict: str, search: str) -> View:
    """The article claims filtered by article, verdict and a search word, with evidence and sources."""
    if article != "all" and article not in ARTICLES:
        raise ValueError(f"article must be 'all' or one of A-E, got {article!r}")
    if verdict != "all" and verdict not in VERDICTS:
        raise ValueError(f"verdict must be 'all' or one of {', '.join(VERDICTS)}, got {verdict!r}")
    if not isinstance(search, str):
        raise ValueError(f"search must be text, got {search!r}")
    t = load_claims()
    t = t[t["claim_id"].str.startswith("article-")]
    if article != "all":
        t = t[t["articles"].str.split(", ").apply(lambda xs: article in xs)]
    if verdict != "all":
        t = t[t["verdict"] == verdict]
    word = search.strip().lower()
    if word:
        t = t[(t["claim"] + " " + t["evidence"]).str.lower().str.contains(word, regex=False)]
    table = pd.DataFrame({"#": t["article_claim"].astype(int), "articles": t["articles"], "claim": t["claim"],
                          "verdict": [grade_text(r) for _, r in t.iterrows()], "evidence": t["evidence"],
                          "sources": t["citations"]}).set_index("#")
    text = (f"**{len(table)} of 54 claims** match (article: {article}, verdict: {verdict}"
            + (f", search: '{word}'" if word else "") + "). Verdicts on the course's scale; each row's sources are "
            "in `data/claims.csv`.")
    if table.empty:
        text += " Nothing matches: try another word or 'all'."
    return View(text=text, table=table, data={"n": len(table)})
