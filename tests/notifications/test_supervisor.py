"""`make run`'s supervisor: Ctrl-C stops the web server and the worker together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_interrupt_stops_every_child(tmp_path):
    pids = tmp_path / "pids"
    child = f"{sys.executable} -c \"import os,time; open('{pids}','a').write(str(os.getpid())+'\\n'); time.sleep(60)\""
    supervisor = subprocess.Popen([sys.executable, "-m", "training.notifications.supervisor", child, child], cwd=ROOT)
    deadline = time.monotonic() + 10
    while (not pids.exists() or len(pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [int(p) for p in pids.read_text().split()]
    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(15) == 0
    assert not any(_alive(pid) for pid in children)


def test_one_child_ending_stops_the_other(tmp_path):
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "training.notifications.supervisor", f"{sys.executable} -c 'raise SystemExit(3)'",
         f"{sys.executable} -c 'import time; time.sleep(60)'"], cwd=ROOT)
    assert supervisor.wait(20) == 3
