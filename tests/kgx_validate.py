"""Run `kgx validate` offline on KGX files; run by the Python of .venv-kgx (scripts/install-kgx.sh).

    .venv-kgx/bin/python tests/kgx_validate.py --format tsv [--prefix kg=IRI] FILE...

kgx and bmt fetch the Biolink Model and its JSON-LD context from GitHub when they load. Here both
come from the biolink-model package instead (the model's YAML and its prefix map), set before kgx
is imported, and any network connection fails loudly rather than fetching a different model.
``--prefix`` adds a prefix to the model's map (our own ``kg:`` namespace, for the entities that have
no standard identifier). Prints kgx's report, then one JSON line: the Biolink Model version
validated against and the errors (kgx's ``get_errors()``), and exits 0.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path
from typing import Any


def _no_network(*args: Any, **kwargs: Any) -> None:
    raise OSError("kgx_validate: the Biolink Model must come from the local biolink-model package")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", required=True)
    parser.add_argument("--prefix", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    socket.socket.connect = _no_network  # type: ignore[assignment,method-assign]

    import biolink_model
    import bmt

    root = Path(next(iter(biolink_model.__path__)))
    schema = str(root / "schema" / "biolink_model.yaml")
    bmt.Toolkit.__init__.__defaults__ = (schema, {"predicate mappings": []})
    prefixes = json.loads((root / "prefixmaps" / "biolink-model-prefix-map.json").read_text())
    for pair in args.prefix:
        name, _, iri = pair.partition("=")
        prefixes[name] = iri

    import kgx.config
    from kgx.cli.cli_utils import validate

    kgx.config.jsonld_context_map["biolink"] = prefixes
    errors = validate(
        inputs=args.files, input_format=args.format, input_compression=None, output=None
    )
    version = bmt.Toolkit().get_model_version()
    sys.stdout.write("\n" + json.dumps({"biolink_model_version": version, "errors": errors}) + "\n")


if __name__ == "__main__":
    main()
