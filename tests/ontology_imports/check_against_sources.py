"""Check the shipped import modules term by term against the release files they cite.

CI cannot reach those files, so this is a check to run by hand after refreshing a module:

    python tests/ontology_imports/check_against_sources.py [MIRROR_ROOT]

Each module's ``dcterms:source`` is a GitHub URL pinned to a commit
(``https://github.com/OWNER/NAME/blob/COMMIT/PATH``); the file is read from a bare clone at
``MIRROR_ROOT/OWNER+NAME/repo`` (default root: /work/.mirror) with ``git show COMMIT:PATH``.
For every term of the module, its label must be the label some cited file gives it, and its
``rdfs:subClassOf`` parents must be exactly the union of the named parents the cited files give
it. Exit 0 when all agree, 1 on a difference, and 0 with "skipped" when a cited file is absent.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from serkg.ontology_imports import curie, read_source
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


def check(mirror_root: Path) -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for module_path in import_module_files():
            graph = rdflib.Graph().parse(module_path, format="turtle")
            header = next(graph.subjects(RDF.type, OWL.Ontology))
            sources = []
            for url in sorted(str(s) for s in graph.objects(header, DCTERMS.source)):
                local = fetch_cited(url, mirror_root, Path(tmp))
                if local is None:
                    print(f"skipped: {module_path.name}: cited file {url} is not available")
                    return 0
                sources.append(read_source(local))
            classes = sorted(graph.subjects(RDF.type, OWL.Class))
            for cls in classes:
                iri = str(cls)
                in_sources = [s.terms[iri] for s in sources if iri in s.terms]
                if not in_sources:
                    problems.append(f"{module_path.name}: {curie(iri)} is in no cited file")
                    continue
                parents = {str(p) for p in graph.objects(cls, RDFS.subClassOf)}
                cited = set().union(*(t.parents for t in in_sources))
                if parents != cited:
                    problems.append(
                        f"{module_path.name}: {curie(iri)} parents {sorted(parents)} "
                        f"!= cited {sorted(cited)}"
                    )
                label = str(graph.value(cls, RDFS.label))
                if label not in {t.label for t in in_sources}:
                    problems.append(f"{module_path.name}: {curie(iri)} label {label!r} not cited")
            print(
                f"{module_path.name}: {len(classes)} terms checked against {len(sources)} file(s)"
            )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")))
