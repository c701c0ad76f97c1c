"""Writing artefacts so that an interrupted build never leaves a truncated or half-updated file.

Files are written to a temporary name in the destination folder and renamed into place
(``os.replace`` is atomic on POSIX). The query store is a folder: it is written under a fresh
name and published by atomically swapping a symlink.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside TARGET; on success it replaces TARGET, on error it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o644 & ~_umask())  # mkstemp creates 0600; artefacts are meant to be shared
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def new_store_folder(out_dir: Path) -> Path:
    """A fresh folder under ``out_dir/.stores`` for a store about to be built."""
    stores = out_dir / ".stores"
    stores.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="store-", dir=stores))


def publish_store(out_dir: Path, folder: Path, link_name: str = "store") -> Path:
    """Point ``out_dir/store`` at FOLDER atomically, then delete stores no longer linked."""
    link = out_dir / link_name
    if link.exists() and not link.is_symlink():
        raise FileExistsError(
            f"{link} exists and is not a serkg store link; move it away and rebuild"
        )
    tmp_link = out_dir / f".{link_name}.{os.getpid()}.link"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(folder.relative_to(out_dir), target_is_directory=True)
    os.replace(tmp_link, link)
    for old in (out_dir / ".stores").iterdir():
        if old.resolve() != folder.resolve():
            shutil.rmtree(old, ignore_errors=True)
    return link
