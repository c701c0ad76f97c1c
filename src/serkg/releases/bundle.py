"""Release bundles (``serkg release``): ``releases/V/`` with the build's files, a MANIFEST of
SHA-256 hashes and sizes, a DCAT description, CITATION.cff and the release's changelog entry.

A release holds portable files only: the RocksDB store is left out (its files depend on the
RocksDB version and compaction, are not byte-reproducible, and ``serkg load`` rebuilds a store
from ``serkg.trig``). The artefacts are copied as the build wrote them, so two builds of the same
sources give the same MANIFEST lines for them; only the release metadata (void.ttl,
CITATION.cff, CHANGELOG.md) names the release date. See docs/releases.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from serkg import export, formats, safe_write
from serkg.loading import InputError, parse_file
from serkg.prefixes import PREFIX_MAP
from serkg.releases import changes
from serkg.void import DATASET

#: where releases are published; ``{RELEASE_BASE}{version}`` is a release's version IRI
RELEASE_BASE = "https://w3id.org/serkg/releases/"
#: the build's files a release copies as they are (void.ttl is rewritten, the store left out)
ARTEFACTS = tuple(name for name in export.ARTEFACTS if name != "void.ttl")
MANIFEST = "MANIFEST"
#: the change graph since the previous release (not in the first release)
CHANGES = "changes.ttl"
MANIFEST_HEADER = "file\tbytes\tsha256"
VERSION_RULE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
#: the files a release may hold that no RDF format writes (the SSSOM mapping sets are TSV)
NON_RDF_MEDIA_TYPES = {".txt": "text/plain", ".tsv": "text/tab-separated-values"}


class ReleaseError(ValueError):
    """A release that cannot be made or read; the message names the folder or file. Exit 2."""


@dataclass(frozen=True)
class ManifestEntry:
    """One line of a MANIFEST."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    """What ``make_release`` wrote."""

    folder: Path
    version: str
    previous: str | None
    entries: tuple[ManifestEntry, ...]
    changelog: str


# ---------------------------------------------------------------------------------- hashing
def hash_file(path: Path) -> ManifestEntry:
    """The MANIFEST entry of one file: its name, size in bytes and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return ManifestEntry(path.name, size, digest.hexdigest())


def manifest_text(entries: Sequence[ManifestEntry]) -> str:
    """A MANIFEST: a header and one tab-separated line per file, sorted by name."""
    lines = [MANIFEST_HEADER]
    lines += [f"{e.name}\t{e.size}\t{e.sha256}" for e in sorted(entries, key=lambda e: e.name)]
    return "\n".join(lines) + "\n"


def read_manifest(folder: Path) -> list[ManifestEntry]:
    """The entries of FOLDER/MANIFEST; raises :class:`ReleaseError` naming the line it cannot read."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ReleaseError(f"{path}: no MANIFEST; is {folder} a release?")
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != MANIFEST_HEADER:
        raise ReleaseError(f"{path}:1: the header must be {MANIFEST_HEADER!r}")
    entries = []
    for number, line in enumerate(lines[1:], 2):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit() or not re.fullmatch(r"[0-9a-f]{64}", parts[2]):
            raise ReleaseError(f"{path}:{number}: expected file, bytes and sha256, got {line!r}")
        entries.append(ManifestEntry(parts[0], int(parts[1]), parts[2]))
    return entries


def check_release(folder: Path) -> list[str]:
    """Re-hash a release: one line per file that differs from its MANIFEST (empty: all match)."""
    folder = Path(folder)
    problems = []
    listed = set()
    for entry in read_manifest(folder):
        listed.add(entry.name)
        path = folder / entry.name
        if not path.is_file():
            problems.append(f"{entry.name}: missing")
            continue
        found = hash_file(path)
        if found.size != entry.size:
            problems.append(f"{entry.name}: {found.size} bytes, MANIFEST says {entry.size}")
        elif found.sha256 != entry.sha256:
            problems.append(f"{entry.name}: SHA-256 {found.sha256}, MANIFEST says {entry.sha256}")
    extra = sorted(p.name for p in folder.iterdir() if p.name not in listed | {MANIFEST})
    problems += [f"{name}: not in the MANIFEST" for name in extra]
    return problems


# ---------------------------------------------------------------------------------- making
def release_iri(version: str) -> str:
    return f"{RELEASE_BASE}{version}"


def issued_date() -> dt.date:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` when set (reproducible-builds.org)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def _version_key(name: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.+_-]", name))


def latest_release(releases: Path, *, before: str | None = None) -> Path | None:
    """The release of RELEASES with the highest version (other than BEFORE), or None."""
    if not releases.is_dir():
        return None
    found = [
        p
        for p in releases.iterdir()
        if p.is_dir() and (p / MANIFEST).is_file() and p.name != before
    ]
    return max(found, key=lambda p: _version_key(p.name), default=None)


def make_release(
    build: Path,
    releases: Path,
    version: str,
    *,
    previous: Path | None = None,
    issued: dt.date | None = None,
) -> Release:
    """Write ``RELEASES/VERSION/`` from the build folder BUILD, in one rename when complete.

    PREVIOUS (default: the latest release already in RELEASES) is linked from void.ttl and is
    what the changelog compares with. A release is never overwritten: an existing
    ``RELEASES/VERSION`` raises :class:`ReleaseError`, as do a bad version or a missing file.
    """
    build, releases = Path(build), Path(releases)
    if not VERSION_RULE.match(version):
        raise ReleaseError(f"version {version!r}: use letters, digits and . + _ - only")
    target = releases / version
    if target.exists():
        raise ReleaseError(f"{target}: already exists; a release is never rewritten")
    missing = [name for name in (*ARTEFACTS, "void.ttl") if not (build / name).is_file()]
    if missing:
        raise ReleaseError(f"{build}: not a complete build, missing {', '.join(missing)}")
    previous = previous if previous is not None else latest_release(releases, before=version)
    issued = issued or issued_date()
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", suffix=".partial", dir=releases))
    try:
        entry, change_graph = _changelog_entry(build, previous, version, issued)
        entries = [_copy(build / name, staging / name) for name in ARTEFACTS]
        safe_write.write_text(staging / "CHANGELOG.md", entry)
        if change_graph is not None:
            safe_write.write_bytes(staging / CHANGES, change_graph)
            entries.append(hash_file(staging / CHANGES))
        safe_write.write_text(staging / "CITATION.cff", _citation_cff(build, version, issued))
        void = _release_void(build, version, issued, previous, entries)
        safe_write.write_bytes(staging / "void.ttl", void)
        entries += [hash_file(staging / n) for n in ("CHANGELOG.md", "CITATION.cff", "void.ttl")]
        safe_write.write_text(staging / MANIFEST, manifest_text(entries))
        os.chmod(staging, 0o755)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prepend_changelog(releases / "CHANGELOG.md", entry)
    return Release(
        target,
        version,
        previous.name if previous else None,
        tuple(sorted(entries, key=lambda e: e.name)),
        entry,
    )


def _copy(source: Path, target: Path) -> ManifestEntry:
    shutil.copyfile(source, target)  # follows the build's links into its current folder
    return hash_file(target)


def _changelog_entry(
    build: Path, previous: Path | None, version: str, issued: dt.date
) -> tuple[str, bytes | None]:
    """The release's CHANGELOG.md entry and change graph (Turtle): the changes since PREVIOUS."""
    try:
        if previous is None:
            after = changes.load_snapshot(build)
            first = (
                f"## {version} ({issued.isoformat()})\n\nThe first release: "
                f"{len(after.facts)} facts, {len(after.claims)} distinct claims, "
                f"{len(after.conflicts)} source conflicts.\n"
            )
            return first, None
        rows, before, after = changes.diff(previous, build)
    except changes.SnapshotError as exc:
        raise ReleaseError(str(exc)) from None
    before.version, after.version = previous.name, f"{version} ({issued.isoformat()})"
    return changes.to_markdown(rows, before, after), changes.to_turtle(rows)


def _prepend_changelog(path: Path, entry: str) -> None:
    """RELEASES/CHANGELOG.md: the newest entry first, the older ones kept below it."""
    head = "# Changelog\n\nWhat changed, fact by fact, in each release (`serkg diff`).\n\n"
    older = path.read_text(encoding="utf-8").removeprefix(head) if path.is_file() else ""
    safe_write.write_text(path, head + entry.rstrip("\n") + "\n\n" + older)


def _build_metadata(build: Path) -> list[ox.Triple]:
    try:
        return [q.triple for q in parse_file(build / "void.ttl")]
    except InputError as exc:
        raise ReleaseError(str(exc)) from None


def _literal_of(triples: Sequence[ox.Triple], predicate: str) -> str | None:
    for t in triples:
        if t.subject == DATASET and t.predicate.value == predicate:
            return t.object.value  # type: ignore[union-attr]
    return None


def _citation_cff(build: Path, version: str, issued: dt.date) -> str:
    """CITATION.cff (Citation File Format 1.2.0) from the dataset's own metadata."""
    metadata = _build_metadata(build)
    title = _literal_of(metadata, DCTERMS + "title") or "serkg"
    creator = _literal_of(metadata, DCTERMS + "creator") or "serkg contributors"
    license_iri = _literal_of(metadata, DCTERMS + "license")
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this release of serkg, please cite it as below."',
        "type: dataset",
        f"title: {_yaml_string(title)}",
        f"version: {_yaml_string(version)}",
        f"date-released: {_yaml_string(issued.isoformat())}",
        f"url: {_yaml_string(release_iri(version))}",
        "authors:",
        f"  - name: {_yaml_string(creator)}",
        "identifiers:",
        "  - type: url",
        f"    value: {_yaml_string(release_iri(version))}",
        "    description: the version IRI of this release",
    ]
    if license_iri:
        lines.append(f"license-url: {_yaml_string(license_iri)}")
    return "\n".join(lines) + "\n"


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON string escapes are valid YAML)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _release_void(
    build: Path,
    version: str,
    issued: dt.date,
    previous: Path | None,
    entries: Sequence[ManifestEntry],
) -> bytes:
    """The build's VoID/DCAT with its file list replaced by one distribution per released file."""
    metadata = _build_metadata(build)
    distributions = {t.object for t in metadata if t.predicate.value == DCAT + "distribution"}
    triples = [
        t
        for t in metadata
        if t.subject not in distributions and t.predicate.value != DCAT + "distribution"
    ]
    release = ox.NamedNode(release_iri(version))

    issued_literal = ox.Literal(issued.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    statements: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = [
        (DATASET, DCAT + "hasVersion", release),
        (release, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")),
        (release, DCTERMS + "isVersionOf", DATASET),
        (release, DCAT + "version", ox.Literal(version)),
        (release, OWL_VERSION_INFO, ox.Literal(version)),
        (release, DCTERMS + "issued", issued_literal),
    ]
    if previous is not None:
        statements.append(
            (release, DCAT + "previousVersion", ox.NamedNode(release_iri(previous.name)))
        )
    triples += [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in statements]
    for number, entry in enumerate(sorted(entries, key=lambda e: e.name)):
        triples += _distribution(release, entry, ox.BlankNode(f"checksum{number}"))
    used = ("dcat", "dcterms", "void", "owl", "xsd", "rdfs", "prov", "kgsrc")
    prefixes = {**{p: PREFIX_MAP[p] for p in used}, "spdx": SPDX}
    text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode()
    # the files are named relative to the release (a mirror can serve the folder anywhere);
    # pyoxigraph's own base_iri would also make every other w3id.org IRI a "/serkg/..." path
    base = release.value + "/"
    return (f"@base <{base}> .\n" + text.replace(f"<{base}", "<")).encode()


def _media_type(name: str) -> str:
    suffix = Path(name).suffix
    return NON_RDF_MEDIA_TYPES.get(suffix) or formats.media_type_of_file(name)


def _distribution(
    release: ox.NamedNode, entry: ManifestEntry, checksum: ox.BlankNode
) -> list[ox.Triple]:
    """One DCAT distribution: download URL inside the release, media type, size, SPDX checksum."""
    node = ox.NamedNode(f"{release.value}/{entry.name}")
    media_type = _media_type(entry.name)

    def t(
        subject: ox.NamedNode | ox.BlankNode,
        predicate: str,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.Triple:
        return ox.Triple(subject, ox.NamedNode(predicate), obj)

    return [
        t(release, DCAT + "distribution", node),
        t(node, RDF_TYPE, ox.NamedNode(DCAT + "Distribution")),
        t(node, DCTERMS + "title", ox.Literal(entry.name)),
        t(node, DCAT + "downloadURL", node),
        t(node, DCAT + "mediaType", ox.Literal(media_type)),
        t(
            node,
            DCTERMS + "format",
            ox.NamedNode(f"http://www.iana.org/assignments/media-types/{media_type}"),
        ),
        t(
            node,
            DCAT + "byteSize",
            ox.Literal(str(entry.size), datatype=ox.NamedNode(XSD + "nonNegativeInteger")),
        ),
        t(node, SPDX + "checksum", checksum),
        t(checksum, RDF_TYPE, ox.NamedNode(SPDX + "Checksum")),
        t(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
        t(
            checksum,
            SPDX + "checksumValue",
            ox.Literal(entry.sha256, datatype=ox.NamedNode(XSD + "hexBinary")),
        ),
    ]
