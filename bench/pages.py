"""Page scenarios: many logged-in trainees reading the same page, measured with wrk.

wrk is a separate, very cheap process (C, epoll), so on a 2-core machine it leaves almost all
the CPU to the server. When it is missing, the suite installs it (Debian, as root), and failing
that falls back to bench/loadgen.py and says so next to the figures.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import proc
from bench.client import Connection, CookieJar, FlowError, expect
from bench.settings import Settings

LUA = Path(__file__).resolve().parent / "wrk_sessions.lua"
WRK_THREADS = 2


@dataclass(frozen=True)
class LoadTool:
    """Which generator runs the page scenarios, and why (printed with the figures)."""

    name: str  # "wrk" or "python"
    note: str = ""


def ensure_wrk() -> str:
    """wrk's path; installs the Debian package when running as root and it is missing.

    Only the bench needs wrk, so it is installed here rather than by .ci/system-deps, which
    ``make test`` also runs.
    """
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found or ""
    print("wrk is missing: installing it with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
    done = subprocess.run(install, env=env, capture_output=True, check=False)
    if done.returncode != 0:  # the package lists may be missing on a fresh container
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        subprocess.run(install, env=env, capture_output=True, check=False)
    return shutil.which("wrk") or ""


def choose_tool(settings: Settings) -> LoadTool:
    """wrk when available (or installable), else the Python generator, unless told otherwise."""
    if settings.load_tool == "python":
        return LoadTool("python", "Python load generator (BENCH_LOAD_TOOL=python)")
    if ensure_wrk():
        return LoadTool("wrk")
    if settings.load_tool == "wrk":
        raise RuntimeError("BENCH_LOAD_TOOL=wrk but wrk is not installed and could not be installed")
    return LoadTool("python", "wrk unavailable: Python load generator, figures are lower bounds")


def check_page(base_url: str, path: str, cookie: str, marker: str) -> None:
    """One request before loading: the page must be a 200 showing ``marker`` for a trainee."""
    jar = CookieJar(dict(p.split("=", 1) for p in cookie.split("; ") if "=" in p))
    conn = Connection(base_url)
    try:
        reply = expect(conn.request(jar, "GET", path), 200, path)
    finally:
        conn.close()
    if marker not in reply.body:
        raise FlowError(f"{path}: the page does not show {marker!r}")


def _wrk(url: str, seconds: float, clients: int, cookie_file: Path) -> dict:
    """One wrk run; the Lua script prints the figures as a JSON line."""
    command = [
        shutil.which("wrk") or "wrk", f"-t{min(WRK_THREADS, clients)}", f"-c{clients}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(LUA), url, "--", str(cookie_file),
    ]
    done = proc.run(command, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


def _python(url_base: str, path: str, cookies: list[str], settings: Settings, workdir: Path) -> dict:
    """The fallback generator, warm-up and window in one child process."""
    plan = {"base_url": url_base, "path": path, "cookies": cookies, "clients": settings.clients,
            "procs": settings.flow_procs, "warmup": settings.warmup, "duration": settings.duration}
    plan_file = workdir / "loadgen-plan.json"
    plan_file.write_text(json.dumps(plan))
    return proc.python_json("bench.loadgen", [str(plan_file)], timeout=settings.warmup + settings.duration + 120)


def measure(base_url: str, path: str, cookies: list[str], settings: Settings, tool: LoadTool, workdir: Path,
            cpu: Callable[[], float]) -> dict:
    """Warm up, then measure ``path`` for the window: rps, latency percentiles (ms), errors, and
    the server's CPU milliseconds per request (``cpu`` reads the server's CPU seconds)."""
    if tool.name == "wrk":
        cookie_file = workdir / "cookies.txt"
        cookie_file.write_text("\n".join(cookies) + "\n")
        _wrk(base_url + path, settings.warmup, settings.clients, cookie_file)  # warm-up, discarded
        cpu_before = cpu()
        figures = _wrk(base_url + path, settings.duration, settings.clients, cookie_file)
    else:
        cpu_before = cpu()
        figures = _python(base_url, path, cookies, settings, workdir)
    used, served = cpu() - cpu_before, float(figures["requests"])
    if tool.name == "python":  # its warm-up runs inside the same call: assume the same rate
        served *= 1 + settings.warmup / settings.duration
    figures["cpu_ms"] = 1000 * used / served if served else math.nan
    figures["rps"] = figures["requests"] / figures["seconds"] if figures["seconds"] else 0.0
    figures["errors"] = figures["bad_status"] + figures["socket_errors"]
    return figures
