"""What a build was made from, so that the next build can do only what a change requires.

Every published build holds ``.build-state.json``: the SHA-256 of each data file (in build
order) and one digest of everything else the build reads — the ontology, shapes, QC and named
queries, the import modules and packaged metadata, serkg's own code and the versions of the
engines. The next ``serkg build`` compares (:func:`plan`): when at most the data files changed
it builds incrementally from the previous build (:mod:`serkg.build`); anything else, a missing
or unreadable state, or ``--full`` means a full build. docs/scaling.md says what each kind of
build redoes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from serkg import __version__, resources
from serkg.store_checksums import sha256_of_file

if TYPE_CHECKING:
    from serkg.projects import Project

STATE_FILE = ".build-state.json"
#: what the build's reasoning counted (:class:`InferenceRecord`), for the next one to start from
INFERENCE_FILE = ".build-inference.json"
#: bump when the file's meaning changes: an older state then asks for a full build
STATE_FORMAT = 1
#: libraries whose results end up in a build: a new version means a full build
_ENGINE_PACKAGES = ("pyoxigraph", "rdflib", "pyshacl", "owlrl", "reasonable")
#: suffixes of serkg's own files that take part in a build (code, templates, packaged data)
_CODE_SUFFIXES = (".py", ".json", ".j2", ".ttl", ".rq", ".yaml", ".html")


@dataclass(frozen=True)
class BuildState:
    """The inputs of one build."""

    fixed_digest: str
    #: (path, sha256) of each data file, in the order the build read them
    data_files: tuple[tuple[str, str], ...]
    reasoner: str

    def to_json(self) -> str:
        body = {"format": STATE_FORMAT, "serkg": __version__, **asdict(self)}
        return json.dumps(body, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> BuildState | None:
        """The state in TEXT, or None when it is not a state this version understands."""
        try:
            body = json.loads(text)
            if body.get("format") != STATE_FORMAT:
                return None
            files = tuple((str(path), str(digest)) for path, digest in body["data_files"])
            return cls(str(body["fixed_digest"]), files, str(body["reasoner"]))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class BuildPlan:
    """What this build will do: ``kind`` is "full" or "incremental"."""

    kind: str
    reason: str
    previous: BuildState | None = None
    #: data files whose content differs from the previous build's (new ones included)
    changed: tuple[str, ...] = ()
    #: data files of the previous build that this one does not read
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class InferenceRecord:
    """What a build's reasoning counted besides its triples (those are in its store): the next
    build reasons over only what its change reaches from these (:mod:`serkg.reasoning.incremental`)."""

    engine: str
    counts_by_kind: dict[str, int]
    dropped_by_filter: dict[str, int]
    #: owl:sameAs derived between different terms (the next build then reasons over everything)
    equalities: int

    def to_json(self) -> str:
        return json.dumps({"format": STATE_FORMAT, **asdict(self)}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> InferenceRecord | None:
        """The record in TEXT, or None when it is not one this version understands."""
        try:
            body = json.loads(text)
            if body.get("format") != STATE_FORMAT:
                return None
            counts = {str(k): int(v) for k, v in body["counts_by_kind"].items()}
            dropped = {str(k): int(v) for k, v in body["dropped_by_filter"].items()}
            return cls(str(body["engine"]), counts, dropped, int(body["equalities"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def read_inference_record(build_folder: Path) -> InferenceRecord | None:
    """The reasoning record of a published build folder (None when absent or unreadable)."""
    try:
        text = (build_folder / INFERENCE_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return InferenceRecord.from_json(text)


def write_inference_record(build_folder: Path, record: InferenceRecord) -> None:
    """Keep RECORD in a build folder about to be published."""
    from serkg import safe_write

    safe_write.write_text(build_folder / INFERENCE_FILE, record.to_json())


def current_state(project: Project, data_files: Sequence[Path], reasoner: str) -> BuildState:
    """The state a build of DATA_FILES (with PROJECT's other inputs) by REASONER would record."""
    files = tuple((str(Path(p).resolve()), file_digest(Path(p))) for p in data_files)
    return BuildState(_fixed_digest(project, data_files, reasoner), files, reasoner)


def read_state(build_folder: Path) -> BuildState | None:
    """The state recorded in a published build folder (None when absent or unreadable)."""
    try:
        return BuildState.from_json((build_folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def plan(previous: BuildState | None, now: BuildState, *, full: bool) -> BuildPlan:
    """Compare the previous build's state with NOW's: what must this build redo?"""
    if full:
        return BuildPlan("full", "--full asked for a full build")
    if previous is None:
        return BuildPlan("full", "no previous build to start from")
    if previous.reasoner != now.reasoner:
        return BuildPlan("full", f"the reasoner changed ({previous.reasoner} → {now.reasoner})")
    if previous.fixed_digest != now.fixed_digest:
        return BuildPlan(
            "full", "the ontology, shapes, queries, import modules or serkg itself changed"
        )
    before = dict(previous.data_files)
    changed = tuple(path for path, digest in now.data_files if before.get(path) != digest)
    kept = {path for path, _ in now.data_files}
    removed = tuple(path for path, _ in previous.data_files if path not in kept)
    count = len(changed) + len(removed)
    return BuildPlan(
        "incremental",
        f"{count} of {len(now.data_files)} data file(s) changed",
        previous,
        changed,
        removed,
    )


def file_digest(path: Path) -> str:
    """The SHA-256 of a data file (hex), as the state records it."""
    return sha256_of_file(path)


def _fixed_digest(project: Project, data_files: Sequence[Path], reasoner: str) -> str:
    """One digest of every input of a build except its data files."""
    digest = hashlib.sha256()
    digest.update(f"serkg {__version__}; reasoner {reasoner}\n".encode())
    for package in _ENGINE_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package} {version}\n".encode())
    data = {Path(p).resolve() for p in data_files}
    for path in sorted(set(_fixed_files(project)) - data):
        digest.update(f"{path}\n{file_digest(path)}\n".encode())
    return digest.hexdigest()


def _fixed_files(project: Project) -> Iterable[Path]:
    """Every file a build reads besides the data: packaged assets that are not data files, the
    project's own ontology, shapes and queries, its serkg.toml, and serkg's code."""
    root = resources.asset_root()
    for folder in resources.ASSET_FOLDERS:  # the build's own data files are taken out after
        yield from _files_under(root / folder)
    yield from project.ontology_files
    yield from project.shapes_files
    yield from (path for _name, path in project.query_files)
    yield from (path for _name, path in project.qc_files)
    if project.root is not None and (project.root / "serkg.toml").is_file():
        yield project.root / "serkg.toml"
    code = Path(__file__).resolve().parent
    yield from (p for p in _files_under(code) if p.suffix in _CODE_SUFFIXES)


def _files_under(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "node_modules")]
        for name in filenames:
            yield (Path(dirpath) / name).resolve()


def write_state(build_folder: Path, state: BuildState) -> None:
    """Record STATE in a build folder about to be published."""
    from serkg import safe_write

    safe_write.write_text(build_folder / STATE_FILE, state.to_json())
