"""The platform's performance targets, and the table rows that judge each figure against them.

Throughput targets are ratios to the yardstick (a minimal page on the same stack, measured in
the same run), so they hold on any machine; latency, memory and rate targets are absolute
because they are what a trainee or an auditor actually waits for or what a server must hold.
"""

from __future__ import annotations

import math

from bench.report import Row, at_least, at_most

QUIZ_RATIO = 0.09  # full attempts/s >= 0.09 x yardstick requests/s (20x Moodle), 16 clients, closed loop
ATTEMPT_CPU_YARDS = 10.0  # server CPU per full attempt <= 10 yardstick requests' CPU
STEP_P99_MS = 50.0  # p99 of every quiz step, closed loop and open loop
OPEN_LOOP_RATIO = 0.035  # open-loop arrival rate: 0.035 x yardstick requests/s attempts per second
LESSON_RATIO = 0.60  # lesson pages/s >= 0.6 x yardstick requests/s
COURSE_RATIO = 0.50  # course pages/s >= 0.5 x yardstick requests/s
EXPORT_ROWS_PER_YARD = 35.0  # CE export rows/s >= 35 x yardstick requests/s
EXPORT_PEAK_MB = 150.0
PDF_MEDIAN_YARDS = 20.0  # certificate PDF median <= 20 x the yardstick's server CPU per request


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


def _step_rows(scenario: str, steps: dict, what: str) -> list[Row]:
    return [Row(scenario, f"{step} p99", figures["p99"], "ms", None, f"<= {STEP_P99_MS:.0f} ms",
                at_most(figures["p99"], STEP_P99_MS),
                f"{what}; p50 {figures['p50']:.1f} / p95 {figures['p95']:.1f} ms, n={figures['n']}")
            for step, figures in steps.items()]


def quiz_rows(flow: dict, check: dict, yard: dict, scenario: str = "quiz attempt") -> list[Row]:
    """Attempts/s, server CPU per attempt, the p99 of each step, errors and the database check."""
    ratio = flow["attempts_per_s"] / yard["rps"] if yard["rps"] else None
    notes = (f"{flow['attempts_in_window']} attempts in the window, 4 requests each",
             _cpu_note(flow["cpu_ms"], yard, flow["attempts_per_s"]))
    rows = [Row(scenario, "full attempts, 16 clients", flow["attempts_per_s"], "attempts/s", ratio,
                f">= {QUIZ_RATIO:.2f}x yardstick", at_least(ratio, QUIZ_RATIO), "; ".join(n for n in notes if n),
                cpu_ms=flow["cpu_ms"])]
    cpu_yards = flow["cpu_ms"] / yard["cpu_ms"] if yard.get("cpu_ms") else None
    rows.append(Row(scenario, "server CPU per attempt", cpu_yards, "yardstick requests", None,
                    f"<= {ATTEMPT_CPU_YARDS:.0f} yardstick requests", at_most(cpu_yards, ATTEMPT_CPU_YARDS),
                    f"{flow['cpu_ms']:.1f} ms per attempt, yardstick {yard.get('cpu_ms', math.nan):.2f} ms"))
    rows += _step_rows(scenario, flow["steps"], "closed loop, 16 clients")
    samples = "; ".join(flow["error_samples"][:2])
    rows.append(Row(scenario, "errors", flow["errors"], "", None, "0", flow["errors"] == 0, samples[:160]))
    rows.append(Row(scenario, "lost attempts", check["lost"], "", None, "0", check["lost"] == 0,
                    f"{check['graded']} of {check['counted']} counted attempts graded in the DB; "
                    f"{check['passed']} passed; {check['left_open']} left open"))
    return rows


def open_loop_rows(flow: dict, scenario: str) -> list[Row]:
    """The p99 of each step at a fixed arrival rate, and what did not get through."""
    rows = [Row(scenario, "open loop, achieved", flow["attempts_per_s"], "attempts/s", None, "", None,
                f"scheduled {flow['rate']:.1f}/s ({OPEN_LOOP_RATIO}x yardstick); {flow['arrivals']} arrivals, "
                f"{flow['dropped']} dropped (no free trainee)")]
    rows += [Row(r.scenario, "open loop " + r.figure, r.value, r.unit, r.ratio, r.target, r.met, r.note)
             for r in _step_rows(scenario, flow["steps"], f"open loop at {flow['rate']:.1f} attempts/s")]
    samples = "; ".join(flow["error_samples"][:2])
    rows.append(Row(scenario, "open loop errors", flow["errors"], "", None, "0", flow["errors"] == 0,
                    samples[:160]))
    return rows


def app_rows(app: dict) -> list[Row]:
    """Every figure of one database's app run, each scenario labelled with the database."""
    yards, label = app["yards"], app["database"]
    rows = page_rows(f"lesson page [{label}]", app["lesson"], mean_yard(yards[0:2]), LESSON_RATIO)
    rows += page_rows(f"course page [{label}]", app["course"], mean_yard(yards[1:3]), COURSE_RATIO)
    rows += quiz_rows(app["flow"], app["check"], mean_yard(yards[2:4]), f"quiz attempt [{label}]")
    rows += open_loop_rows(app["open"], f"quiz attempt [{label}]")
    rows.append(Row(f"app server [{label}]", "worker peak RSS", app["worker_peak"], "MB",
                    note="largest gunicorn worker, logins included (info)"))
    return rows


def export_rows(stage: dict, yard: dict, label: str) -> list[Row]:
    """The CE export, or why there is no figure for it."""
    scenario = f"CE export [{label}]"
    floor = EXPORT_ROWS_PER_YARD * yard["rps"]
    if stage.get("status") != "ok":
        why = {"missing": "bench/export_bench.py is not there yet"}.get(stage.get("status", ""), "")
        why = why or f"export_bench failed: {stage.get('error', 'no output')}"[:160]
        return [Row(scenario, "rows/s", None, "", None, f">= {EXPORT_ROWS_PER_YARD:.0f}x yardstick", None, why),
                Row(scenario, "peak memory", None, "", None, f"<= {EXPORT_PEAK_MB:.0f} MB", None, why)]
    rate, peak = stage["rows_per_s"], stage["peak_mb"]
    memory_note = f"from export_bench key {stage['memory_key']!r}" if stage["memory_key"] else (
        "export_bench reports no peak memory: peak RSS of the process that ran it")
    if peak is None:
        peak = stage["child_peak_mb"]
    ratio = rate / yard["rps"] if rate is not None and yard["rps"] else None
    return [
        Row(scenario, "rows/s", rate, "rows/s", ratio, f">= {EXPORT_ROWS_PER_YARD:.0f}x yardstick",
            at_least(rate, floor), f"{floor:,.0f} rows/s needed; key {stage['rate_key']!r}"),
        Row(scenario, "peak memory", peak, "MB", None, f"<= {EXPORT_PEAK_MB:.0f} MB",
            at_most(peak, EXPORT_PEAK_MB), memory_note),
    ]


def pdf_rows(pdf: dict, yard: dict) -> list[Row]:
    """The median the target applies to (in yardstick requests' CPU), and two informational variants."""
    plain = pdf["plain"]
    ceiling = PDF_MEDIAN_YARDS * yard["cpu_ms"]
    ratio = plain["median_ms"] / yard["cpu_ms"] if yard.get("cpu_ms") else None
    return [
        Row("certificate PDF", "median", plain["median_ms"], "ms", ratio,
            f"<= {PDF_MEDIAN_YARDS:.0f}x yardstick request", at_most(plain["median_ms"], ceiling),
            f"{ceiling:.1f} ms allowed; p95 {plain['p95_ms']:.1f} ms, n={plain['n']}, in-process"),
        Row("certificate PDF", "median, record embedded", pdf["with_record"]["median_ms"], "ms", None, "", None,
            "as served by the download route (info)"),
        Row("certificate PDF", "median, non-Latin name", pdf["non_latin"]["median_ms"], "ms", None, "", None,
            "TrueType fonts embedded (info)"),
    ]
