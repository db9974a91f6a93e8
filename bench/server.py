"""Start and stop a gunicorn server the way ``make run`` does, on a free localhost port.

Each server runs in its own process group so that a failed run can still end the master and
every worker it forked, and never anything else.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench.settings import ROOT

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """The server did not come up; the message carries the end of its log."""


def free_port() -> int:
    """A port the kernel just handed out, so two runs on one machine don't collide."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _status_kb(pid: int, field: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of /proc/<pid>/status in kB (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (0 once it is gone), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (the gunicorn workers), from /proc."""
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            pids += [int(p) for p in (task / "children").read_text().split()]
    return pids


@dataclass
class Server:
    """A running gunicorn master; ``base_url`` is where to send requests."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU the master and its workers have used: divided by the requests served in a window,
        it gives a cost per request that other load on the machine barely disturbs."""
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *self.worker_pids()])

    def peak_worker_rss_mb(self) -> float:
        """Largest peak RSS (VmHWM) among the workers: what one serving process needed."""
        peaks = [_status_kb(pid, "VmHWM") for pid in self.worker_pids()]
        return max(peaks, default=0) / 1024

    def check_alive(self, during: str) -> None:
        """Raise (with the end of gunicorn's log) if the master has exited: figures taken
        against a dead server would only count connection errors."""
        if self.process.poll() is not None:
            raise ServerError(f"gunicorn exited with {self.process.returncode} during {during}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        with suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def gunicorn_command(app_spec: str, port: int, workers: int, threads: int, workdir: Path, name: str) -> list[str]:
    """The ``make run`` command line (workers, threads, access log), bound to ``port``.

    The control socket goes to the work dir: by default every gunicorn of the user shares
    ``~/.gunicorn/gunicorn.ctl``, each new master taking it over, so a ``gunicornc`` command
    meant for another server (a developer's ``make run``, a test) could reach this one.
    """
    return [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
        "--bind", f"{HOST}:{port}", "--access-logfile", str(workdir / f"{name}-access.log"),
        "--control-socket", str(workdir / f"{name}.ctl"), app_spec,
    ]


def wait_healthy(server: Server, path: str, timeout: float = 60.0) -> None:
    """Poll ``path`` until it answers 200: gunicorn accepts connections before the app is built."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"server exited with {server.process.returncode}:\n{server.log_tail()}")
        with suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
            try:
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            finally:
                conn.close()
        time.sleep(0.2)
    raise ServerError(f"{path} did not answer 200 within {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM the master (graceful), then SIGKILL its process group if it lingers."""
    proc = server.process
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # our own group: master and leftover workers only
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


@contextmanager
def serve(
    app_spec: str, env: Mapping[str, str], workdir: Path, *, name: str, workers: int, threads: int,
    health_path: str = "/healthz",
) -> Iterator[Server]:
    """Run ``app_spec`` under gunicorn until the block ends, whatever happens inside it."""
    port = free_port()
    log_path = workdir / f"{name}-gunicorn.log"
    command = gunicorn_command(app_spec, port, workers, threads, workdir, name)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    server = Server(process=process, port=port, log_path=log_path)
    try:
        wait_healthy(server, health_path)
        yield server
    finally:
        stop(server)
