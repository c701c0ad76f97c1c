"""The ``serkg`` command line: a thin layer of verbs over typed library functions.

Exit codes: 0 ok; 1 the data or a check says no (violations, inconsistency); 2 usage or input
error (bad option, unreadable file, unknown query or parameter, no store). A user's mistake never
prints a Python traceback. Heavy modules are imported inside the commands that need them, so
that ``serkg query`` starts fast.

This module holds the group and its error handling; the commands live one family a module
(``projects``, ``graph``, ``queries``, ``serving``, ``views``, ``imports``, ``releases``) and share ``shared``.
"""

from __future__ import annotations

from typing import Any

import click

from serkg.cli import graph, imports, projects, queries, releases, serving, views
from serkg.cli.shared import fail


class SerkgGroup(click.Group):
    """Turns the library's user-facing errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        from serkg.loading import InputError
        from serkg.prefixes import CurieError
        from serkg.safe_write import OutputError
        from serkg.sparql_text import QuerySyntaxError
        from serkg.store import StoreError

        try:
            return super().invoke(ctx)
        except (
            InputError,
            CurieError,
            StoreError,
            QuerySyntaxError,
            OutputError,
            FileExistsError,
        ) as exc:
            fail(str(exc))
        except ValueError as exc:  # parameter and query-library errors are ValueErrors
            if type(exc).__module__.startswith("serkg"):
                fail(str(exc))
            raise
        except KeyboardInterrupt:
            fail("interrupted; artefacts from the previous build are untouched", 130)


@click.group(
    cls=SerkgGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="serkg", prog_name="serkg")
def app() -> None:
    """serkg: a knowledge graph of compound facts.

    \b
    Typical session (in a project made by `serkg init`, or with the packaged dataset):
      serkg build                      # validate, reason, export to dist/
      serkg queries                    # the named questions
      serkg query compound-profile --param compound=kg:l-serine
    """


for _command in (
    projects.init,
    graph.build,
    graph.validate,
    queries.queries,
    queries.query,
    graph.export_cmd,
    graph.stats,
    views.explain,
    serving.serve,
    serving.load,
    views.card,
    views.card_schema,
    views.diagram,
    views.docs,
    imports.imports,
    releases.diff,
    releases.release,
    releases.cite,
):
    app.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="serkg")
