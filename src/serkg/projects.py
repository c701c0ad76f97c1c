"""A serkg project: a folder with ``serkg.toml`` that adds a catalogue's own files to serkg's.

A project brings its own ``data/`` (TriG claim bundles), ``cards/`` (curation cards), ``queries/``
(named queries and ``qc/`` checks), ``shapes/`` and ``ontology/`` (extension modules), and includes
packaged datasets by name. It adds to what serkg ships; a project query, QC check or shape with the
name of a packaged one is refused unless ``serkg.toml`` lists it under ``[overrides]``.

This module owns the project model and its discovery; :mod:`serkg.resources` stays the only home
of the packaged paths. :meth:`Project.packaged` is serkg without a project: what every command did
before projects existed. docs/projects.md describes the folder and the file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serkg import resources

PROJECT_FILE = "serkg.toml"
PROJECT_FOLDERS = ("cards", "data", "queries", "shapes", "ontology")
#: the datasets serkg ships, by the name ``datasets = [...]`` in serkg.toml uses
PACKAGED_DATASETS = ("l-serine",)
DEFAULT_DATASETS = ("l-serine",)
DEFAULT_BASE_IRI = "https://w3id.org/serkg/id/"
DEFAULT_LICENSE = "CC-BY-4.0"
OUT_FOLDER = "dist"

#: the keys serkg.toml may hold, by table, with their types
_PROJECT_KEYS: dict[str, type] = {
    "name": str,
    "title": str,
    "license": str,
    "base_iri": str,
    "datasets": list,
}
_OVERRIDE_KEYS = ("queries", "qc", "shapes")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ProjectError(ValueError):
    """serkg.toml or a project folder cannot be used; the message names file:line and key."""


@dataclass(frozen=True)
class Project:
    """The knowledge files one run of serkg reads, and where its build goes.

    ``root`` is None for the packaged dataset alone. Every tuple is sorted for deterministic
    builds: packaged files first, then the project's.
    """

    root: Path | None
    name: str
    title: str
    license: str
    base_iri: str
    datasets: tuple[str, ...]
    ontology_files: tuple[Path, ...]
    data_files: tuple[Path, ...]
    #: (core, sparql) packaged shapes files, then the project's shapes files
    packaged_shapes: tuple[Path, ...]
    project_shapes: tuple[Path, ...]
    #: named queries by name (a project query replaces a packaged one it overrides)
    query_files: tuple[tuple[str, Path], ...]
    #: active QC checks by name, in the order they run (packaged ones first)
    qc_files: tuple[tuple[str, Path], ...]
    #: the names of the packaged shapes the project's shapes may replace
    overridden_shapes: tuple[str, ...] = ()

    @property
    def out_dir(self) -> Path:
        """Where ``serkg build`` writes by default: ``dist/`` of the project (or of the cwd)."""
        return (self.root / OUT_FOLDER) if self.root is not None else Path(OUT_FOLDER)

    @property
    def store_dir(self) -> Path:
        return self.out_dir / "store"

    @property
    def shapes_files(self) -> tuple[Path, ...]:
        return (*self.packaged_shapes, *self.project_shapes)

    def query_file(self, name: str) -> Path | None:
        return dict(self.query_files).get(name)

    def project_query_files(self) -> list[Path]:
        """The named queries (and QC checks) the project itself brings: what validate checks."""
        if self.root is None:
            return []
        mine = self.root.resolve()
        return [
            p for _, p in (*self.query_files, *self.qc_files) if p.resolve().is_relative_to(mine)
        ]

    @classmethod
    def packaged(cls) -> Project:
        """serkg without a project: the packaged ontology, data, shapes and queries."""
        return cls(
            root=None,
            name="serkg",
            title="serkg",
            license=DEFAULT_LICENSE,
            base_iri=DEFAULT_BASE_IRI,
            datasets=DEFAULT_DATASETS,
            ontology_files=(resources.ontology_file(),),
            data_files=tuple(resources.data_files()),
            packaged_shapes=tuple(resources.shapes_files()),
            project_shapes=(),
            query_files=tuple((p.stem, p) for p in resources.named_query_files()),
            qc_files=_packaged_qc(),
        )


def _packaged_qc() -> tuple[tuple[str, Path], ...]:
    from_files = {p.name.removesuffix("-violation.rq"): p for p in resources.qc_query_files()}
    return tuple((name, from_files[name]) for name in resources.active_qc_checks())


# ------------------------------------------------------------------------------ serkg.toml
def _line_of(text: str, table: str | None, key: str) -> int:
    """The line of KEY in TABLE of a TOML text (1 when not found, for a missing key)."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header.group(1)
            if table is not None and key == "" and current == table:
                return number
            continue
        if current == table and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return 1


def _error(path: Path, text: str, table: str | None, key: str, message: str) -> ProjectError:
    where = f"{table}.{key}" if table and key else (table or key)
    return ProjectError(f"{path}:{_line_of(text, table, key)}: {where}: {message}")


def read_settings(path: Path) -> dict[str, Any]:
    """serkg.toml, checked: the ``[project]`` and ``[overrides]`` tables with known keys only."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: cannot be read: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ProjectError(
            f"{path}:{line.group(1) if line else 1}: not valid TOML: {exc}"
        ) from None
    for table in raw:
        if table not in ("project", "overrides"):
            raise _error(path, text, table, "", "unknown table (known: project, overrides)")
        if not isinstance(raw[table], dict):
            raise _error(path, text, None, table, "expected a table")
    project = raw.get("project")
    if project is None:
        raise ProjectError(f"{path}:1: project: the [project] table is missing")
    settings = _check_project_table(path, text, project)
    overrides = raw.get("overrides", {})
    for key, value in overrides.items():
        if key not in _OVERRIDE_KEYS:
            known = ", ".join(_OVERRIDE_KEYS)
            raise _error(path, text, "overrides", key, f"unknown key (known: {known})")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _error(path, text, "overrides", key, "expected a list of names (strings)")
    settings["overrides"] = {k: tuple(overrides.get(k, ())) for k in _OVERRIDE_KEYS}
    return settings


def _check_project_table(path: Path, text: str, table: dict[str, Any]) -> dict[str, Any]:
    for key, value in table.items():
        expected = _PROJECT_KEYS.get(key)
        if expected is None:
            known = ", ".join(_PROJECT_KEYS)
            raise _error(path, text, "project", key, f"unknown key (known: {known})")
        if not isinstance(value, expected):
            kind = "a list of dataset names" if expected is list else "a string"
            raise _error(path, text, "project", key, f"expected {kind}, got {value!r}")
    if "name" not in table:
        raise _error(path, text, "project", "", "the required key 'name' is missing")
    if not _NAME.match(table["name"]):
        raise _error(
            path, text, "project", "name", f"{table['name']!r} is not a lower-case-kebab name"
        )
    base = table.get("base_iri", DEFAULT_BASE_IRI)
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+[/#]$", base):
        raise _error(
            path, text, "project", "base_iri", f"{base!r} is not an http(s) IRI ending in / or #"
        )
    datasets = table.get("datasets", list(DEFAULT_DATASETS))
    for name in datasets:
        if not isinstance(name, str) or name not in PACKAGED_DATASETS:
            known = ", ".join(PACKAGED_DATASETS)
            raise _error(
                path, text, "project", "datasets", f"no packaged dataset {name!r} (known: {known})"
            )
    return {
        "name": table["name"],
        "title": table.get("title", table["name"]),
        "license": table.get("license", DEFAULT_LICENSE),
        "base_iri": base,
        "datasets": tuple(datasets),
    }


# ------------------------------------------------------------------------------- the project
def load_project(root: Path) -> Project:
    """The project in folder ROOT (which holds serkg.toml); raises :class:`ProjectError`."""
    root = Path(root)
    settings_file = root / PROJECT_FILE
    if not settings_file.is_file():
        raise ProjectError(f"{root}: no {PROJECT_FILE} here (create a project with `serkg init`)")
    settings = read_settings(settings_file)
    overrides: dict[str, tuple[str, ...]] = settings["overrides"]
    packaged = Project.packaged()
    data = list(packaged.data_files) if "l-serine" in settings["datasets"] else []
    data += sorted((root / "data").rglob("*.trig")) + sorted((root / "cards").glob("*.yaml"))
    queries = _merge(
        dict(packaged.query_files),
        {p.stem: p for p in sorted((root / "queries").glob("*.rq"))},
        overrides["queries"],
        settings_file,
        "queries",
    )
    qc_mine = {
        p.name.removesuffix("-violation.rq"): p
        for p in sorted((root / "queries" / "qc").glob("*-violation.rq"))
    }
    qc = _merge(dict(packaged.qc_files), qc_mine, overrides["qc"], settings_file, "qc")
    return Project(
        root=root,
        name=settings["name"],
        title=settings["title"],
        license=settings["license"],
        base_iri=settings["base_iri"],
        datasets=settings["datasets"],
        ontology_files=(
            *packaged.ontology_files,
            *sorted((root / "ontology").rglob("*.ttl")),
        ),
        data_files=tuple(data),
        packaged_shapes=packaged.packaged_shapes,
        project_shapes=tuple(sorted((root / "shapes").rglob("*.ttl"))),
        query_files=tuple(sorted(queries.items())),
        qc_files=tuple(qc.items()),
        overridden_shapes=overrides["shapes"],
    )


def _merge(
    packaged: dict[str, Path],
    mine: dict[str, Path],
    overridden: tuple[str, ...],
    settings_file: Path,
    kind: str,
) -> dict[str, Path]:
    """PACKAGED plus MINE; a name in both must be listed in ``[overrides] KIND``."""
    for name in overridden:
        problem = (
            f"{name!r} is not a packaged {kind} name"
            if name not in packaged
            else f"{name!r} is overridden but the project has no file for it"
            if name not in mine
            else None
        )
        if problem is not None:
            text = settings_file.read_text(encoding="utf-8")
            raise _error(settings_file, text, "overrides", kind, problem)
    clashes = sorted(set(packaged) & set(mine) - set(overridden))
    if clashes:
        name = clashes[0]
        raise ProjectError(
            f"{mine[name]}: {kind} {name!r} has the name of a packaged one; rename it, or add "
            f'it to [overrides] {kind} = ["{name}"] in {settings_file.name} to replace it'
        )
    return {**packaged, **mine}


def find_project(start: Path) -> Path | None:
    """The nearest folder from START upward that holds serkg.toml, or None."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def current_project(root: Path | None = None, cwd: Path | None = None) -> Project:
    """The project ROOT, else the one found from CWD (default: the current folder) upward, else
    the packaged dataset alone."""
    if root is not None:
        return load_project(root)
    found = find_project(cwd if cwd is not None else Path.cwd())
    return load_project(found) if found is not None else Project.packaged()


# ----------------------------------------------------------------------------------- init
README = """\
# {title}

A serkg project (docs/projects.md of serkg says more). Every serkg command run in this folder
(or below it) reads the packaged serkg files listed in `serkg.toml` plus these:

- `serkg.toml`: the project's name, title, license, the base IRI of its entities, the packaged
  datasets it includes, and the packaged queries, QC checks or shapes it overrides.
- `data/`: claim bundles in TriG (`*.trig`, any depth), one named graph per source section.
- `cards/`: curation cards (`*.yaml`), one per compound or per source about a compound.
- `queries/`: named SPARQL queries (`NAME.rq` with a `#+` header); `queries/qc/NAME-violation.rq`
  are QC checks that must return no rows.
- `shapes/`: SHACL shapes (`*.ttl`) run with serkg's own.
- `ontology/`: extension modules (`*.ttl`) loaded with serkg's ontology.

Then: `serkg validate`, `serkg build` (writes `dist/`), `serkg queries`,
`serkg query NAME --param KEY=VALUE`, `serkg serve`.
"""


def settings_text(name: str, *, empty: bool) -> str:
    """A new serkg.toml: every key written out, so that a user sees what can be set."""
    datasets = "[]" if empty else '["l-serine"]'
    return (
        "# serkg project settings (docs/projects.md)\n"
        "[project]\n"
        f'name = "{name}"\n'
        f'title = "{name}"\n'
        f'license = "{DEFAULT_LICENSE}"\n'
        "# the namespace of this project's entities (kg: names it in queries)\n"
        f'base_iri = "{DEFAULT_BASE_IRI}"\n'
        "# packaged datasets this project includes (known: " + ", ".join(PACKAGED_DATASETS) + ")\n"
        f"datasets = {datasets}\n"
        "\n"
        "# packaged names this project replaces with a file of its own\n"
        "[overrides]\n"
        "queries = []\n"
        "qc = []\n"
        "shapes = []\n"
    )


def init_project(root: Path, *, empty: bool = False) -> list[Path]:
    """Write a new project into ROOT (absent or an empty folder); returns what was written.

    Refuses a folder that holds anything (:class:`ProjectError`), so nothing is overwritten.
    """
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ProjectError(f"{root}: not an empty folder; `serkg init` writes only a new project")
    name = re.sub(r"[^a-z0-9-]+", "-", root.resolve().name.lower()).strip("-") or "catalogue"
    if not name[0].isalnum():
        name = "catalogue"
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in PROJECT_FOLDERS:
        (root / folder).mkdir()
        written.append(root / folder)
    (root / "queries" / "qc").mkdir()
    settings = root / PROJECT_FILE
    settings.write_text(settings_text(name, empty=empty), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(README.format(title=name), encoding="utf-8")
    (root / ".gitignore").write_text(f"/{OUT_FOLDER}/\n", encoding="utf-8")
    return [settings, readme, *written]
