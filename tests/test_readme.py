"""The README stays true: its counts match a fresh build, its commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from serkg.querylib import query_names
from serkg.stats import markdown_summary, store_statistics
from serkg.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_stats_block_matches_the_build(built_store: EmbeddedStore) -> None:
    block = README.split("<!-- STATS:START -->\n", 1)[1].split("<!-- STATS:END -->", 1)[0]
    expected = markdown_summary(store_statistics(built_store.oxigraph))
    assert block == expected, (
        "README counts are stale: run `serkg build` then replace the block between the STATS "
        "markers with the output of `serkg stats --format markdown`"
    )


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    assert "\nmake test\n" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_query_named_in_the_readme_and_makefile_exists() -> None:
    text = README + (REPO / "Makefile").read_text(encoding="utf-8")
    named = set(re.findall(r"serkg query ([a-z0-9-]+)", text)) | set(
        re.findall(r'run_query(?:_df)?\("([a-z0-9-]+)"', text)
    )
    assert named and named <= set(query_names()), sorted(named - set(query_names()))
