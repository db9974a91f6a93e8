"""Runs the CE export scenario of bench/export_bench.py (another engineer's module) in a child.

``python -m bench.export_stage ROWS`` imports ``bench.export_bench``, calls ``run(rows=ROWS)``
and prints one JSON line: the module's own dict, plus the child's peak RSS as a fallback
memory figure. A child process keeps the export's memory and imports out of the orchestrator,
and lets a crash or an API change be reported instead of ending the run. ``normalize`` maps the
dict onto the two figures the targets need, whatever the key names turn out to be.
"""

from __future__ import annotations

import inspect
import json
import resource
import sys
import time
import traceback
from types import ModuleType


def _number(result: dict, *needles: str) -> tuple[str, float] | None:
    """The first numeric entry whose key contains every needle, as (key, value)."""
    for key, value in result.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and all(n in key.lower() for n in needles):
            return key, float(value)
    return None


#: the keys bench/export_bench.py returns today; if they are renamed, similar names are used
RATE_KEY, MEMORY_KEY = "rows_per_second", "peak_worker_mb"


def normalize(result: dict) -> dict:
    """rows/s and peak MB from the export module's dict; the keys used are reported."""
    rate = _number(result, RATE_KEY) or _number(result, "rows_per") or _number(result, "rows", "/s")
    memory = _number(result, MEMORY_KEY) or _number(result, "peak", "mb") or _number(result, "peak", "mib")
    return {
        "rows_per_s": rate[1] if rate else None,
        "rate_key": rate[0] if rate else None,
        "peak_mb": memory[1] if memory else None,
        "memory_key": memory[0] if memory else None,
    }


def call_run(module: ModuleType, rows: int) -> dict:
    """``run(rows=...)`` as agreed; a positional call if the parameter got another name."""
    run = getattr(module, "run", None)
    if run is None:
        raise TypeError("bench.export_bench has no run() function")
    parameters = inspect.signature(run).parameters
    result = run(rows=rows) if "rows" in parameters else run(rows)
    if not isinstance(result, dict):
        raise TypeError(f"bench.export_bench.run() returned {type(result).__name__}, expected dict")
    return result


def main() -> None:
    """Print one JSON line: status ok/missing/error, the module's dict and the two figures."""
    rows = int(sys.argv[1])
    started = time.perf_counter()
    try:
        import bench.export_bench as module
    except ModuleNotFoundError as err:
        if err.name != "bench.export_bench":
            raise
        print(json.dumps({"status": "missing"}))
        return
    try:
        result = call_run(module, rows)
    except Exception as err:  # someone else's module: report it, keep the run going
        print(json.dumps({"status": "error", "error": f"{type(err).__name__}: {err}",
                          "trace": traceback.format_exc()[-3000:]}))
        return
    child_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": "ok", "result": result, **normalize(result),
                      "child_peak_mb": child_peak, "wall_s": time.perf_counter() - started}, default=str))


if __name__ == "__main__":
    main()
