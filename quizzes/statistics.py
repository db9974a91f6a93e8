"""Item analysis for a quiz, with the definitions of Moodle's quiz statistics report.

Authors use these figures to find questions that are too easy, too hard, or that good
trainees get wrong more often than weak ones (usually a wrong key or an ambiguous prompt).
Using Moodle's definitions means the numbers mean what trainers already expect:

* facility index: the mean score on a question as a percentage of its maximum;
* discrimination index: 100 x the Pearson correlation between the score on the question
  and the score on the rest of the quiz (total minus this question), over the attempts
  that include the question; ``None`` with fewer than 2 such attempts or no variance;
* the quiz's standard deviation is the sample one (n - 1), as in Moodle.

Attempts with ``max_total <= 0`` are counted in ``attempt_count`` but cannot have a
percentage, so they are left out of the mean, median and standard deviation.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

#: above this facility most trainees get the question right, so it tells little apart
TOO_EASY_ABOVE = 90.0
#: below this facility it mostly measures luck, or the key or wording is wrong
TOO_HARD_BELOW = 25.0
#: Moodle's guidance: under 20 a question separates strong from weak trainees poorly
WEAK_DISCRIMINATION_BELOW = 20.0
#: marks are rounded to this many decimals before correlating, so that float noise such
#: as 1.3 - 0.3 != 1.0 cannot invent variance where every attempt scored the same
_DECIMALS = 9


@dataclass(frozen=True)
class AttemptScores:
    """One finished attempt: its total, and question id -> (score, max score)."""

    total: float
    max_total: float
    questions: dict[int, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class QuizStats:
    attempt_count: int
    mean_percent: float | None
    median_percent: float | None
    stdev_percent: float | None  #: sample standard deviation; None below 2 attempts


@dataclass(frozen=True)
class QuestionStats:
    question_id: int
    attempts: int  #: attempts that included the question
    facility_percent: float | None  #: None only if the question was worth nothing
    discrimination_index: float | None
    flags: list[str] = field(default_factory=list)


def quiz_stats(attempts: Sequence[AttemptScores]) -> QuizStats:
    """Spread of the attempts' percentage scores."""
    percents = [100 * a.total / a.max_total for a in attempts if a.max_total > 0]
    return QuizStats(
        attempt_count=len(attempts),
        mean_percent=statistics.fmean(percents) if percents else None,
        median_percent=statistics.median(percents) if percents else None,
        stdev_percent=statistics.stdev(percents) if len(percents) >= 2 else None,
    )


def question_stats(attempts: Sequence[AttemptScores]) -> list[QuestionStats]:
    """Facility, discrimination and warning flags for every question, by question id."""
    rows: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
    for attempt in attempts:
        for question_id, (score, max_score) in attempt.questions.items():
            rows[question_id].append((score, max_score, attempt.total - score))
    return [_question(question_id, rows[question_id]) for question_id in sorted(rows)]


def _question(question_id: int, rows: list[tuple[float, float, float]]) -> QuestionStats:
    scores = [score for score, _, _ in rows]
    available = math.fsum(max_score for _, max_score, _ in rows)
    facility = 100 * math.fsum(scores) / available if available > 0 else None
    discrimination = _correlation(scores, [rest for _, _, rest in rows])
    if discrimination is not None:
        discrimination *= 100
    return QuestionStats(
        question_id=question_id,
        attempts=len(rows),
        facility_percent=facility,
        discrimination_index=discrimination,
        flags=flags_for(facility, discrimination),
    )


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when it is undefined (under 2 points, or a constant series)."""
    if len(xs) < 2:
        return None
    xs = [round(x, _DECIMALS) for x in xs]
    ys = [round(y, _DECIMALS) for y in ys]
    mean_x, mean_y = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if len(set(xs)) < 2 or len(set(ys)) < 2 or sxx == 0 or syy == 0:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def flags_for(facility: float | None, discrimination: float | None) -> list[str]:
    """Plain-words warnings for the statistics table; empty when nothing stands out."""
    flags = []
    if facility is not None and facility > TOO_EASY_ABOVE:
        flags.append("too easy")
    if facility is not None and facility < TOO_HARD_BELOW:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative discrimination")
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append("weak discrimination")
    return flags


#: fewer attempts than this and a question's figures are shown greyed: too few to judge by
MIN_SAMPLE = 10
#: band -> (colour, short label, legend text); Okabe-Ito hues darkened to 3:1 or more on white
BANDS = {
    "ok": ("#0a5d99", "", "within range"),
    "too_easy": ("#a85400", "too easy", f"too easy (facility above {TOO_EASY_ABOVE:g}%)"),
    "too_hard": ("#7b2a7b", "too hard", f"too hard (facility below {TOO_HARD_BELOW:g}%)"),
    "small": ("#8a939b", "few attempts", f"fewer than {MIN_SAMPLE} attempts: too few to judge"),
}


def band(stat: QuestionStats) -> str:
    """Which colour band of the item analysis chart a question falls in."""
    if stat.attempts < MIN_SAMPLE:
        return "small"
    if "too easy" in stat.flags:
        return "too_easy"
    if "too hard" in stat.flags:
        return "too_hard"
    return "ok"
