"""The incremental side of ``serkg build``: what changed since the published build, and the
store updated instead of filled again.

A build keeps a copy of each data file it read (``.build-inputs/<sha256><suffix>``, hard-linked
from the previous build when unchanged), so the next one can tell what an edited or removed file
stated before without reading the whole previous graph: the triples the old and new versions of
the changed files give are the only candidates, and the previous store says which of them were
there. The previous store is copied (table files hard-linked), the asserted change applied to
it, the change validated on it (:mod:`serkg.checks.incremental`), and after reasoning the
inferred change and the small graphs written. docs/scaling.md, "Incremental builds".
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg import build_state, store_checksums
from serkg.loading import KnowledgeBase, add_data_file, parse_stored_as_written, stable_blank_nodes
from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH

if TYPE_CHECKING:
    from serkg.checks import ValidationOutcome
    from serkg.projects import Project

INPUTS = ".build-inputs"


@dataclass
class Change:
    """The asserted triples added and removed since the previous build, and the new build's
    store with that change applied (open for writing until :meth:`close`)."""

    added: list[ox.Triple]
    removed: list[ox.Triple]
    store: ox.Store | None

    def close(self) -> None:
        if self.store is not None:
            self.store.flush()
            self.store = None


def save_inputs(folder: Path, state: build_state.BuildState, previous: Path | None) -> None:
    """Keep each data file of STATE in FOLDER/.build-inputs/ under its digest (hard links to
    PREVIOUS's copies where the content is the same)."""
    target = folder / INPUTS
    target.mkdir()
    for path, digest in state.data_files:
        name = digest + Path(path).suffix
        if (target / name).exists():
            continue
        kept = previous / INPUTS / name if previous is not None else None
        if kept is None or not kept.is_file() or not _linked(kept, target / name):
            shutil.copyfile(path, target / name)


@dataclass
class AssertedChange:
    """The asserted triples added and removed since the previous build, and what that build
    inferred (its store's inferred graph), read before the new build's store exists."""

    added: list[ox.Triple]
    removed: list[ox.Triple]
    previous_inferred: list[ox.Triple]


def asserted_change(
    previous: Path, plan: build_state.BuildPlan, asserted: Sequence[ox.Triple]
) -> AssertedChange | None:
    """What changed since the PREVIOUS build, read from its saved inputs and its store (opened
    read-only, and closed again: reasoning is forked afterwards, and no child holds a store);
    None when they cannot be used (the build is then a full one)."""
    if plan.previous is None or not _store_is_intact(previous / "store"):
        return None
    before = _statements(previous, plan, plan.previous)
    if before is None:
        return None
    after = [t for path in plan.changed for t in _contribution(Path(path))]
    now_set = set(asserted)
    store = ox.Store.read_only(str(previous / "store"))
    try:
        graph = ox.NamedNode(ASSERTED_GRAPH)
        removed = list(dict.fromkeys(t for t in before if t not in now_set))
        added = list(dict.fromkeys(t for t in after if _quad(t, graph) not in store))
        inferred = ox.NamedNode(INFERRED_GRAPH)
        made = [q.triple for q in store.quads_for_pattern(None, None, None, inferred)]
    finally:
        del store
    return AssertedChange(added, removed, made)


def prepare(previous: Path, change: AssertedChange, store_folder: Path) -> Change:
    """Copy the PREVIOUS build's store to STORE_FOLDER and apply the asserted CHANGE."""
    _copy_store(previous / "store", store_folder)
    store = ox.Store(str(store_folder))
    graph = ox.NamedNode(ASSERTED_GRAPH)
    for t in change.removed:
        store.remove(_quad(t, graph))
    store.extend(_quad(t, graph) for t in change.added)
    return Change(change.added, change.removed, store)


def validate(change: Change, kb: KnowledgeBase, project: Project) -> ValidationOutcome | None:
    """The validation of CHANGE (None: it needs a full validation)."""
    from serkg.checks import shapes_graph
    from serkg.checks.incremental import validate_changes
    from serkg.terms import triples_to_rdflib_graph

    assert change.store is not None
    ontology_only = set(kb.ontology) - kb.fact_set
    view = _StoreView(change, ASSERTED_GRAPH, ontology_only)
    ontology_g = triples_to_rdflib_graph(kb.ontology) if kb.ontology else None
    return validate_changes(
        view, ontology_g, [*change.added, *change.removed], shapes_graph("all", project)
    )


def finish_store(
    folder: Path,
    graphs: Mapping[str, Sequence[ox.Triple]],
    inferred_difference: tuple[Sequence[ox.Triple], Sequence[ox.Triple]] | None = None,
) -> None:
    """Bring the copied store in FOLDER (asserted graph already updated) to GRAPHS: the inferred
    triples that changed, the other small graphs written again; then its checksums.

    INFERRED_DIFFERENCE, when reasoning knows it, is (added, removed) against the previous
    build's inferences; else the store's inferred graph is read and compared (at 1M, 2.3 s).
    """
    store = ox.Store(str(folder))
    for graph, triples in graphs.items():
        name = ox.NamedNode(graph)
        if graph == ASSERTED_GRAPH:
            continue
        if graph == INFERRED_GRAPH:
            if inferred_difference is None:
                now = set(triples)
                old = {q.triple for q in store.quads_for_pattern(None, None, None, name)}
                inferred_difference = (list(now - old), list(old - now))
            added, removed = inferred_difference
            for t in removed:
                store.remove(_quad(t, name))
            store.extend(_quad(t, name) for t in added)
        else:
            store.clear_graph(name)
            store.extend(_quad(t, name) for t in triples)
    store.flush()
    # not compacted: RocksDB compacts the few small table files an update adds on its own (the
    # store keeps about 20 after a dozen updates), and the QC queries at 1M took 5.3-5.8 s on an
    # updated store against 4.8-5.2 s once compacted, which took 4.2-5.1 s; uncompacted, the
    # build also shares all but the new table files with the previous one (hard links)
    del store
    store_checksums.write_checksums(folder)


def _statements(
    previous: Path, plan: build_state.BuildPlan, before: build_state.BuildState
) -> list[ox.Triple] | None:
    """What the changed and removed files stated in the previous build (from its saved copies)."""
    digests = dict(before.data_files)
    found: list[ox.Triple] = []
    for path in (*plan.changed, *plan.removed):
        if path not in digests:
            continue  # a new file: it stated nothing before
        saved = previous / INPUTS / (digests[path] + Path(path).suffix)
        if not saved.is_file() or build_state.file_digest(saved) != digests[path]:
            return None
        found += _contribution(saved)
    return found


def _contribution(path: Path) -> list[ox.Triple]:
    """The facts and generated claims one data file gives, on its own."""
    scratch = KnowledgeBase()
    add_data_file(scratch, path, stable_blank_nodes(path, parse_stored_as_written(path)))
    return scratch.facts + scratch.claims


def _store_is_intact(folder: Path) -> bool:
    """The store has the checksums its build recorded, and its files match them (a store changed
    by ``serkg serve --allow-update`` has none)."""
    if not (folder / store_checksums.CHECKSUM_FILE).is_file():
        return False
    return store_checksums.checksum_problem(folder) is None


def _copy_store(previous: Path, folder: Path) -> None:
    """A copy of the closed store PREVIOUS in FOLDER: its table files (which RocksDB never
    changes once written) hard-linked where the file system allows, the rest copied; the text
    index is left out (the build writes it again)."""
    from serkg.text_index import INDEX_FILE

    folder.mkdir()
    skipped = ("LOCK", store_checksums.CHECKSUM_FILE, INDEX_FILE)
    for entry in previous.iterdir():
        if entry.name in skipped or entry.name.startswith(("LOG", ".")):
            continue
        target = folder / entry.name
        if entry.suffix != ".sst" or not _linked(entry, target):
            shutil.copy2(entry, target)


def _linked(source: Path, target: Path) -> bool:
    """Hard-link TARGET to SOURCE; False where the file system refuses (then copy instead)."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def _quad(t: ox.Triple, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(t.subject, t.predicate, t.object, graph)


class _StoreView:
    """The data triples of one graph of a change's store, as :mod:`serkg.checks.incremental`
    reads them.

    It holds the :class:`Change`, not its store, so that :meth:`Change.close` really closes the
    store (RocksDB keeps its lock while a Store object lives): a finished frame can outlive its
    call, kept by a traceback some library stores (seen with ``serkg build``: the frames of the
    validation, holding this view, outlived it and the store could not be opened again)."""

    def __init__(self, change: Change, graph: str, left_out: set[ox.Triple]) -> None:
        self._change = change
        self._graph = ox.NamedNode(graph)
        self._left_out = left_out

    @property
    def _store(self) -> ox.Store:
        if self._change.store is None:
            raise RuntimeError("the change's store was closed")
        return self._change.store

    def about(self, node: Any) -> Iterable[ox.Triple]:
        quads = self._store.quads_for_pattern(node, None, None, self._graph)
        return [q.triple for q in quads if q.triple not in self._left_out]

    def pointing_at(self, node: Any) -> Iterable[Any]:
        quads = self._store.quads_for_pattern(None, None, node, self._graph)
        return {q.subject for q in quads if q.triple not in self._left_out}

    def with_predicate(self, predicate: ox.NamedNode) -> Iterable[ox.Triple]:
        quads = self._store.quads_for_pattern(None, predicate, None, self._graph)
        return [q.triple for q in quads if q.triple not in self._left_out]

    def sparql(self) -> _DefaultGraphQueries:
        return _DefaultGraphQueries(self._change, self._graph)


class _DefaultGraphQueries:
    """``query`` over one named graph of a store as the default graph, no named graphs: what
    an in-memory store of just that graph would answer."""

    def __init__(self, change: Change, graph: ox.NamedNode) -> None:
        self._change = change  # not its store: see _StoreView
        self._graph = graph

    def query(self, text: str, **options: Any) -> Any:
        store = self._change.store
        if store is None:
            raise RuntimeError("the change's store was closed")
        return store.query(text, default_graph=self._graph, named_graphs=[], **options)
