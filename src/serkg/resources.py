"""Where the packaged knowledge files live: the only module that builds paths to them.

In a wheel the ontology, data, shapes and queries sit in ``serkg/_assets``; in a source checkout
(editable install, tests) they sit at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

ASSET_FOLDERS = ("ontology", "data", "shapes", "queries")


@cache
def asset_root() -> Path:
    """The folder that holds ``ontology/``, ``data/``, ``shapes/`` and ``queries/``."""
    packaged = Path(str(resources.files("serkg"))) / "_assets"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "serkg's knowledge files (ontology/, data/, shapes/, queries/) were not found "
        f"in {packaged} nor in {checkout}; reinstall the package"
    )


def ontology_file() -> Path:
    return asset_root() / "ontology" / "serkg.ttl"


def data_files() -> list[Path]:
    """Every data file (TriG claim bundles and curation cards, ``data/cards/*.yaml``), sorted so
    that builds are deterministic."""
    data = asset_root() / "data"
    return sorted([*data.rglob("*.trig"), *(data / "cards").glob("*.yaml")])


def shapes_core_file() -> Path:
    return asset_root() / "shapes" / "core.ttl"


def shapes_sparql_file() -> Path:
    return asset_root() / "shapes" / "sparql.ttl"


def shapes_files() -> list[Path]:
    return [p for p in (shapes_core_file(), shapes_sparql_file()) if p.exists()]


def queries_dir() -> Path:
    return asset_root() / "queries"


def named_query_files() -> list[Path]:
    return sorted(queries_dir().glob("*.rq"), key=lambda path: path.stem)  # by name


#: The active QC checks, in the order they run. A ``queries/qc`` file not listed here is inactive.
ACTIVE_QC_CHECKS: tuple[str, ...] = (
    "literal-subject",
    "sameas-self-link",
    "external-sameas",
    "entity-without-provenance",
    "untyped-entity",
    "orphan-node",
    "duplicate-label",
    "unverified-identifier",
    "obsolete-identifier",
    "ill-typed-literal",
)


def active_qc_checks() -> tuple[str, ...]:
    return ACTIVE_QC_CHECKS


def qc_query_files() -> list[Path]:
    return sorted((queries_dir() / "qc").glob("*-violation.rq"))


def jsonld_context_file() -> Path:
    return asset_root() / "ontology" / "context.jsonld"


def dataset_metadata_file() -> Path:
    """Hand-written dataset metadata (title, description, license, source) for ``void.ttl``."""
    return asset_root() / "data" / "dataset.ttl"


def mapping_set_metadata_file() -> Path:
    """The SSSOM mapping set's metadata (id, title, license, creator, confidences)."""
    return asset_root() / "data" / "mappings" / "mapping-set.json"


def vocabulary_mapping_set_metadata_file() -> Path:
    """The metadata of the second SSSOM set: our ontology's terms -> the standard terms."""
    return asset_root() / "data" / "mappings" / "vocabulary-mapping-set.json"


def biolink_mapping_file() -> Path:
    """Our classes, properties, phases and statuses in Biolink terms, for the KGX export."""
    return asset_root() / "data" / "mappings" / "biolink.json"


def kgx_query(name: str) -> str:
    """The text of ``queries/kgx/NAME.rq``: what the KGX export reads from the store."""
    path = queries_dir() / "kgx" / f"{name}.rq"
    if not path.exists():
        raise FileNotFoundError(f"KGX export query {path} is missing; reinstall serkg")
    return path.read_text(encoding="utf-8")


def negative_mappings_file() -> Path:
    """The curated negative mappings (SSSOM ``predicate_modifier: Not``): known identifier traps."""
    return asset_root() / "data" / "mappings" / "negative-mappings.tsv"


def view_query(name: str) -> str:
    """The text of ``queries/views/NAME.rq``: SPARQL the card, diagram, stats and linked-data
    pages run (documented like named queries, but not offered by ``serkg queries``)."""
    path = queries_dir() / "views" / f"{name}.rq"
    if not path.exists():
        raise FileNotFoundError(f"view query {path} is missing; reinstall serkg")
    return path.read_text(encoding="utf-8")


def check_query(name: str) -> str:
    """The text of ``queries/checks/NAME.rq``: what validation after a change asks the store
    (which focus nodes a change can affect, and whether they are focus nodes)."""
    path = queries_dir() / "checks" / f"{name}.rq"
    if not path.exists():
        raise FileNotFoundError(f"check query {path} is missing; reinstall serkg")
    return path.read_text(encoding="utf-8")


def import_module_files() -> list[Path]:
    """The shipped import modules, ``ontology/imports/<ontology>_import.ttl``, sorted."""
    return sorted((asset_root() / "ontology" / "imports").glob("*_import.ttl"))
