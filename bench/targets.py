"""The platform's performance targets, and the table rows that judge each figure against them.

Throughput targets are ratios to the yardstick (a minimal page on the same stack, measured in
the same run), so they hold on any machine; latency, memory and rate targets are absolute
because they are what a trainee or an auditor actually waits for or what a server must hold.
"""

from __future__ import annotations

import math

from bench.report import Row, at_least, at_most

QUIZ_RATIO = 0.16  # full attempts/s >= 0.16 x yardstick requests/s
LESSON_RATIO = 0.60  # lesson pages/s >= 0.6 x yardstick requests/s
STEP_P99_MS = 50.0
EXPORT_ROWS_PER_S = 50_000.0
EXPORT_PEAK_MB = 150.0
PDF_MEDIAN_MS = 25.0


DRIFT_WARNING = 0.15  # spread of the yardstick runs beyond which something else loaded the machine


def _latency_note(figures: dict) -> str:
    return f"p50 {figures['p50']:.1f} / p95 {figures['p95']:.1f} / p99 {figures['p99']:.1f} ms"


def _cpu_note(cpu_ms: float, yard: dict, per_second: float) -> str:
    """How many yardstick requests one operation costs in server CPU, and how many CPUs the
    server got (well under the machine's count: the load generator or a neighbour took the rest)."""
    if not yard.get("cpu_ms") or math.isnan(cpu_ms):
        return ""
    return f"{cpu_ms / yard['cpu_ms']:.1f}x the yardstick's CPU; server used {cpu_ms * per_second / 1000:.1f} CPUs"


def mean_yard(runs: list[dict]) -> dict:
    """The reference for one scenario: the yardstick runs just before and just after it."""
    return {"rps": sum(r["rps"] for r in runs) / len(runs), "cpu_ms": sum(r["cpu_ms"] for r in runs) / len(runs)}


def yardstick_rows(runs: list[dict], tool_note: str) -> list[Row]:
    """The yardstick over the whole run; the spread of its runs says how much the machine's other
    load moved (each scenario's ratio uses only the runs next to it)."""
    overall = mean_yard(runs)
    low, high = min(r["rps"] for r in runs), max(r["rps"] for r in runs)
    spread = (high - low) / high if high else 0.0
    note = f"{len(runs)} runs, {low:.0f} to {high:.0f} req/s (spread {spread:.0%}"
    note += ": the machine was busy, ratios are approximate)" if spread > DRIFT_WARNING else ")"
    note += f"; p50 {runs[-1]['p50']:.1f} / p99 {runs[-1]['p99']:.1f} ms; {sum(r['errors'] for r in runs)} errors"
    return [Row("yardstick", "throughput", overall["rps"], "req/s", 1.0, "", None,
                "; ".join(n for n in (note, tool_note) if n), cpu_ms=overall["cpu_ms"])]


def page_rows(name: str, figures: dict, yard: dict, ratio_target: float | None) -> list[Row]:
    """Throughput (with its ratio) and errors of one page scenario."""
    ratio = figures["rps"] / yard["rps"] if yard["rps"] else None
    notes = (_latency_note(figures), _cpu_note(figures["cpu_ms"], yard, figures["rps"]))
    rows = [Row(name, "throughput", figures["rps"], "req/s", ratio,
                f">= {ratio_target:.2f}x yardstick" if ratio_target else "",
                None if ratio_target is None else at_least(ratio, ratio_target),
                "; ".join(n for n in notes if n), cpu_ms=figures["cpu_ms"])]
    rows.append(Row(name, "errors", figures["errors"], "", None, "0", figures["errors"] == 0,
                    f"of {figures['requests']} requests (non-200 or socket errors)"))
    return rows


def quiz_rows(flow: dict, check: dict, yard: dict) -> list[Row]:
    """Attempts/s, the p99 of each step, errors and the database check."""
    ratio = flow["attempts_per_s"] / yard["rps"] if yard["rps"] else None
    notes = (f"{flow['attempts_in_window']} attempts in the window, 4 requests each",
             _cpu_note(flow["cpu_ms"], yard, flow["attempts_per_s"]))
    rows = [Row("quiz attempt", "full attempts", flow["attempts_per_s"], "attempts/s", ratio,
                f">= {QUIZ_RATIO:.2f}x yardstick", at_least(ratio, QUIZ_RATIO), "; ".join(n for n in notes if n),
                cpu_ms=flow["cpu_ms"])]
    for step, figures in flow["steps"].items():
        rows.append(Row("quiz attempt", f"{step} p99", figures["p99"], "ms", None, f"<= {STEP_P99_MS:.0f} ms",
                        at_most(figures["p99"], STEP_P99_MS),
                        f"p50 {figures['p50']:.1f} / p95 {figures['p95']:.1f} ms, n={figures['n']}"))
    samples = "; ".join(flow["error_samples"][:2])
    rows.append(Row("quiz attempt", "errors", flow["errors"], "", None, "0", flow["errors"] == 0, samples[:160]))
    rows.append(Row("quiz attempt", "lost attempts", check["lost"], "", None, "0", check["lost"] == 0,
                    f"{check['graded']} of {check['counted']} counted attempts graded in the DB; "
                    f"{check['passed']} passed; {check['left_open']} left open"))
    return rows


def export_rows(stage: dict) -> list[Row]:
    """The CE export, or why there is no figure for it."""
    if stage.get("status") != "ok":
        why = {"missing": "bench/export_bench.py is not there yet"}.get(stage.get("status", ""), "")
        why = why or f"export_bench failed: {stage.get('error', 'no output')}"[:160]
        return [Row("CE export", "rows/s", None, "", None, f">= {EXPORT_ROWS_PER_S:,.0f}", None, why),
                Row("CE export", "peak memory", None, "", None, f"<= {EXPORT_PEAK_MB:.0f} MB", None, why)]
    rate, peak = stage["rows_per_s"], stage["peak_mb"]
    memory_note = f"from export_bench key {stage['memory_key']!r}" if stage["memory_key"] else (
        "export_bench reports no peak memory: peak RSS of the process that ran it")
    if peak is None:
        peak = stage["child_peak_mb"]
    return [
        Row("CE export", "rows/s", rate, "rows/s", None, f">= {EXPORT_ROWS_PER_S:,.0f}",
            at_least(rate, EXPORT_ROWS_PER_S), f"key {stage['rate_key']!r}" if stage["rate_key"] else "no rate key"),
        Row("CE export", "peak memory", peak, "MB", None, f"<= {EXPORT_PEAK_MB:.0f} MB",
            at_most(peak, EXPORT_PEAK_MB), memory_note),
    ]


def pdf_rows(pdf: dict) -> list[Row]:
    """The median the target applies to, and two informational variants."""
    plain = pdf["plain"]
    return [
        Row("certificate PDF", "median", plain["median_ms"], "ms", None, f"<= {PDF_MEDIAN_MS:.0f} ms",
            at_most(plain["median_ms"], PDF_MEDIAN_MS), f"p95 {plain['p95_ms']:.1f} ms, n={plain['n']}, in-process"),
        Row("certificate PDF", "median, record embedded", pdf["with_record"]["median_ms"], "ms", None, "", None,
            "as served by the download route (info)"),
        Row("certificate PDF", "median, non-Latin name", pdf["non_latin"]["median_ms"], "ms", None, "", None,
            "TrueType fonts embedded (info)"),
    ]
