"""Running Apache Jena (Debian's libapache-jena-java) as an independent second opinion.

As packaged, Jena 4.5 fails at start-up because the Xerces message bundles it relocates are
missing; copying the ``.properties`` files from ``org/apache/jena/ext/xerces/`` in jena-core.jar
into ``xerces/`` of a small extra jar on the classpath fixes it.
"""

from __future__ import annotations

import subprocess
import zipfile
from functools import cache
from pathlib import Path

from tests.conftest import require_tool

JAVA_DIR = Path("/usr/share/java")


@cache
def classpath(work_dir: Path) -> str:
    """The Jena classpath plus the extra jar of Xerces message bundles (built once per dir)."""
    require_tool("java", "Jena runs on Java")
    core = JAVA_DIR / "jena-core.jar"
    if not core.exists():
        require_tool("riot-jena-missing", "Debian package libapache-jena-java")
    extra = work_dir / "jena-xerces-messages.jar"
    if not extra.exists():
        work_dir.mkdir(parents=True, exist_ok=True)
        prefix = "org/apache/jena/ext/xerces/"
        with zipfile.ZipFile(core) as source, zipfile.ZipFile(extra, "w") as target:
            for name in source.namelist():
                if name.startswith(prefix) and name.endswith(".properties"):
                    target.writestr("xerces/" + name[len(prefix) :], source.read(name))
    # Debian ships each jar twice (versioned and not); take the unversioned names
    jars = sorted(str(p) for p in JAVA_DIR.glob("*.jar") if not p.stem[-1].isdigit())
    return ":".join([*jars, str(extra)])


def run(
    main_class: str, *args: str, work_dir: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a Jena command class (``riotcmd.riot``, ``arq.rsparql``, ``shacl.shacl`` ...)."""
    return subprocess.run(
        ["java", "-cp", classpath(work_dir), main_class, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
