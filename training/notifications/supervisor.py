"""Run the web server and the job worker side by side for ``make run``; Ctrl-C stops both.

Usage: ``python -m training.notifications.supervisor "<command>" "<command>" ...``. When any
command ends, or the supervisor gets SIGINT/SIGTERM, every other command is asked to stop
(SIGINT, then SIGTERM after a grace period) and the supervisor exits with the first status.
Production runs the web server and ``flask jobs worker`` as two services of its own supervisor
(systemd, a container platform) instead.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()


def main(commands: list[str]) -> int:
    if not commands:
        print(__doc__, file=sys.stderr)
        return 2
    # each command in its own process group: the terminal's Ctrl-C reaches only the supervisor,
    # which then stops the children in order instead of all of them racing
    processes = [subprocess.Popen(shlex.split(c), start_new_session=True) for c in commands]  # noqa: S603
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status = 0
    while not stopping:
        ended = [p for p in processes if p.poll() is not None]
        if ended:
            status = ended[0].returncode
            break
        time.sleep(0.2)
    stop_all(processes)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
