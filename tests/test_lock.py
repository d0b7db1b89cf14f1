"""The folder lock: one run at a time, a dead run's lock taken over with a note."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time

import pytest

from briefing.daily.lock import LOCK_NAME, hold
from briefing.errors import LockedError

pytest.importorskip("fcntl")

HOLD_FOREVER = """
import sys, time
from pathlib import Path
from briefing.daily.lock import hold
with hold(Path(sys.argv[1]), "brief make test"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_run_is_refused_naming_the_holder(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOREVER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(LockedError) as caught:
            with hold(tmp_path):
                pass
        message = str(caught.value)
        assert f"pid {child.pid}" in message and "brief make test" in message
        assert str(tmp_path) in message
    finally:
        child.kill()
        child.wait()


def test_a_dead_runs_lock_is_taken_over_with_a_note(tmp_path, caplog):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOREVER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "held"
    child.kill()  # dies holding it: the kernel releases the flock, the file stays filled
    child.wait()
    with caplog.at_level(logging.WARNING), hold(tmp_path) as taken:
        assert taken.took_over is not None and taken.took_over.pid == child.pid
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] != child.pid
    assert f"pid {child.pid}" in caplog.text


def test_a_clean_exit_leaves_the_lock_free_and_unremarked(tmp_path):
    with hold(tmp_path) as first:
        assert first.took_over is None
    assert (tmp_path / LOCK_NAME).read_text() == ""
    started = time.monotonic()
    with hold(tmp_path) as second:
        assert second.took_over is None
    assert time.monotonic() - started < 1


def test_the_same_process_cannot_take_it_twice(tmp_path):
    with hold(tmp_path), pytest.raises(LockedError):
        with hold(tmp_path):
            pass
