"""Check the shipped import modules term by term against the release files they cite.

CI cannot reach those files, so this is a check to run by hand after refreshing a module:

    python tests/ontology_imports/check_against_sources.py [MIRROR_ROOT]

Each module's ``dcterms:source`` is a GitHub URL pinned to a commit
(``https://github.com/OWNER/NAME/blob/COMMIT/PATH``); the file is read from a bare clone at
``MIRROR_ROOT/OWNER+NAME/repo`` (default root: /work/.mirror) with ``git show COMMIT:PATH``.
For every term of the module, its label must be the label some cited file gives it, and its
``rdfs:subClassOf`` parents must be exactly the union of the named parents the cited files give
it. Where two cited files both give a term parents and the parent sets differ (an older and a
newer release, say), a ``note:`` line names each file's parents: the module keeps their union.
A module whose cited file is not in the mirror is reported as ``skipped`` and not checked.
Exit 0 when every checked module agrees with its files, 1 on a difference.

    git clone --bare https://github.com/OWNER/NAME MIRROR_ROOT/OWNER+NAME/repo   # per cited repo
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from serkg.ontology_imports import SourceOntology, curie, read_source
from serkg.resources import import_module_files


def fetch_cited(url: str, mirror_root: Path, into: Path) -> Path | None:
    owner, name, _blob, commit, *path = url.removeprefix("https://github.com/").split("/")
    git_dir = mirror_root / f"{owner}+{name}" / "repo"
    target = into / f"{owner}+{name}" / "/".join(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shown = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{'/'.join(path)}"],
        capture_output=True,
        timeout=300,
    )
    if shown.returncode != 0:
        return None
    target.write_bytes(shown.stdout)
    return target


def short(url: str) -> str:
    """``owner/name@commit7:path`` for a pinned GitHub URL: how notes name a cited file."""
    owner, name, _blob, commit, *path = url.removeprefix("https://github.com/").split("/")
    return f"{owner}/{name}@{commit[:7]}:{'/'.join(path)}"


def check_module(
    module_path: Path, sources: list[tuple[str, SourceOntology]]
) -> tuple[list[str], list[str]]:
    """The module's differences from its cited files, and the notes on files that disagree."""
    graph = rdflib.Graph().parse(module_path, format="turtle")
    problems: list[str] = []
    notes: list[str] = []
    classes = sorted(graph.subjects(RDF.type, OWL.Class))
    for cls in classes:
        iri = str(cls)
        in_sources = [(short(url), s.terms[iri]) for url, s in sources if iri in s.terms]
        if not in_sources:
            problems.append(f"{module_path.name}: {curie(iri)} is in no cited file")
            continue
        parents = {str(p) for p in graph.objects(cls, RDFS.subClassOf)}
        cited = set().union(*(t.parents for _, t in in_sources))
        if parents != cited:
            problems.append(
                f"{module_path.name}: {curie(iri)} parents {sorted(parents)} "
                f"!= cited {sorted(cited)}"
            )
        label = str(graph.value(cls, RDFS.label))
        if label not in {t.label for _, t in in_sources}:
            problems.append(f"{module_path.name}: {curie(iri)} label {label!r} not cited")
        given = {name: sorted(map(curie, t.parents)) for name, t in in_sources if t.parents}
        if len({tuple(v) for v in given.values()}) > 1:
            said = "; ".join(f"{name} -> {', '.join(v)}" for name, v in sorted(given.items()))
            notes.append(f"note: {module_path.name}: {curie(iri)}: sources disagree: {said}")
    print(f"{module_path.name}: {len(classes)} terms checked against {len(sources)} file(s)")
    return problems, notes


def check(mirror_root: Path) -> int:
    problems: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for module_path in import_module_files():
            graph = rdflib.Graph().parse(module_path, format="turtle")
            header = next(graph.subjects(RDF.type, OWL.Ontology))
            sources = []
            for url in sorted(str(s) for s in graph.objects(header, DCTERMS.source)):
                local = fetch_cited(url, mirror_root, Path(tmp) / str(len(sources)))
                if local is None:
                    print(f"skipped: {module_path.name}: cited file {url} is not available")
                    break
                sources.append((url, read_source(local)))
            else:
                found, noted = check_module(module_path, sources)
                problems += found
                notes += noted
    for line in notes + problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")))
