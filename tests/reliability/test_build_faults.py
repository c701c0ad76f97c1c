"""A killed, interrupted, refused or starved `serkg build` leaves the previous build complete.

Every test stops a real `serkg build` process at a known stage with the SERKG_BUILD_PAUSE_AT
hook (tests/reliability/paused_build.py), so nothing depends on how busy the machine is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from serkg.build import ARTEFACTS, BuildFailed, build
from serkg.resources import data_files
from tests.conftest import services_required
from tests.reliability.paused_build import (
    BUILD_BOUND_SECONDS,
    PausedBuild,
    assert_complete_build,
    leftovers,
    published_files,
    serkg_build,
)

STAGES = ("load", "validate", "reason", "store", "qc", "export", "publish")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete build, copied by each test as the build a failing one must not harm."""
    out = tmp_path_factory.mktemp("previous") / "dist"
    build(out)
    assert_complete_build(out)
    return out


@pytest.fixture
def out(previous_build: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(previous_build, copy, symlinks=True)
    return copy


def run_serkg_build(out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        serkg_build(out, "--quiet", *options),
        capture_output=True,
        text=True,
        timeout=BUILD_BOUND_SECONDS,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_a_build_stopped_at_any_stage_leaves_the_previous_build_complete(
    out: Path, stage: str, how: str, kind: str
) -> None:
    """The second build of the same data is incremental (it starts from the published store);
    with --full it rebuilds everything: either way a stop leaves the published build whole."""
    before = published_files(out)
    current = os.readlink(out / "current")
    paused = PausedBuild(out, stage, *(["--full"] if kind == "full" else []))
    if how == "SIGINT":
        os.killpg(paused.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    else:
        os.kill(paused.pid, signal.SIGKILL)  # kill -9 of the build alone
    code, stderr = paused.finish()  # fails if a process the build forked outlives it

    assert "Traceback" not in stderr
    assert published_files(out) == before
    assert os.readlink(out / "current") == current
    assert_complete_build(out)
    if how == "SIGINT":
        assert code == 130
        assert stderr.endswith(
            "serkg: error: interrupted; artefacts from the previous build are untouched\n"
        )
        assert leftovers(out) == []
    else:
        assert code == -signal.SIGKILL
        # its own build folder, made before validating (the store is filled there meanwhile, or
        # the previous build's store is copied there)
        left = leftovers(out)
        assert len(left) == (0 if stage == "load" else 1), left
        assert all(name.startswith(".builds/") for name in left)
        # the next build cleans what the killed one left as soon as it holds the lock
        following = PausedBuild(out, "load")
        assert leftovers(out) == []
        os.kill(following.pid, signal.SIGINT)
        assert following.finish()[0] == 130
        assert_complete_build(out)


@pytest.mark.slow
def test_kill_9_at_publish_of_a_fresh_folder_publishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    paused = PausedBuild(out, "publish")
    os.kill(paused.pid, signal.SIGKILL)
    paused.finish()
    assert sorted(p.name for p in out.iterdir()) == [".builds", ".lock"]
    build(out)
    assert leftovers(out) == []
    assert_complete_build(out)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["load", "qc", "publish"])
def test_a_second_build_into_the_same_out_is_refused_while_the_first_runs(
    out: Path, stage: str
) -> None:
    previous = os.readlink(out / "current")
    first = PausedBuild(out, stage)
    second = run_serkg_build(out)
    assert second.returncode == 2
    assert second.stderr == (
        f"serkg: error: another serkg build (pid {first.pid}) is writing {out}; "
        "let it finish, or pass --wait to wait for it\n"
    )
    code, stderr = first.resume()
    assert (code, stderr) == (0, "")
    assert os.readlink(out / "current") != previous
    assert leftovers(out) == []
    assert_complete_build(out)


@pytest.mark.slow
def test_a_second_build_with_wait_publishes_after_the_first(out: Path) -> None:
    first = PausedBuild(out, "qc")
    second = subprocess.Popen(
        serkg_build(out, "--wait"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert second.stderr is not None
    assert second.stderr.readline() == (
        f"serkg: waiting for the serkg build (pid {first.pid}) that is writing {out}\n"
    )
    assert first.resume() == (0, "")
    first_build = os.readlink(out / "current")
    _, stderr = second.communicate(timeout=BUILD_BOUND_SECONDS)
    assert second.returncode == 0, stderr
    assert os.readlink(out / "current") != first_build
    assert leftovers(out) == []
    assert_complete_build(out)


def test_a_plain_store_folder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "store").mkdir(parents=True)
    (out / "serkg.ttl").write_text("# an artefact of an older build\n")
    result = run_serkg_build(out)
    assert result.returncode == 2
    assert result.stderr == (
        f"serkg: error: {out / 'store'} was not made by serkg build (a folder); "
        "move it away and rebuild\n"
    )
    assert (out / "serkg.ttl").read_text() == "# an artefact of an older build\n"
    assert sorted(p.name for p in out.iterdir()) == [".lock", "serkg.ttl", "store"]


def test_an_out_below_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder\n")
    result = run_serkg_build(tmp_path / "notes.txt" / "dist")
    assert result.returncode == 2
    assert result.stderr == (
        f"serkg: error: cannot create --out {tmp_path / 'notes.txt' / 'dist'}: "
        f"{tmp_path / 'notes.txt'} is a file, not a folder\n"
    )


@pytest.mark.slow
def test_a_build_of_data_that_fails_validation_shows_its_reports_in_failed(out: Path) -> None:
    before = published_files(out)
    current = os.readlink(out / "current")
    broken = out.parent / "broken.trig"
    broken.write_text(
        "@prefix kg: <https://w3id.org/serkg/id/> .\n"
        "@prefix sk: <https://w3id.org/serkg/vocab#> .\n"
        "kg:graph-broken { kg:broken-compound a sk:ChemicalCompound . }\n"
    )
    with pytest.raises(BuildFailed, match=r"see .*/failed/validation-report\.txt$"):
        build(out, data_files=[*data_files(), broken])
    assert published_files(out) == before
    assert os.readlink(out / "current") == current
    assert sorted(p.name for p in (out / "failed").iterdir()) == [
        "validation-report.ttl",
        "validation-report.txt",
    ]
    report = (out / "failed" / "validation-report.txt").read_text()
    assert report.splitlines()[0].endswith(": 1 violation(s)")
    assert "MinCountConstraintComponent in shp:ClaimShape/prov:wasDerivedFrom" in report
    build(out)  # a successful build drops the failed reports
    assert not os.path.lexists(out / "failed")
    assert leftovers(out) == []


@pytest.mark.slow
def test_a_folder_from_the_layout_before_builds_is_taken_over(
    previous_build: Path, tmp_path: Path
) -> None:
    """Plain artefacts, `store -> .stores/...` and a staging leftover, as older builds left them."""
    out = tmp_path / "dist"
    (out / ".stores").mkdir(parents=True)
    for name in ARTEFACTS:
        (out / name).write_bytes((previous_build / name).read_bytes())
    shutil.copytree(previous_build / "store", out / ".stores" / "store-old")
    (out / "store").symlink_to(".stores/store-old")
    (out / ".serkg-build-killed").mkdir()
    (out / ".serkg-build-killed" / "serkg.ttl").write_text("half\n")
    build(out)
    assert leftovers(out) == []
    assert_complete_build(out)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An empty tmpfs mounted for the test (CI runs as root; locally it may be refused)."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        message = f"cannot mount a tmpfs here: {mounted.stderr.strip()}"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def _resize(mount_point: Path, size_kib: int, *extra: str) -> None:
    options = ",".join(["remount", f"size={size_kib}k", *extra])
    subprocess.run(["mount", "-o", options, str(mount_point)], check=True)


def _used_kib(folder: Path) -> int:
    stat = os.statvfs(folder)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize // 1024


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_the_previous_build_stays(
    previous_build: Path, tmpfs: Path
) -> None:
    out = tmpfs / "dist"
    shutil.copytree(previous_build, out, symlinks=True)
    _resize(tmpfs, _used_kib(tmpfs) * 3 // 2)  # room for half a build more
    before = published_files(out)
    result = run_serkg_build(out)
    assert result.returncode == 2
    assert result.stderr == (
        f"serkg: error: no space left on device at {out}; the previous build there is untouched\n"
    )
    assert published_files(out) == before
    assert leftovers(out) == []
    assert_complete_build(out)


def test_a_read_only_out_is_a_clear_error(previous_build: Path, tmpfs: Path) -> None:
    out = tmpfs / "dist"
    shutil.copytree(previous_build, out, symlinks=True)
    (out / ".lock").unlink()  # as a copy made by someone who never built there
    _resize(tmpfs, 64 * 1024, "ro")
    result = run_serkg_build(out)
    assert result.returncode == 2
    assert result.stderr == f"serkg: error: cannot write to --out {out}: Read-only file system\n"
    assert_complete_build(out)
