"""Child processes that always end: each runs in its own process group, killed as a whole.

The quiz driver forks workers and the export scenario starts its own gunicorn; a plain
``subprocess.run`` timeout or Ctrl-C would kill only the direct child and leave those behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from contextlib import suppress

from bench.settings import ROOT


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group and reap the child."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created: this child and its descendants
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def run(command: list[str], *, timeout: float, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` from the repository root; whatever happens, its whole group ends with it."""
    proc = subprocess.Popen(
        command, cwd=ROOT, env=None if env is None else dict(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise RuntimeError(f"{' '.join(command[:4])} ... did not finish within {timeout:.0f} s") from None
    except BaseException:
        _kill_group(proc)
        raise
    _kill_group(proc)  # stray descendants, if any; the child itself has already exited
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def python_json(module: str, args: list[str], *, timeout: float, env: Mapping[str, str] | None = None) -> dict:
    """``python -m module args``: the JSON object it prints on its last line of output."""
    done = run([sys.executable, "-m", module, *args], timeout=timeout, env=env)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("BENCH_JSON "))
