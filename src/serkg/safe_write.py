"""Writing artefacts so that an interrupted build never leaves a truncated or half-updated file.

Files are written to a temporary name in the destination folder and renamed into place
(``os.replace`` is atomic on POSIX). A build's output folder (:class:`OutputFolder`) is owned
by one build at a time (an ``flock`` on ``OUT/.lock``); each build writes everything into its
own folder ``OUT/.builds/<id>/`` and is published by one atomic swap of the ``OUT/current``
symlink. The names users open (``OUT/serkg.ttl``, ``OUT/store``, ...) are fixed symlinks into
``current/``, so every artefact and the store change together. See docs/reliability.md.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"
BUILDS = ".builds"
CURRENT = "current"
#: the reports of the last build that the data refused (a symlink into .builds/)
FAILED = "failed"
#: leftovers of the layout before .builds/ (one rename per artefact, the store under .stores/)
OLD_STAGING_PREFIX = ".serkg-build-"
OLD_STORES = ".stores"


class OutputError(RuntimeError):
    """The output folder cannot be used or filled: it is not writable, another build owns it,
    it holds something serkg did not make, or the disk is full. Exit code 2."""


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


def write_output(target: Path, data: bytes) -> None:
    """Write a command's ``--out`` file: atomically for a regular file (a symlink is followed, so
    the link stays and its target is replaced), straight into anything else that exists
    (``/dev/stdout``, a FIFO, a device: renaming over it would delete it). Raises
    :class:`OutputError` naming TARGET when it cannot be written."""
    if str(target) in {"", "."} or target.is_dir():
        raise OutputError(
            f"cannot write {str(target) or '(an empty path)'}: it is a folder; give a file name"
        )
    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            with target.open("wb") as stream:  # through any symlink: /dev/stdout is one
                stream.write(data)
            return
        write_bytes(Path(os.path.realpath(target)) if target.is_symlink() else target, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason = f"no space left on the device of {target}"
        raise OutputError(f"cannot write {target}: {reason}") from None


def write_new_folder(out_dir: Path, files: Sequence[tuple[str, bytes]], what: str) -> list[Path]:
    """Write FILES (name, bytes) into the new folder OUT_DIR, all or nothing.

    The files are written into a hidden folder beside OUT_DIR, which is then renamed to OUT_DIR:
    a failure leaves no partial set. OUT_DIR must not exist, or be an empty folder; WHAT names
    the set in the message that refuses any other (``the nanopublications``).
    """
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise OutputError(
            f"{out_dir} exists and is not an empty folder; name a new folder for {what}"
        )
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write into {parent}: {exc.strerror}") from None
    try:
        for name, data in files:
            (staging / name).write_bytes(data)
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {out_dir}: {exc.strerror}") from None
    return sorted(out_dir / name for name, _ in files)


def swap_link(link: Path, target: str) -> None:
    """Point LINK at TARGET (a path relative to LINK's folder) in one atomic rename."""
    tmp = link.parent / f".{link.name}.{os.getpid()}.link"
    if os.path.lexists(tmp):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)


class OutputFolder:
    """A build's ``--out`` folder while the build owns it (see :meth:`claim`).

    NAMES are the entries users open (the artefacts and ``store``); each becomes a symlink
    ``NAME -> current/NAME``.
    """

    def __init__(self, path: Path, names: Sequence[str]) -> None:
        self.path = path
        self.names = tuple(names)

    @classmethod
    @contextmanager
    def claim(
        cls,
        path: Path,
        names: Sequence[str],
        *,
        on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[OutputFolder]:
        """Own PATH for the duration: create it, lock it, check it holds nothing foreign.

        Another build holding the lock is an :class:`OutputError` naming its pid, or, with
        ON_WAIT, ON_WAIT(message) is called and the lock waited for. Everything that can refuse
        is checked here, before the build does any work.
        """
        _create_folder(path)
        lock = _open_lock(path)
        try:
            _take_lock(lock, path, on_wait)
            folder = cls(path, names)
            folder._check_layout()
            folder.remove_leftovers(keep_failed=True)
            yield folder
        finally:
            os.close(lock)  # releases the flock

    def new_build(self) -> Path:
        """A fresh folder ``.builds/<time>-<random>/`` for this build's artefacts and store."""
        builds = self.path / BUILDS
        builds.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        folder = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=builds))
        os.chmod(folder, 0o755 & ~_umask())  # mkdtemp creates 0700; builds are meant to be shared
        return folder

    def current_build(self) -> Path | None:
        """The published build's folder (``current`` resolved), or None before the first one."""
        link = self.path / CURRENT
        if not link.is_symlink() or not os.readlink(link).startswith(f"{BUILDS}/"):
            return None
        target = link.resolve()
        return target if target.is_dir() else None

    def publish(self, build: Path) -> None:
        """Make BUILD the visible build in one rename, then delete every other build."""
        for name in self.names:  # fresh folder: links that resolve once `current` exists
            if not os.path.lexists(self.path / name):
                swap_link(self.path / name, f"{CURRENT}/{name}")
        swap_link(self.path / CURRENT, os.path.relpath(build, self.path))
        for name in self.names:  # a folder built before .builds/: plain files, store link
            if not _is_fixed_link(self.path / name):
                swap_link(self.path / name, f"{CURRENT}/{name}")
        if os.path.lexists(self.path / FAILED):
            (self.path / FAILED).unlink()
        self.remove_leftovers(keep_failed=False)

    def publish_failed(self, build: Path, reports: Sequence[str]) -> None:
        """Keep only REPORTS of BUILD and show them as ``failed/``; ``current`` is untouched."""
        for entry in build.iterdir():
            if entry.name not in reports:
                _remove(entry)
        swap_link(self.path / FAILED, os.path.relpath(build, self.path))
        self.remove_leftovers(keep_failed=True)

    def remove_leftovers(self, *, keep_failed: bool) -> None:
        """Delete builds nothing links to (killed or superseded ones) and old-layout leftovers.

        Only called with the lock held, so no other build is writing any of them.
        """
        links = [CURRENT, "store", *([FAILED] if keep_failed else [])]
        kept = [Path(os.path.realpath(self.path / name)) for name in links]
        for parent in (self.path / BUILDS, self.path / OLD_STORES):
            if not parent.is_dir():
                continue
            for entry in parent.iterdir():
                if not any(k == entry.resolve() or entry.resolve() in k.parents for k in kept):
                    _remove(entry)
        if (self.path / OLD_STORES).is_dir() and not any((self.path / OLD_STORES).iterdir()):
            (self.path / OLD_STORES).rmdir()
        for entry in self.path.iterdir():
            if entry.name.startswith(OLD_STAGING_PREFIX) or (
                entry.name.startswith(".") and entry.name.endswith(".link")
            ):
                _remove(entry)

    def _check_layout(self) -> None:
        for name in (*self.names, CURRENT, FAILED):
            entry = self.path / name
            if not os.path.lexists(entry) or _is_fixed_link(entry):
                continue
            if name in (CURRENT, FAILED):
                if entry.is_symlink() and os.readlink(entry).startswith(f"{BUILDS}/"):
                    continue
            elif name == "store":
                if entry.is_symlink():  # the store link of a build made before .builds/
                    continue
            elif entry.is_file() and not entry.is_symlink():  # an artefact of such a build
                continue
            raise OutputError(
                f"{entry} was not made by serkg build ({_kind(entry)}); move it away and rebuild"
            )
        builds = self.path / BUILDS
        if os.path.lexists(builds) and (builds.is_symlink() or not builds.is_dir()):
            raise OutputError(f"{builds} was not made by serkg build; move it away and rebuild")


def _is_fixed_link(entry: Path) -> bool:
    return entry.is_symlink() and os.readlink(entry) == f"{CURRENT}/{entry.name}"


def _kind(entry: Path) -> str:
    if entry.is_symlink():
        return f"a link to {os.readlink(entry)}"
    return "a folder" if entry.is_dir() else "a file"


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def _create_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot use --out {path}: it is a file, not a folder") from None
    except NotADirectoryError:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path)
        raise OutputError(
            f"cannot create --out {path}: {blocker} is a file, not a folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot create --out {path}: {exc.strerror}") from None


def _open_lock(path: Path) -> int:
    try:
        return os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to --out {path}: {exc.strerror}") from None


def _take_lock(lock: int, path: Path, on_wait: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(lock, 32, 0).decode("ascii", "replace").strip() or "unknown"
        if on_wait is None:
            raise OutputError(
                f"another serkg build (pid {holder}) is writing {path}; "
                "let it finish, or pass --wait to wait for it"
            ) from None
        on_wait(f"waiting for the serkg build (pid {holder}) that is writing {path}")
        fcntl.flock(lock, fcntl.LOCK_EX)
    os.ftruncate(lock, 0)
    os.pwrite(lock, f"{os.getpid()}\n".encode("ascii"), 0)
