"""Certificate PDF rendering, in-process: milliseconds per certificate.

Run as ``python -m bench.pdf_bench RENDERS WARMUP`` (the orchestrator starts it as a child
with the bench's throw-away INSTANCE_PATH, since importing the app package reads config.py).
Every render gets its own serial, code and name: the QR code is cached per verification URL,
and a benchmark that renders one snapshot over and over would only measure that cache.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

NAMES = ("Jane O'Brien", "Marcus Delgado", "Priya Raman", "Thomas Whitaker", "Ana Lucía Pérez",
         "Kwame Mensah", "Rebecca Goldstein", "José Martínez")
NON_LATIN_NAMES = ("Nguyễn Thị Minh Khai", "Łukasz Wójcik", "Ōtani Shōhei", "Zoë Dvořák")


def snapshots(count: int, names: tuple[str, ...], start: int) -> list:
    """``count`` distinct, valid snapshots (what certificates of one course look like)."""
    from training.certificates.snapshot import CertificateSnapshot, new_serial, new_verification_code

    items = []
    for n in range(count):
        name = names[n % len(names)]
        first, _, last = name.partition(" ")
        items.append(CertificateSnapshot(
            serial=new_serial(2026, start + n), verification_code=new_verification_code(),
            trainee_name=name, trainee_first_name=first, trainee_last_name=last,
            profession="Physical therapist", license_number=f"PT-{40000 + n}", license_state="TX",
            course_code="DN-101", course_title="Dry Needling Level 1: Foundations and Safety",
            provider="Northfield Institute of Manual Therapy", approval_number="TPTA-2026-0142",
            online_hours="9.5", practical_hours="18", total_hours="27.5", ceus="2.7",
            completion_date="2026-03-02", issued_at="2026-03-03T14:03:05Z",
        ))
    return items


def timed(render: Callable[[object], bytes], items: list, warmup: int) -> dict:
    """Median and p95 (ms) of ``render`` over ``items`` after ``warmup`` untimed renders."""
    for item in items[:warmup]:
        render(item)
    durations = []
    for item in items[warmup:]:
        started = time.perf_counter()
        data = render(item)
        durations.append((time.perf_counter() - started) * 1000)
        if not data.startswith(b"%PDF"):
            raise RuntimeError("render_certificate_pdf returned something that is not a PDF")
    ordered = sorted(durations)
    return {"n": len(durations), "median_ms": statistics.median(durations),
            "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)]}


def run(renders: int, warmup: int) -> dict:
    """The target figure (Latin names, plain call) and two informational variants."""
    from training.certificates.pdf import render_certificate_pdf
    from training.certificates.record import RECORD_FILENAME, record_json
    from training.certificates.snapshot import CertificateSnapshot

    def url(s: CertificateSnapshot) -> str:
        return f"https://ce.example.org/verify/{s.verification_code}"

    def plain(s: CertificateSnapshot) -> bytes:
        return render_certificate_pdf(s, url(s))

    def with_record(s: CertificateSnapshot) -> bytes:  # what a download serves: the signed record embedded
        record = record_json(s.to_dict(), "A" * 86, "F" * 64)
        return render_certificate_pdf(s, url(s), attachment=(RECORD_FILENAME, record))

    extra = max(10, renders // 4)
    return {
        "plain": timed(plain, snapshots(warmup + renders, NAMES, 1), warmup),
        "with_record": timed(with_record, snapshots(warmup + extra, NAMES, 100_000), warmup),
        "non_latin": timed(plain, snapshots(warmup + extra, NON_LATIN_NAMES, 200_000), warmup),
    }


def main() -> None:
    """``python -m bench.pdf_bench RENDERS WARMUP``: the figures as one JSON line."""
    print(json.dumps(run(int(sys.argv[1]), int(sys.argv[2]))))


if __name__ == "__main__":
    main()
