"""`serkg docs`: pyLODE ontology pages and query pages generated from what ships."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from serkg import resources
from serkg.docs import DocsError, build_docs
from serkg.querylib import query_names, render_query_docs


class _Collector(HTMLParser):
    """Ids, hrefs and external resource references of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        for key in ("src", "href"):
            value = values.get(key) or ""
            if tag != "a" and value.startswith(("http://", "https://", "//")):
                self.external.append(f"<{tag} {key}={value}>")


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    written = build_docs(out)
    assert sorted(p.name for p in written) == [
        "index.html",
        "ontology.html",
        "queries.html",
        "queries.md",
    ]
    return out


def test_ontology_page_documents_the_key_classes_and_properties(docs: Path) -> None:
    text = (docs / "ontology.html").read_text(encoding="utf-8")
    page = parse(docs / "ontology.html")
    for term in (
        "ChemicalCompound",
        "Mechanism",
        "ClinicalTrial",
        "DoseRegimen",
        "SourceConflict",
        "Claim",
    ):
        assert term in text, term
    for term in ("hasMechanism", "hasTarget", "registryId", "casNumber", "conflictTopic"):
        assert term in text, term
    assert "https://w3id.org/serkg/vocab" in text
    assert page.external == []  # pyLODE's CSS is inlined


def test_query_page_lists_every_named_query_and_every_view(docs: Path) -> None:
    page = parse(docs / "queries.html")
    names = query_names()
    assert names, "the query library is empty"
    for name in names:
        assert name in page.ids, name
        assert f"#{name}" in page.hrefs, name
    views = sorted(p.stem for p in (resources.queries_dir() / "views").glob("*.rq"))
    for name in views:
        assert name in page.ids, name
    assert page.external == []


def test_query_markdown_is_the_librarys_own_reference(docs: Path) -> None:
    assert (docs / "queries.md").read_text(encoding="utf-8") == render_query_docs()


def test_index_links_the_ontology_and_the_queries(docs: Path) -> None:
    page = parse(docs / "index.html")
    assert {"ontology.html", "queries.html", "queries.md"} <= set(page.hrefs)


def test_missing_ontology_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "ontology_file", lambda: tmp_path / "nowhere.ttl")
    with pytest.raises(DocsError, match=r"nowhere\.ttl: the ontology file is missing"):
        build_docs(tmp_path / "out")
    assert not (tmp_path / "out" / "ontology.html").exists()


def test_ontology_without_a_title_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "untitled.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/o> a owl:Ontology .\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(resources, "ontology_file", lambda: bad)
    with pytest.raises(DocsError, match=r"untitled\.ttl: pyLODE could not document the ontology"):
        build_docs(tmp_path / "out")


def test_docs_into_a_file_path_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(DocsError, match="is not a folder"):
        build_docs(target)
