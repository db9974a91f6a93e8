"""The quiz flow open loop: attempts arrive at a fixed rate, whether or not the server keeps up.

``python -m bench.open_loop plan.json``. A closed loop of 16 clients slows its own arrivals when
the server slows (each client waits for its answer), which hides queueing; here each process
starts an attempt every ``procs / rate`` seconds on a free trainee (processes interleaved), on a
pool of threads. The ``start`` step's latency counts from the scheduled arrival, so time spent
waiting for a free driver thread is counted too (no coordinated omission). An arrival that finds
no free trainee (every one of them has an attempt in flight) is dropped and counted as an error:
the server was too slow for that rate.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import random
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from bench.client import Connection, CookieJar, FlowError
from bench.quiz_flow import Tally, Trainee, one_attempt
from bench.report import percentiles

THREADS_PER_PROCESS = 32


def run_process(plan: dict, accounts: list[dict], index: int) -> dict:
    """One driver process: ``plan['rate'] / procs`` arrivals per second on its own trainees."""
    free: queue.SimpleQueue[Trainee] = queue.SimpleQueue()
    for a in accounts:
        free.put(Trainee(a["email"], CookieJar(dict(a["cookies"])), a["csrf"]))
    tally, lock, local = Tally(), threading.Lock(), threading.local()
    dropped = 0
    interval = plan["procs"] / plan["rate"]
    first = plan["start"] + index * interval / plan["procs"]
    warm_end, window_end = plan["warm_end"], plan["window_end"]

    def attempt(trainee: Trainee, scheduled: float, seed: int) -> None:
        """One arrival: the four steps, then the trainee is free again."""
        waited = time.monotonic() - scheduled
        if not hasattr(local, "conn"):
            local.conn = Connection(plan["base_url"])
        timed: list[tuple[str, float, float]] = []
        try:
            attempt_id = one_attempt(local.conn, trainee, plan["quiz_id"], plan["answer_key"],
                                     random.Random(seed), timed)
        except (FlowError, OSError, ValueError) as err:
            local.conn.close()
            with lock:
                tally.errors.append(f"{trainee.email}: {type(err).__name__}: {err}")
            free.put(trainee)
            return
        with lock:
            tally.completed.append(attempt_id)
            if warm_end <= scheduled <= window_end:
                tally.in_window += 1
                for n, (name, seconds, _ended) in enumerate(timed):
                    tally.latencies[name].append(seconds + (waited if n == 0 else 0.0))
        free.put(trainee)

    with ThreadPoolExecutor(THREADS_PER_PROCESS) as pool:
        k = 0
        while (scheduled := first + k * interval) < window_end:
            time.sleep(max(0.0, scheduled - time.monotonic()))
            try:
                trainee = free.get_nowait()
            except queue.Empty:
                dropped += 1
            else:
                pool.submit(attempt, trainee, scheduled, 7919 * index + k)
            k += 1
    for slot in range(dropped):
        tally.errors.append(f"arrival dropped: no free trainee ({slot + 1})")
    return {"tally": tally, "arrivals": k, "dropped": dropped}


def drive(plan: dict) -> dict:
    """Split trainees over processes; return the merged figures at the plan's rate."""
    procs = max(1, plan["procs"])
    start = time.monotonic() + 0.5
    plan = {**plan, "procs": procs, "start": start, "warm_end": start + plan["warmup"],
            "window_end": start + plan["warmup"] + plan["duration"]}
    total, arrivals, dropped = Tally(), 0, 0
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(run_process, plan, plan["accounts"][p::procs], p) for p in range(procs)]
        for future in futures:
            result = future.result()
            total.merge(result["tally"])
            arrivals += result["arrivals"]
            dropped += result["dropped"]
    return {
        "rate": plan["rate"],
        "attempts_per_s": total.in_window / plan["duration"],
        "attempts_in_window": total.in_window,
        "arrivals": arrivals,
        "dropped": dropped,
        "completed_ids": sorted(total.completed),
        "steps": {step: percentiles(values) for step, values in total.latencies.items()},
        "errors": len(total.errors),
        "error_samples": total.errors[:5],
    }


def main() -> None:
    """``python -m bench.open_loop plan.json``: the merged figures as one JSON line."""
    with open(sys.argv[1]) as plan_file:
        plan = json.load(plan_file)
    print(json.dumps(drive(plan)))


if __name__ == "__main__":
    main()
