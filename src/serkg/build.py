"""The build pipeline: load, validate (SHACL + QC), reason (OWL 2 RL), export, persist the store.

Designed around what we measured (shared/MEASUREMENTS.md, benchmarks/RESULTS.md): each file is
parsed once (pyoxigraph); SHACL (serkg's Core engine, SHACL-SPARQL) runs on an in-memory Oxigraph
store of the data, QC on the built store; queries and exports use the store. Work that does not
depend on the stage before it runs in another process meanwhile (reasoning and the mapping sets
during validation, and up to AHEAD_MAX_TRIPLES the filling of the store; exports during store and
QC, those of the asserted graph from the start in an incremental build), so both cores of a small
machine are busy; no forked process opens a store, and none is forked while one is open
(RocksDB's threads do not survive a fork: the store is filled by a new interpreter,
:mod:`serkg.store_fill`). A build owns its output folder (a lock), writes everything into a
folder of its own and publishes it in one rename only after every stage
succeeded (:class:`serkg.safe_write.OutputFolder`), so a failed, interrupted or killed build
leaves the previous build complete. docs/reliability.md says what a killed build leaves behind.

A build records what it was made from (:mod:`serkg.build_state`). When only data files changed
since the published build, the next one is incremental: SHACL Core runs only on the focus nodes
the change can reach (:mod:`serkg.checks.incremental`) and the store is the previous one with the
changed triples taken out and put in; what it publishes is what a full build would (a test
compares them). ``full=True`` (``serkg build --full``) rebuilds everything.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from serkg import (
    __version__,
    build_state,
    export,
    incremental,
    mappings,
    resources,
    safe_write,
    store_checksums,
)
from serkg.forked import Forked
from serkg.gc_pause import long_lived_frozen
from serkg.loading import KnowledgeBase, load_knowledge, parse_file
from serkg.prefixes import ASSERTED_GRAPH, IMPORTS_GRAPH, INFERRED_GRAPH, METADATA_GRAPH
from serkg.store_fill import StoreFill, StoreFillError

if TYPE_CHECKING:
    from serkg.checks import QcViolation, ValidationOutcome
    from serkg.projects import Project
    from serkg.reasoning import BackgroundInference, Inference, ReasoningChange

ARTEFACTS = export.ARTEFACTS
#: what users open in OUT_DIR: links into the published build
PUBLISHED = (*ARTEFACTS, "store")
REPORTS = ("validation-report.ttl", "validation-report.txt")
#: test hook (docs/reliability.md): pause when this stage starts, until a byte arrives on stdin
PAUSE_AT_ENV = "SERKG_BUILD_PAUSE_AT"
#: the priority of work made ahead of the stage that needs it: it takes only what validation and
#: reasoning leave of the cores (at 100k, fair shares slowed validation by a third)
BACKGROUND_NICENESS = 10
#: Up to this many asserted triples, the mapping sets are made in a forked process during
#: validation, and the store is filled meanwhile (:mod:`serkg.store_fill`), on the core reasoning
#: leaves idle (100k: reasoning 1.8 s, validation 3.3 s). Above it, validation and reasoning keep
#: both cores busy until the end, so the work ahead only waits, and a fork copies the pages of the
#: triples it reads (1M, with the store's graphs filled ahead too: 82.6 s and 3.66 GB peak,
#: against 67.6 s and 2.74 GB without).
AHEAD_MAX_TRIPLES = 500_000

StageReporter = Callable[[str, str], None]


class BuildFailed(RuntimeError):
    """The data says no: SHACL violations, QC rows or an inconsistency. Exit code 1."""

    def __init__(self, message: str, summary: BuildSummary) -> None:
        super().__init__(message)
        self.summary = summary


@dataclass
class BuildSummary:
    """What a build did, for the CLI summary and for benchmarks."""

    out_dir: Path
    reasoner: str = ""
    #: "full" or "incremental" (see :mod:`serkg.build_state`), and why
    kind: str = "full"
    kind_reason: str = ""
    #: what SHACL checked: "everything", or what the change reaches (an incremental build:
    #: ValidationOutcome.scope says which)
    validated: str = "everything"
    #: what OWL 2 RL reasoning went over: "everything", or "what the change reaches" (an
    #: incremental build: :func:`serkg.reasoning.infer_change`)
    reasoned: str = "everything"
    asserted_count: int = 0
    inferred_count: int = 0
    #: triples of the import modules (the imports graph), not counted as ours
    imports_count: int = 0
    inferred_by_kind: dict[str, int] = field(default_factory=dict)
    dropped_by_filter: dict[str, int] = field(default_factory=dict)
    shapes_count: int = 0
    qc_checks: int = 0
    violations: int = 0
    qc_violations: int = 0
    #: wall seconds each stage held the build up ("reason": waiting, as it runs during "validate")
    stage_seconds: dict[str, float] = field(default_factory=dict)
    #: seconds of the work done in other processes: "reason" (alongside "validate") and "export"
    #: (alongside "store" and "qc")
    background_seconds: dict[str, float] = field(default_factory=dict)
    artefacts: list[Path] = field(default_factory=list)
    validation: ValidationOutcome | None = None
    qc: list[QcViolation] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(self.stage_seconds.values())


def _quiet(stage: str, message: str) -> None:
    """The default reporter: say nothing."""


@contextmanager
def _stage(summary: BuildSummary, name: str, report: StageReporter) -> Iterator[None]:
    _pause_if_asked(name)
    report(name, "start")
    started = time.perf_counter()
    yield
    summary.stage_seconds[name] = time.perf_counter() - started
    report(name, f"done in {summary.stage_seconds[name]:.2f} s")


def _pause_if_asked(stage: str) -> None:
    """The test hook: say where the build stopped, then wait for one byte (or EOF) on stdin."""
    if os.environ.get(PAUSE_AT_ENV) != stage:
        return
    os.write(2, f"serkg-build: paused at {stage} pid={os.getpid()}\n".encode("ascii"))
    os.read(0, 1)


def build(
    out_dir: Path,
    *,
    reasoner: str | None = None,
    data_files: Sequence[Path] | None = None,
    progress: bool = False,
    report: StageReporter | None = None,
    wait: bool = False,
    project: Project | None = None,
    full: bool = False,
) -> BuildSummary:
    """Build the graph of PROJECT (default: the packaged dataset) into OUT_DIR (see
    :data:`ARTEFACTS` and ``OUT_DIR/store``). DATA_FILES, when given, replace the project's.

    An incremental build starts from the previous build in OUT_DIR when only data files changed
    since (FULL forces a full build); either way the result is the same.
    Raises :class:`BuildFailed` when validation, QC or the consistency check fails; the validation
    reports are then published as ``OUT_DIR/failed/`` and the previous build stays as it was.
    Raises :class:`serkg.safe_write.OutputError` when OUT_DIR cannot be used (not writable,
    foreign content, another build writing it and WAIT false) or the disk fills up.
    """
    report = report or _quiet
    out_dir = Path(out_dir)
    on_wait = (lambda message: report("lock", message)) if wait else None
    try:
        with safe_write.OutputFolder.claim(out_dir, PUBLISHED, on_wait=on_wait) as output:
            return _build_into(output, reasoner, data_files, report, project, full)
    except OSError as exc:
        if exc.errno == errno.ENOSPC or "No space left on device" in str(exc):
            raise safe_write.OutputError(
                f"no space left on device at {out_dir}; the previous build there is untouched"
            ) from None
        raise


def _build_into(
    output: safe_write.OutputFolder,
    reasoner: str | None,
    data_files: Sequence[Path] | None,
    report: StageReporter,
    project: Project | None,
    full: bool,
) -> BuildSummary:
    from serkg import checks as validation
    from serkg import reasoning
    from serkg.projects import Project
    from serkg.void import describe_dataset

    out_dir = output.path
    engine = reasoner or reasoning.DEFAULT_ENGINE
    summary = BuildSummary(out_dir=out_dir, reasoner=engine)
    project = project or Project.packaged()
    files = list(data_files) if data_files is not None else list(project.data_files)

    with _stage(summary, "load", report):
        kb = load_knowledge(project.ontology_files, files)
        asserted = kb.asserted
        summary.asserted_count = len(asserted)
        imports = import_module_triples()
        summary.imports_count = len(imports)
        state = build_state.current_state(project, files, engine)
        previous = output.current_build()
        plan = build_state.plan(
            build_state.read_state(previous) if previous is not None else None, state, full=full
        )
        summary.kind, summary.kind_reason = plan.kind, plan.reason

    # from here on the loaded graph lives to the end: out of the cycle collector's reach
    with long_lived_frozen():
        delta = None
        if plan.kind == "incremental" and previous is not None:
            delta = _change_since(previous, plan, asserted, summary)
        # reasoning and the mapping sets do not depend on validation: they are made in other
        # processes meanwhile (while no store is open here: a child must not inherit an open
        # store, and no child touches a store: RocksDB's threads do not survive a fork)
        background = reasoning.BackgroundInference(
            asserted,
            engine=engine,
            afterwards=partial(describe_dataset, imports=imports),
            change=_reasoning_change(previous, delta, engine),
        )
        ahead = len(asserted) <= AHEAD_MAX_TRIPLES
        mapping_job = Forked(_mapping_sets, asserted, niceness=BACKGROUND_NICENESS, fork=ahead)
        exports = _ExportJobs()
        folder: Path | None = None
        store: _StoreWriter | None = None
        published = False
        try:
            folder = output.new_build()
            if delta is not None:
                # an incremental build's later stages are short: the exports of the asserted
                # graph are made meanwhile, or they are what it waits for last. At full priority:
                # niced, they ran mostly after validation, and a build at 1M waited 6.6-7.5 s
                # for them (32-36 s in all); now 0.0 s (28-29 s)
                exports.start_ahead(folder, asserted, imports)
            store = _StoreWriter(folder / "store", previous, delta)
            if ahead:  # a core is free while validating: the store is filled meanwhile
                store.start_fill(asserted, imports)
            del delta
            report("plan", f"{summary.kind} build: {summary.kind_reason}")
            with _stage(summary, "validate", report):
                outcome = _validation(store.change, kb, project, summary)
            store.validated()

            _write_validation_reports(folder, outcome, kb)
            if not outcome.conforms:
                # before the folder is emptied: no export or store file comes after
                exports.close()
                store.close()
                output.publish_failed(folder, REPORTS)
                published = True
                raise BuildFailed(
                    f"SHACL validation found {summary.violations} violation(s); see {out_dir / safe_write.FAILED / 'validation-report.txt'}",
                    summary,
                )

            # made here, while the reasoner may still run, when they were not made ahead (above
            # AHEAD_MAX_TRIPLES): an incremental build at 1M would otherwise wait for both in turn
            mapping_sets, mapping_error = mapping_job.result()
            with _stage(summary, "reason", report):  # the time spent waiting for it
                inference = _inference(background, summary)

            # the exports need nothing from the store stages: written in another process meanwhile
            metadata = background.afterwards_triples()  # the VoID statistics, counted meanwhile
            if mapping_error is not None:  # a bad cross-link fails the build by name
                raise BuildFailed(
                    f"the SSSOM mapping set cannot be written: {mapping_error}", summary
                )
            exports.start(folder, asserted, inference.triples, imports, metadata, mapping_sets)
            with _stage(summary, "store", report):
                graphs = {
                    ASSERTED_GRAPH: asserted,
                    INFERRED_GRAPH: inference.triples,
                    IMPORTS_GRAPH: imports,
                    METADATA_GRAPH: [*metadata, *_query_examples(project)],
                }
                store.finish(graphs, inference.difference)
            store_folder = store.folder
            with _stage(summary, "index", report):
                _write_text_index(store_folder, project)
            incremental.save_inputs(folder, state, previous)
            build_state.write_state(folder, state)
            build_state.write_inference_record(folder, _inference_record(inference))

            with _stage(summary, "qc", report):
                qc_store = ox.Store.read_only(str(store_folder))
                qc_rows = validation.run_qc(qc_store, project)
                del qc_store
                summary.qc = qc_rows
                summary.qc_checks = len(validation.qc_check_names(project))
                summary.qc_violations = len(qc_rows)
            if qc_rows:
                exports.close()  # its files are not published
                _write_qc_report(folder, qc_rows)
                output.publish_failed(folder, REPORTS)
                published = True
                raise BuildFailed(
                    f"{len(qc_rows)} QC check row(s) must be empty; see {out_dir / safe_write.FAILED / 'validation-report.txt'}",
                    summary,
                )

            with _stage(summary, "export", report):  # the time spent waiting for it
                summary.background_seconds["export"] = exports.result()

            _pause_if_asked("publish")
            output.publish(folder)
            published = True
            summary.artefacts = [out_dir / name for name in PUBLISHED]
        finally:
            if store is not None:
                store.close()
            for job in (background, mapping_job, exports):
                job.close()
            if folder is not None and not published:
                shutil.rmtree(folder, ignore_errors=True)
    return summary


def import_module_triples() -> list[ox.Triple]:
    """The import modules' triples (``ontology/imports/``): the external classes our data
    names, with labels and their rdfs:subClassOf paths to the ontologies' roots."""
    return [q.triple for path in resources.import_module_files() for q in parse_file(path)]


def _query_examples(project: Project) -> list[ox.Triple]:
    """The named queries as SPARQL examples, for the store's metadata graph."""
    from serkg import querylib
    from serkg.query_examples import example_triples

    return example_triples(querylib.list_queries(project))


def _validate(kb: KnowledgeBase, project: Project) -> ValidationOutcome:
    from serkg.checks import validate_triples

    # the loader refused every literal the store would keep in another form
    return validate_triples(kb.data, kb.ontology, project=project, literals_as_stored=True)


def _inference(background: BackgroundInference, summary: BuildSummary) -> Inference:
    """The inferences reasoned meanwhile; :class:`BuildFailed` if the graph is inconsistent."""
    from serkg import reasoning

    try:
        inference = background.result()
    except reasoning.InconsistencyError as exc:
        raise BuildFailed(f"the graph is inconsistent: {exc}", summary) from exc
    summary.background_seconds["reason"] = inference.seconds
    summary.inferred_count = len(inference.triples)
    summary.reasoned = inference.scope
    summary.inferred_by_kind = dict(inference.counts_by_kind)
    summary.dropped_by_filter = dict(inference.dropped_by_filter)
    return inference


def _validation(
    change: incremental.Change | None, kb: KnowledgeBase, project: Project, summary: BuildSummary
) -> ValidationOutcome:
    """Validate what CHANGE reaches, or everything (no change, or the change needs it)."""
    outcome = incremental.validate(change, kb, project) if change else None
    if outcome is None:
        outcome = _validate(kb, project)
    else:
        summary.validated = outcome.scope
    summary.validation = outcome
    summary.shapes_count = outcome.shapes_count
    summary.violations = len(outcome.violations)
    return outcome


def _change_since(
    previous: Path,
    plan: build_state.BuildPlan,
    asserted: Sequence[ox.Triple],
    summary: BuildSummary,
) -> incremental.AssertedChange | None:
    """What changed since the PREVIOUS build; None (and SUMMARY says the build is a full one)
    when the previous build cannot be used."""
    delta = incremental.asserted_change(previous, plan, asserted)
    if delta is None:
        summary.kind = "full"
        summary.kind_reason = "the previous build's store or saved inputs are missing or damaged"
    return delta


def _reasoning_change(
    previous: Path | None, delta: incremental.AssertedChange | None, engine: str
) -> ReasoningChange | None:
    """What reasoning may start from: DELTA and the PREVIOUS build's inferences and counts
    (None, so everything is reasoned over, without a change or a readable record of them)."""
    from serkg.reasoning import Inference, ReasoningChange

    if delta is None or previous is None:
        return None
    record = build_state.read_inference_record(previous)
    if record is None or record.engine != engine:
        return None
    before = Inference(
        triples=delta.previous_inferred,
        counts_by_kind=record.counts_by_kind,
        dropped_by_filter=record.dropped_by_filter,
        engine=record.engine,
        seconds=0.0,
        equalities=record.equalities,
    )
    return ReasoningChange(delta.added, delta.removed, before)


def _inference_record(inference: Inference) -> build_state.InferenceRecord:
    return build_state.InferenceRecord(
        engine=inference.engine,
        counts_by_kind=dict(inference.counts_by_kind),
        dropped_by_filter=dict(inference.dropped_by_filter),
        equalities=inference.equalities,
    )


def _write_validation_reports(folder: Path, outcome: ValidationOutcome, kb: KnowledgeBase) -> None:
    safe_write.write_text(folder / "validation-report.ttl", outcome.to_turtle())
    safe_write.write_text(
        folder / "validation-report.txt", outcome.to_text(origins=kb.origins, timed=False)
    )


def _write_qc_report(folder: Path, rows: Sequence[QcViolation]) -> None:
    lines = [f"QC: {len(rows)} row(s) in checks that must return nothing", ""]
    lines += [f"- {row}" for row in rows]
    safe_write.write_text(folder / "validation-report.txt", "\n".join(lines) + "\n")


def _mapping_sets(asserted: Sequence[ox.Triple]) -> tuple[dict[str, str], str | None]:
    """The SSSOM files' texts by name, or the reason they cannot be written (a bad cross-link)."""
    try:
        mapping_set, vocabulary_set = mappings.both_sssom_tsv(asserted, __version__)
        return {"serkg.sssom.tsv": mapping_set, "serkg-vocab.sssom.tsv": vocabulary_set}, None
    except mappings.MappingError as exc:
        return {}, str(exc)


class _StoreWriter:
    """How a build writes its store at FOLDER. A full build up to AHEAD_MAX_TRIPLES has a helper
    process fill it (:mod:`serkg.store_fill`) with the asserted graph and the imports while
    validating (:meth:`start_fill`), the rest once reasoning is done; a larger one fills it in
    this process once reasoning is done (1M, filled by the helper from validation on: the same
    wall time, 12 s more CPU and 300 MB more peak, both cores being busy already). An
    incremental build (a DELTA from the PREVIOUS build) copies the previous store and changes
    it (:mod:`serkg.incremental`)."""

    #: the graphs known before validation
    AHEAD = (ASSERTED_GRAPH, IMPORTS_GRAPH)

    def __init__(
        self, folder: Path, previous: Path | None, delta: incremental.AssertedChange | None
    ) -> None:
        self.folder = folder
        self.change: incremental.Change | None = None
        self._fill: StoreFill | None = None
        if delta is not None and previous is not None:
            self.change = incremental.prepare(previous, delta, folder)

    def start_fill(self, asserted: Sequence[ox.Triple], imports: Sequence[ox.Triple]) -> None:
        """A full build: start the helper, at a lower priority (it works ahead of need), and
        hand it the graphs known before validation (an incremental build: nothing to do)."""
        if self.change is not None:
            return
        self._fill = StoreFill(self.folder, niceness=BACKGROUND_NICENESS)
        for graph, triples in zip(self.AHEAD, (asserted, imports), strict=True):
            self._fill.add(graph, triples)

    def validated(self) -> None:
        """Validation is over: the incremental store closes until :meth:`finish` (this process
        forks meanwhile, and no child may inherit an open store)."""
        if self.change is not None:
            self.change.close()

    def finish(
        self,
        graphs: Mapping[str, Sequence[ox.Triple]],
        inferred_difference: tuple[Sequence[ox.Triple], Sequence[ox.Triple]] | None,
    ) -> None:
        """Complete the store with GRAPHS (graph IRI -> triples), close it and record its
        checksums."""
        if self.change is not None:
            incremental.finish_store(self.folder, graphs, inferred_difference)
            return
        if self._fill is None:  # not started ahead: filled here, at once
            _load_store(self.folder, graphs)
            return
        for graph, triples in graphs.items():
            if graph not in self.AHEAD:
                self._fill.add(graph, triples)
        try:
            self._fill.finish()
        except StoreFillError as exc:
            raise safe_write.OutputError(str(exc)) from exc

    def close(self) -> None:
        """Stop writing (an unfinished store is left incomplete); harmless to repeat."""
        if self.change is not None:
            self.change.close()
        if self._fill is not None:
            self._fill.close()


def _load_store(folder: Path, graphs: Mapping[str, Sequence[ox.Triple]]) -> None:
    """Persist GRAPHS (graph IRI -> triples) in a new store at FOLDER, in this process."""
    store = ox.Store(str(folder))
    for graph, triples in graphs.items():
        name = ox.NamedNode(graph)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    store.flush()
    store.optimize()
    del store
    store_checksums.write_checksums(folder)


def _write_text_index(store_folder: Path, project: Project) -> None:
    """The store's text index (:mod:`serkg.text_index`), inside the store folder so that it is
    published with it, for the predicates the project's named queries declare in ``text_index``."""
    from serkg import querylib, text_index

    predicates = {
        predicate
        for query in querylib.list_queries(project)
        if query.text_search is not None
        for predicate in query.text_search.predicates
    }
    text_index.write_index(store_folder, predicates)


class _ExportJobs:
    """The export files, written in forked processes: those of the asserted graph ahead (an
    incremental build) or with the rest, once the inferences are known."""

    def __init__(self) -> None:
        self._ahead: Forked[float] | None = None
        self._rest: Forked[float] | None = None

    def start_ahead(
        self, folder: Path, asserted: Sequence[ox.Triple], imports: Sequence[ox.Triple]
    ) -> None:
        self._ahead = Forked(_write_asserted_exports, folder, asserted, imports)

    def start(
        self,
        folder: Path,
        asserted: Sequence[ox.Triple],
        inferred: Sequence[ox.Triple],
        imports: Sequence[ox.Triple],
        metadata: Sequence[ox.Triple],
        mapping_sets: dict[str, str],
    ) -> None:
        write = partial(_write_exports, asserted_written=self._ahead is not None)
        self._rest = Forked(write, folder, asserted, inferred, imports, metadata, mapping_sets)

    def result(self) -> float:
        """Wait for both; the seconds they took together."""
        return sum(job.result() for job in (self._ahead, self._rest) if job is not None)

    def close(self) -> None:
        for job in (self._ahead, self._rest):
            if job is not None:
                job.close()


def _write_exports(
    folder: Path,
    asserted: Sequence[ox.Triple],
    inferred: Sequence[ox.Triple],
    imports: Sequence[ox.Triple],
    metadata: Sequence[ox.Triple],
    mapping_sets: dict[str, str],
    *,
    asserted_written: bool = False,
) -> float:
    """Write the export files into FOLDER (those :func:`_write_asserted_exports` writes too,
    unless ASSERTED_WRITTEN); returns the seconds it took."""
    started = time.perf_counter()
    turtle = {
        ASSERTED_GRAPH: export.serialize_triples(asserted, "ttl"),
        INFERRED_GRAPH: export.serialize_triples(inferred, "ttl"),
    }
    if not asserted_written:
        _write_asserted_exports(folder, asserted, imports, turtle[ASSERTED_GRAPH])
    safe_write.write_bytes(folder / "serkg-inferred.ttl", turtle[INFERRED_GRAPH])
    safe_write.write_bytes(folder / "serkg.trig", export.trig_of_turtle(list(turtle.items())))
    export.write_triples(folder / "void.ttl", metadata, "ttl")
    for name, text in mapping_sets.items():
        safe_write.write_text(folder / name, text)
    return time.perf_counter() - started


def _write_asserted_exports(
    folder: Path,
    asserted: Sequence[ox.Triple],
    imports: Sequence[ox.Triple],
    turtle: bytes | None = None,
) -> float:
    """Write the exports of the asserted graph and the imports (TURTLE: the asserted graph's,
    when already made); returns the seconds it took."""
    started = time.perf_counter()
    if turtle is None:
        turtle = export.serialize_triples(asserted, "ttl")
    safe_write.write_bytes(folder / "serkg.ttl", turtle)
    export.write_triples(folder / "serkg-imports.ttl", imports, "ttl")
    export.write_triples(folder / "serkg.nt", asserted, "nt")
    export.write_triples(folder / "serkg.jsonld", asserted, "jsonld")
    return time.perf_counter() - started
