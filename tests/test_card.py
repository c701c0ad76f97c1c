"""Compound cards from the real built graph: facts, sources, self-contained printable HTML."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from serkg import resources
from serkg.querylib import load_query_file
from serkg.store import EmbeddedStore
from serkg.views.card import render_card
from serkg.views.run import AmbiguousCompoundError, UnknownCompoundError, resolve_compound
from tests.conftest import ValuesStore

L_SERINE = "https://w3id.org/serkg/id/l-serine"
VIEWS = resources.queries_dir() / "views"


@pytest.fixture(scope="module")
def store(built_store: EmbeddedStore) -> EmbeddedStore:
    return built_store


@pytest.fixture(scope="module")
def store_dir(built_dist: Path) -> Path:
    return built_dist / "store"


@pytest.fixture(scope="module")
def card_md(store: EmbeddedStore) -> str:
    return render_card(store, L_SERINE, "md")


@pytest.fixture(scope="module")
def card_html(store: EmbeddedStore) -> str:
    return render_card(store, L_SERINE, "html")


# ------------------------------------------------------------------------------ the view queries
@pytest.mark.parametrize("path", sorted(VIEWS.glob("*.rq")), ids=lambda p: p.stem)
def test_view_header_parses_and_projects_its_parameters(path: Path) -> None:
    query = load_query_file(path)  # the named-query header grammar, so the docs can list them
    if query.form == "graph":  # a CONSTRUCT (linked-data description): no projection, no order
        assert query.params
        return
    assert query.form == "select"
    select = re.search(r"SELECT\s+(DISTINCT\s+)?(.*?)\s*WHERE", query.text, re.S)
    assert select is not None
    projected = set(re.findall(r"\?(\w+)", select.group(2)))
    for param in query.params:  # SEP-0007 keeps bound variables: a SELECT must project them
        assert param.name in projected, f"{path.name} does not project ?{param.name}"
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    if path.stem in UNORDERED_VIEWS:
        assert "ORDER BY" not in body, f"{path.name} is ordered: take it off UNORDERED_VIEWS"
    else:
        assert "ORDER BY" in body


#: views whose callers order the rows themselves, and why
UNORDERED_VIEWS = {
    # the build sorts the index rows in Python: Oxigraph's ORDER BY took 3.7 of 5.5 s at 1M
    "text-index-entries",
}


# ------------------------------------------------------------------------------ resolving
@pytest.mark.parametrize(
    "given",
    [
        "L-serine",
        "l-SERINE",
        "  L-serine  ",
        "56-45-1",
        "kg:l-serine",
        L_SERINE,
        f"<{L_SERINE}>",
        "CHEBI:17115",
    ],
)
def test_resolve_finds_l_serine(store: EmbeddedStore, given: str) -> None:
    assert resolve_compound(store, given) == L_SERINE


def test_resolve_by_synonym(store: EmbeddedStore) -> None:
    assert resolve_compound(store, "L-Ser") == L_SERINE


def test_unknown_name_lists_close_matches(store: EmbeddedStore) -> None:
    with pytest.raises(UnknownCompoundError) as info:
        resolve_compound(store, "L-serin")
    assert str(info.value).startswith(
        "no compound is named 'L-serin'; did you mean: L-serine (kg:l-serine)"
    )
    assert not isinstance(info.value, AmbiguousCompoundError)


def test_curie_of_something_else_is_not_a_compound(store: EmbeddedStore) -> None:
    with pytest.raises(
        UnknownCompoundError,
        match=r"CHEBI:0000001 \(http://purl.obolibrary.org/obo/CHEBI_0000001\) is not a compound",
    ):
        resolve_compound(store, "CHEBI:0000001")


def test_unknown_prefix_is_reported(store: EmbeddedStore) -> None:
    with pytest.raises(UnknownCompoundError, match="unknown prefix 'nosuch'"):
        resolve_compound(store, "nosuch:thing")


def test_empty_name_is_refused(store: EmbeddedStore) -> None:
    with pytest.raises(UnknownCompoundError, match="no compound given"):
        resolve_compound(store, "   ")


def test_name_is_bound_not_pasted(store: EmbeddedStore) -> None:
    hostile = 'L-serine") } UNION { ?compound ?p ?o } #'
    with pytest.raises(UnknownCompoundError, match="no compound is named"):
        resolve_compound(store, hostile)
    with pytest.raises(UnknownCompoundError):
        resolve_compound(ValuesStore(store), hostile)


# ------------------------------------------------------------------------------ content
def test_card_identity(card_md: str) -> None:
    assert card_md.startswith("# L-serine\n")
    assert "| **CAS number** | `56-45-1` [" in card_md
    assert "| **Molecular formula** | `C3H7NO3` [" in card_md
    assert "| **InChIKey** | `MTCFGRXMJLQNBG-REOHCLBHSA-N` [" in card_md
    assert "[`17115`](http://purl.obolibrary.org/obo/CHEBI_17115) | exact |" in card_md
    assert "[`5951`](http://identifiers.org/pubchem.compound/5951) | exact |" in card_md


def test_card_trials_with_registry_links(card_md: str) -> None:
    for nct in ("NCT01835782", "NCT03580616", "NCT03062449", "NCT04646447"):
        assert f"[{nct}](https://clinicaltrials.gov/study/{nct})" in card_md, nct
    assert re.search(
        r"\| \[NCT03580616\][^\n]*\| terminated[^\n]*\| 43 \(actual\)", card_md, re.I
    ), card_md


def test_card_doses_with_units(card_md: str) -> None:
    doses = card_md.split("## Doses", 1)[1].split("\n## ", 1)[0]
    assert "0.5–15 g" in doses
    assert "mg/kg" in doses


def test_card_sections_in_order(card_md: str) -> None:
    titles = re.findall(r"^## (.+)$", card_md, re.M)
    assert titles == [
        "Identity and identifiers",
        "Regulatory and legal status",
        "Indications",
        "Mechanisms of action",
        "Clinical trials",
        "Doses",
        "Safety",
        "Open questions",
        "Where sources disagree",
        "Sources",
    ]


def test_card_open_questions_come_from_the_graph(card_md: str) -> None:
    questions = card_md.split("## Open questions", 1)[1].split("\n## ", 1)[0]
    assert "- No therapeutic dose has been established for any indication. [" in questions
    assert "- No Phase III trial has been conducted for any indication. [" in questions


def test_card_conflicts_show_both_sides(card_md: str) -> None:
    conflicts = card_md.split("## Where sources disagree", 1)[1].split("\n## ", 1)[0]
    assert "NCT01835782" in conflicts
    assert "L-serine monograph (harm-reduction overview)" in conflicts
    assert "ClinicalTrials.gov record NCT01835782" in conflicts


def test_every_cited_number_is_a_listed_source(card_md: str) -> None:
    body, sources = card_md.split("\n## Sources\n", 1)
    listed = [int(n) for n in re.findall(r"^(\d+)\. \*\*", sources, re.M)]
    assert listed == list(range(1, len(listed) + 1))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert cited and cited <= set(listed)
    assert "**L-serine monograph (harm-reduction overview)**" in sources
    assert "<https://clinicaltrials.gov/study/NCT03580616>" in sources


def test_card_reads_the_same_through_values_binding(store: EmbeddedStore, card_md: str) -> None:
    assert render_card(ValuesStore(store), L_SERINE, "md") == card_md


def test_unknown_format_is_refused(store: EmbeddedStore) -> None:
    with pytest.raises(ValueError, match="unknown card format 'pdf'"):
        render_card(store, L_SERINE, "pdf")


# ------------------------------------------------------------------------------ HTML
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: list[str] = []
        self.anchors: list[str] = []
        self.ids: set[str] = set()
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a":
            self.anchors.append(values.get("href") or "")
        elif tag in {
            "script",
            "img",
            "link",
            "iframe",
            "object",
            "embed",
            "source",
            "video",
            "audio",
        }:
            self.external.append(tag)  # a card uses none of these, local or not
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_html_is_self_contained_and_printable(card_html: str) -> None:
    page = _Page()
    page.feed(card_html)
    page.close()
    assert page.external == []
    assert "url(" not in page.style and "@import" not in page.style
    assert "@media print" in page.style and "break-inside: avoid" in page.style
    for href in page.anchors:  # links go to sources and identifiers, or within the page
        assert href.startswith(("#", "https://", "http://")), href
        if href.startswith("#"):
            assert href[1:] in page.ids, href
    assert "56-45-1" in card_html and "NCT03580616" in card_html


def test_html_escapes_text(card_html: str) -> None:
    assert "<script" not in card_html
    assert card_html.count("<table") == card_html.count("</table>")


# ------------------------------------------------------------------------------ CLI
def test_cli_card_writes_a_file(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.md"
    result = subprocess.run(
        [
            sys.executable, "-m", "serkg", "card", "56-45-1", "--format", "md",
            "--out", str(out), "--store", str(store_dir),
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# L-serine\n")


def test_cli_unknown_compound_is_a_usage_error(store_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "serkg", "card", "L-serin", "--store", str(store_dir)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert "did you mean: L-serine (kg:l-serine)" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# ------------------------------------------------------------------------------ in a browser
@pytest.mark.browser
@pytest.mark.slow
def test_card_renders_and_prints_in_chromium(card_html: str, tmp_path: Path) -> None:
    from tests.conftest import require_tool

    chromium = require_tool("chromium", "the card is rendered to PNG and PDF by headless Chromium")
    page = tmp_path / "card.html"
    page.write_text(card_html, encoding="utf-8")
    common = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    png, pdf = tmp_path / "card.png", tmp_path / "card.pdf"
    subprocess.run(
        [*common, f"--screenshot={png}", "--window-size=1200,3000", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    subprocess.run(
        [*common, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 2 <= pages <= 8, pages  # A4, readable type: a few pages, not one squeezed or dozens
