"""Figures, targets and the printed table.

Every throughput is also given as a ratio to the yardstick measured in the same run, because
requests per second alone say more about the machine than about the code. A missed target is
printed, never raised: the suite informs, it does not fail builds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """Count and nearest-rank p50/p95/p99/max in milliseconds (no interpolation: every figure
    is a latency that really happened)."""
    ordered = sorted(seconds)
    n = len(ordered)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * n) - 1)] * 1000 if n else math.nan

    return {"n": n, "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] * 1000 if n else math.nan}


@dataclass
class Row:
    """One line of the table: a figure, its ratio to the yardstick and its target."""

    scenario: str
    figure: str
    value: float | None
    unit: str
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    #: server CPU milliseconds per request (or per attempt): steady even on a busy machine
    cpu_ms: float | None = None
    #: the scenario could not run: no figure at all
    failed: bool = False

    def cells(self) -> list[str]:
        """The row as table cells, in HEADERS order."""
        value = "n/a" if self.value is None or math.isnan(self.value) else _fmt(self.value)
        ratio = "" if self.ratio is None else f"{self.ratio:.3f}x" if self.ratio < 0.1 else f"{self.ratio:.2f}x"
        status = "FAILED" if self.failed else {True: "met", False: "MISSED", None: ""}[self.met]
        cpu = "" if self.cpu_ms is None or math.isnan(self.cpu_ms) else f"{self.cpu_ms:.2f} ms"
        return [self.scenario, self.figure, f"{value} {self.unit}".strip(), ratio, self.target, status, cpu,
                self.note]


def _fmt(value: float) -> str:
    """Three significant figures or so: more would only print noise."""
    if isinstance(value, int):
        return f"{value:,}"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def at_least(value: float | None, floor: float) -> bool | None:
    """Met / missed, or None (no verdict) when there is no figure."""
    return None if value is None or math.isnan(value) else value >= floor


def at_most(value: float | None, ceiling: float) -> bool | None:
    """Met / missed, or None (no verdict) when there is no figure."""
    return None if value is None or math.isnan(value) else value <= ceiling


HEADERS = ["scenario", "figure", "value", "vs yardstick", "target", "status", "server CPU/op", "note"]


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: readable in a terminal, pasteable into the README."""
    lines = [row.cells() for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in lines)) if lines else len(h) for i, h in enumerate(HEADERS)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(HEADERS), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(cells) for cells in lines]
    return "\n".join(out)


def summary(rows: Sequence[Row]) -> str:
    """One line: how many targets were met, and which were missed."""
    judged = [r for r in rows if r.met is not None and not r.failed]
    missed = [f"{r.scenario} {r.figure}" for r in judged if r.met is False]
    text = f"Targets met: {len(judged) - len(missed)} of {len(judged)}."
    if missed:
        text += " Missed: " + "; ".join(missed) + "."
    if failed := [r.scenario for r in rows if r.failed]:
        text += " Could not run: " + "; ".join(failed) + " (see the traceback above)."
    return text
