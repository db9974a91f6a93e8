"""The Python load generator for page scenarios, used when wrk is not installed.

``python -m bench.loadgen plan.json`` keeps ``clients`` keep-alive connections busy (threads
spread over processes, so one GIL does not cap the rate) and prints the same JSON line as
bench/wrk_sessions.lua. It costs far more CPU per request than wrk, and on a small machine
that CPU is taken from the server: its figures are lower bounds, and the report says so.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from bench.client import Connection, CookieJar
from bench.report import percentiles


def _client(plan: dict, cookies: list[str], out: dict) -> None:
    """GET the page back to back, one trainee after the other, until the window closes."""
    conn = Connection(plan["base_url"])
    jars = [CookieJar(dict(p.split("=", 1) for p in c.split("; ") if "=" in p)) for c in cookies] or [CookieJar()]
    turn = 0
    while (now := time.monotonic()) < plan["window_end"]:
        jar = CookieJar(dict(jars[turn % len(jars)].cookies))  # replies must not change the shared jar
        turn += 1
        try:
            reply = conn.request(jar, "GET", plan["path"])
        except OSError:
            conn.close()
            if now >= plan["warm_end"]:
                out["socket_errors"] += 1
            continue
        if now >= plan["warm_end"]:
            out["latencies"].append(reply.seconds)
            out["bad_status"] += reply.status != 200
    conn.close()


def _process(plan: dict, cookie_sets: list[list[str]]) -> dict:
    """One generator process: a thread per client, results merged for the parent."""
    outs = [{"latencies": [], "bad_status": 0, "socket_errors": 0} for _ in cookie_sets]
    threads = [
        threading.Thread(target=_client, args=(plan, cookies, out), daemon=True)
        for cookies, out in zip(cookie_sets, outs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": [s for o in outs for s in o["latencies"]],
        "bad_status": sum(o["bad_status"] for o in outs),
        "socket_errors": sum(o["socket_errors"] for o in outs),
    }


def run(plan: dict) -> dict:
    """Warm up, measure the window, return wrk-shaped figures."""
    clients, procs = plan["clients"], max(1, min(plan["procs"], plan["clients"]))
    cookies = plan["cookies"]
    per_client = [cookies[i::clients] for i in range(clients)]
    start = time.monotonic() + 0.3
    plan = {**plan, "warm_end": start + plan["warmup"], "window_end": start + plan["warmup"] + plan["duration"]}
    latencies: list[float] = []
    bad = errors = 0
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
        for result in pool.map(_process, [plan] * procs, [per_client[p::procs] for p in range(procs)]):
            latencies += result["latencies"]
            bad += result["bad_status"]
            errors += result["socket_errors"]
    figures = percentiles(latencies)
    return {"requests": figures["n"], "seconds": plan["duration"], "bad_status": bad, "socket_errors": errors,
            "p50": figures["p50"], "p95": figures["p95"], "p99": figures["p99"], "max": figures["max"]}


def main() -> None:
    """Print the figures as the ``BENCH_JSON`` line bench/pages.py reads."""
    with open(sys.argv[1]) as plan_file:
        print("BENCH_JSON " + json.dumps(run(json.load(plan_file))))


if __name__ == "__main__":
    main()
