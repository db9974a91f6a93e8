"""CE records export benchmark: rows per second and the server's peak memory.

Builds a throw-away SQLite database with the real migrations, bulk-inserts certificates,
serves the real app with gunicorn as ``make run`` does (3 workers x 2 threads), logs in as an
auditor through the login form (CSRF token and all) and downloads the CSV export, reading
it as a stream. Memory is each worker's VmHWM (peak resident set) from /proc, so a streaming
regression that buffers the file shows up as a peak that grows with the row count.

Run: ``.venv/bin/python -m bench.export_bench [--rows N]``. Targets are printed, never
enforced: a slow machine must not fail a build.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
TARGET_ROWS_PER_SECOND = 50_000
TARGET_PEAK_MB = 150
TRAINEES = 1000
AUDITOR_EMAIL = "bench-auditor@example.org"
AUDITOR_PASSWORD = "bench-Harbor-Lantern-Quartz-47"
_CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def build_database(url: str, rows: int) -> None:
    """Migrate a fresh database and insert ``rows`` certificates in large batches."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from config import TestingConfig
    from training import create_app
    from training.extensions import db

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            _insert_people_and_courses(conn, insert, rows)
            _insert_certificates(conn, insert, rows)
        db.engine.dispose()


def _insert_people_and_courses(conn, insert, rows: int) -> None:
    from modules.models import Course
    from training.auth.models import User, UserRole
    from training.auth.passwords import hash_password

    conn.execute(insert(User.__table__), [
        {"id": i, "email": f"trainee{i}@example.org", "name": f"Zoë Trainee-{i}",
         "password_hash": "!", "profession": "physical_therapist", "license_number": f"PT-{i:06d}",
         "license_state": "TX", "active": True, "session_version": 1, "created_at": datetime(2026, 1, 1)}
        for i in range(1, TRAINEES + 1)
    ])
    auditor_id = TRAINEES + 1
    conn.execute(insert(User.__table__), [{
        "id": auditor_id, "email": AUDITOR_EMAIL, "name": "Bench Auditor",
        "password_hash": hash_password(AUDITOR_PASSWORD), "active": True, "session_version": 1,
        "created_at": datetime(2026, 1, 1),
    }])
    conn.execute(insert(UserRole.__table__), [
        *({"user_id": i, "role": "trainee"} for i in range(1, TRAINEES + 1)),
        {"user_id": auditor_id, "role": "auditor"},
    ])
    courses = -(-rows // TRAINEES)  # one certificate per trainee and course
    conn.execute(insert(Course.__table__), [
        {"id": c, "code": f"DN-{c:03d}", "slug": f"dn-{c}", "title": f'Dry Needling, "Level {c}"',
         "summary": "", "provider": "Northfield Institute", "approval_number": f"TPTA-{c:04d}",
         "contact_hours": 9.5, "practical_hours": 18, "requires_signoff": True,
         "signoff_checklist": [], "published": True, "created_at": datetime(2026, 1, 1),
         "updated_at": datetime(2026, 1, 1)}
        for c in range(1, courses + 1)
    ])


def _insert_certificates(conn, insert, rows: int, batch: int = 5000) -> None:
    from training.certificates.models import Certificate
    from training.certificates.snapshot import new_serial, new_verification_code

    start = datetime(2026, 1, 1)
    table = Certificate.__table__
    for first in range(0, rows, batch):
        values = []
        for n in range(first, min(first + batch, rows)):
            user_id, course_id = n % TRAINEES + 1, n // TRAINEES + 1
            issued = start + timedelta(seconds=97 * n)
            serial, code = new_serial(issued.year, n + 1), new_verification_code()
            revoked = n % 50 == 0
            values.append({
                "serial": serial, "verification_code": code, "user_id": user_id,
                "course_id": course_id, "signature": "bench", "key_fingerprint": "bench",
                "snapshot": {
                    "serial": serial, "verification_code": code,
                    "trainee_name": f"Zoë Trainee-{user_id}", "trainee_first_name": "Zoë",
                    "trainee_last_name": f"Trainee-{user_id}", "profession": "Physical therapist",
                    "license_number": f"PT-{user_id:06d}", "license_state": "TX",
                    "course_code": f"DN-{course_id:03d}",
                    "course_title": f'Dry Needling, "Level {course_id}"',
                    "provider": "Northfield Institute", "approval_number": f"TPTA-{course_id:04d}",
                    "online_hours": "9.5", "practical_hours": "18", "total_hours": "27.5",
                    "ceus": "2.7", "completion_date": issued.date().isoformat(),
                    "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ"), "supersedes": "",
                },
                "completion_date": issued.date(), "issued_at": issued, "is_current": True,
                "revoked_at": issued + timedelta(days=3) if revoked else None,
                "revocation_reason": "Hours entered twice,\nsee memo" if revoked else None,
                "profession": "Physical therapist", "license_state": "TX",
            })
        conn.execute(insert(table), values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: one cookie jar (the session cookie) over http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return conn, response

    def page(self, path: str) -> str:
        conn, response = self.request("GET", path)
        text = response.read().decode()
        conn.close()
        return text

    def csrf(self, path: str) -> str:
        match = _CSRF_RE.search(self.page(path))
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Restart ``pid``'s VmHWM at its current RSS (Linux >= 4.0), so the peak read afterwards
    belongs to the export rather than to start-up or the argon2 hash checked at login."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def download_export(browser: Browser) -> tuple[int, int, float]:
    """(rows by CRLF count, bytes, seconds) for the full CSV export, read in 64 KiB pieces."""
    token = browser.csrf("/records/certificates")
    began = time.perf_counter()
    conn, response = browser.request("POST", "/records/certificates/export",
                                     {"csrf_token": token, "format": "csv"})
    if response.status != 200:
        raise RuntimeError(f"export answered {response.status}")
    size = lines = 0
    tail = b""
    while piece := response.read(65536):
        size += len(piece)
        lines += (tail + piece).count(b"\r\n")
        tail = piece[-1:]
    elapsed = time.perf_counter() - began
    conn.close()
    return lines - 1, size, elapsed


def run(rows: int = 100_000) -> dict:
    """Build, serve, export once; return the figures (see ``report``)."""
    with tempfile.TemporaryDirectory(prefix="dn-export-bench-") as tmp:
        # the orchestrator passes a fresh PostgreSQL database for its PostgreSQL run
        url = os.environ.get("BENCH_EXPORT_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        began = time.perf_counter()
        build_database(url, rows)
        build_seconds = time.perf_counter() - began
        port = free_port()
        env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": url, "INSTANCE_PATH": tmp,
               "SECRET_KEY": secrets.token_hex(32), "PYTHONDONTWRITEBYTECODE": "1"}
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(Path(tmp) / "gunicorn.log", "wb") as log:
            server = subprocess.Popen(
                [gunicorn, "--workers", "3", "--threads", "2", "--bind", f"127.0.0.1:{port}",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            try:
                wait_until_up(port, server)
                browser = Browser(port)
                token = browser.csrf("/login")
                browser.request("POST", "/login", {"csrf_token": token, "email": AUDITOR_EMAIL,
                                                   "password": AUDITOR_PASSWORD})[0].close()
                browser.page("/records/certificates")  # warm both the page and the worker
                workers = worker_pids(server.pid)
                lifetime = {pid: _status_kb(pid, "VmHWM") for pid in workers}
                reset = all([reset_peak(pid) for pid in workers])
                before = {pid: _status_kb(pid, "VmRSS") for pid in workers}
                exported, size, seconds = download_export(browser)
                peaks = {pid: _status_kb(pid, "VmHWM") for pid in workers}
            finally:
                server.terminate()
                server.wait(timeout=30)
    busiest = max(peaks, key=lambda pid: peaks[pid] - before[pid])
    return {
        "rows": rows,
        "exported_rows": exported,
        "bytes": size,
        "seconds": seconds,
        "rows_per_second": exported / seconds if seconds else 0.0,
        "peak_worker_mb": max(peaks.values()) / 1024,
        "peak_is_export_only": reset,
        "worker_growth_mb": (peaks[busiest] - before[busiest]) / 1024,
        "lifetime_peak_worker_mb": max(max(peaks.values()), max(lifetime.values())) / 1024,
        "build_seconds": build_seconds,
        "database": url.split(":", 1)[0].split("+", 1)[0],
        "targets": {"rows_per_second": TARGET_ROWS_PER_SECOND, "peak_worker_mb": TARGET_PEAK_MB},
    }


def report(figures: dict) -> str:
    """A small table of figures against targets."""
    rps, peak = figures["rows_per_second"], figures["peak_worker_mb"]
    verdict = {True: "ok", False: "MISSED"}
    lines = [
        f"CSV export of {figures['rows']:,} certificates (gunicorn 3 workers x 2 threads, {figures['database']})",
        f"{'metric':<30}{'measured':>14}{'target':>14}",
        f"{'rows per second':<30}{rps:>14,.0f}{'>= ' + format(TARGET_ROWS_PER_SECOND, ','):>14}"
        f"  {verdict[rps >= TARGET_ROWS_PER_SECOND]}",
        f"{'peak worker memory (MB)':<30}{peak:>14.1f}{'<= ' + str(TARGET_PEAK_MB):>14}"
        f"  {verdict[peak <= TARGET_PEAK_MB]}",
        f"{'worker growth in export (MB)':<30}{figures['worker_growth_mb']:>14.1f}",
        f"{'lifetime peak incl. login (MB)':<30}{figures['lifetime_peak_worker_mb']:>14.1f}",
        f"{'rows in file':<30}{figures['exported_rows']:>14,}",
        f"{'file size (MB)':<30}{figures['bytes'] / 1e6:>14.1f}",
        f"{'download seconds':<30}{figures['seconds']:>14.2f}",
        f"{'database build seconds':<30}{figures['build_seconds']:>14.1f}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    print(report(run(parser.parse_args().rows)))


if __name__ == "__main__":
    main()
