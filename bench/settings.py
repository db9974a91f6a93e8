"""Every knob of the suite, read once from the environment.

Defaults keep ``make bench`` to a few minutes on a 2-core machine; raise the durations for
steadier figures (the README lists each variable).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE_SLUG = "dry-needling-level-1"
#: the password of every simulated trainee (hashed once, like tests/conftest.py does)
TRAINEE_PASSWORD = "bench-Lantern-Quartz-58"


def _number(name: str, default: float) -> float:
    """A positive number from the environment; a typo must stop the run, not skew it."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """What one run measures and for how long."""

    clients: int = 16
    trainees: int = 64
    warmup: float = 3.0
    duration: float = 10.0
    flow_warmup: float = 5.0
    flow_duration: float = 20.0
    flow_procs: int = 2
    workers: int = 3  # as `make run`
    threads: int = 2  # as `make run`
    export_rows: int = 100_000
    pdf_renders: int = 200
    pdf_warmup: int = 20
    load_tool: str = "auto"  # auto | wrk | python
    keep_dir: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        """Build from BENCH_* variables (see bench/README.md)."""
        tool = os.environ.get("BENCH_LOAD_TOOL", "auto").strip().lower() or "auto"
        if tool not in {"auto", "wrk", "python"}:
            raise ValueError(f"BENCH_LOAD_TOOL must be auto, wrk or python, not {tool!r}")
        return cls(
            clients=int(_number("BENCH_CLIENTS", cls.clients)),
            trainees=int(_number("BENCH_TRAINEES", cls.trainees)),
            warmup=_number("BENCH_WARMUP", cls.warmup),
            duration=_number("BENCH_DURATION", cls.duration),
            flow_warmup=_number("BENCH_FLOW_WARMUP", cls.flow_warmup),
            flow_duration=_number("BENCH_FLOW_DURATION", cls.flow_duration),
            flow_procs=int(_number("BENCH_FLOW_PROCS", cls.flow_procs)),
            workers=int(_number("BENCH_WORKERS", cls.workers)),
            threads=int(_number("BENCH_THREADS", cls.threads)),
            export_rows=int(_number("BENCH_EXPORT_ROWS", cls.export_rows)),
            pdf_renders=int(_number("BENCH_PDF_RENDERS", cls.pdf_renders)),
            pdf_warmup=int(_number("BENCH_PDF_WARMUP", cls.pdf_warmup)),
            load_tool=tool,
            keep_dir=os.environ.get("BENCH_KEEP_DIR", "") not in {"", "0", "false", "no"},
        )

    def describe(self) -> str:
        """The knobs of this run, as the environment variables that reproduce it."""
        return (f"BENCH_CLIENTS={self.clients} BENCH_TRAINEES={self.trainees} BENCH_WARMUP={self.warmup:g} "
                f"BENCH_DURATION={self.duration:g} BENCH_FLOW_WARMUP={self.flow_warmup:g} "
                f"BENCH_FLOW_DURATION={self.flow_duration:g} BENCH_FLOW_PROCS={self.flow_procs} "
                f"BENCH_WORKERS={self.workers} BENCH_THREADS={self.threads} BENCH_EXPORT_ROWS={self.export_rows} "
                f"BENCH_PDF_RENDERS={self.pdf_renders} BENCH_LOAD_TOOL={self.load_tool}")

    def __post_init__(self) -> None:
        """Refuse settings that would make the flow itself fail."""
        if self.trainees < self.clients:
            raise ValueError("BENCH_TRAINEES must be at least BENCH_CLIENTS: one open attempt per trainee")
