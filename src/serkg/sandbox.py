"""Cut a process off the network: a Linux network namespace of its own, with only a down loopback.

pyoxigraph runs ``SERVICE`` and ``LOAD`` with its own HTTP client (Rust), out of reach of any
Python-level socket blocking. A process in an empty network namespace cannot connect anywhere,
whichever library tries, so a gap in the parse-based guard (:mod:`serkg.sparql_guard`) cannot
become an outgoing request. Pipes to the parent process keep working.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def cut_network() -> str | None:
    """Move this process into a network namespace of its own; None when done, else why not.

    As root (or with CAP_SYS_ADMIN) ``unshare(CLONE_NEWNET)`` suffices; otherwise a user
    namespace of its own gives the capability, where the kernel allows unprivileged user
    namespaces. That second form needs a single-threaded process: call this before starting
    threads (before opening a store: RocksDB starts its own).
    """
    if not sys.platform.startswith("linux"):
        return f"network namespaces are a Linux feature; this is {sys.platform}"
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError as exc:
        return f"the C library could not be loaded: {exc}"
    if libc.unshare(CLONE_NEWNET) == 0:
        return None
    alone = ctypes.get_errno()
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        _map_own_ids(uid, gid)
        return None
    with_user = ctypes.get_errno()
    return (
        f"unshare(CLONE_NEWNET) failed ({os.strerror(alone)}), and with a user namespace of "
        f"its own too ({os.strerror(with_user)})"
    )


def _map_own_ids(uid: int, gid: int) -> None:
    """Map this process's user and group into its new user namespace as themselves.

    Unmapped, the process could still read, but the kernel refuses to create a file (EOVERFLOW)
    for an owner it cannot name in the namespace. A process may map its own ids once.
    """
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(f"/proc/self/{name}", "w", encoding="ascii") as handle:
                handle.write(text)
        except OSError:
            continue  # older kernels have no setgroups file
