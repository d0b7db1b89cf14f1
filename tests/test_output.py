"""Atomic writes: readers never see a partial file; a failed write keeps the old one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.errors import OutputError
from briefing.render.output import write_atomic


def test_writes_file_and_creates_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "folder" / "briefing.md"
    assert write_atomic(target, b"hello") == target
    assert target.read_bytes() == b"hello"
    assert [p.name for p in target.parent.iterdir()] == ["briefing.md"]  # no temp left


def test_replaces_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "b.md"
    target.write_bytes(b"old content that is longer")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"


def test_file_gets_normal_permissions(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "b.md", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "b.md"
    target.write_bytes(b"previous briefing")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, b"new briefing")
    assert target.read_bytes() == b"previous briefing"
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="-o DIR"):
        write_atomic(blocker / "b.md", b"x")
