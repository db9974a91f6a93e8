"""Item analysis checked against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest

from quizzes.statistics import (
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    WEAK_DISCRIMINATION_BELOW,
    AttemptScores,
    QuestionStats,
    QuizStats,
    flags_for,
    question_stats,
    quiz_stats,
)


def attempt(**questions: tuple[float, float]) -> AttemptScores:
    """An attempt from keyword args ``q<id>=(score, max)``; total and max are the sums."""
    scores = {int(name[1:]): value for name, value in questions.items()}
    return AttemptScores(
        total=sum(s for s, _ in scores.values()),
        max_total=sum(m for _, m in scores.values()),
        questions=scores,
    )


# Four attempts over three questions (q3 is worth 2 points); totals 3, 2, 3, 1 of 4.
FOUR = [
    attempt(q1=(1, 1), q2=(0, 1), q3=(2, 2)),
    attempt(q1=(1, 1), q2=(1, 1), q3=(0, 2)),
    attempt(q1=(0, 1), q2=(1, 1), q3=(2, 2)),
    attempt(q1=(1, 1), q2=(0, 1), q3=(0, 2)),
]


def by_id(attempts) -> dict[int, QuestionStats]:
    return {s.question_id: s for s in question_stats(attempts)}


def test_quiz_level_figures():
    # percents 75, 50, 75, 25: mean 56.25, median 62.5,
    # squared deviations 351.5625 + 39.0625 + 351.5625 + 976.5625 = 1718.75, / 3 -> variance
    stats = quiz_stats(FOUR)
    assert stats.attempt_count == 4
    assert stats.mean_percent == 56.25
    assert stats.median_percent == 62.5
    assert stats.stdev_percent == pytest.approx(math.sqrt(1718.75 / 3))
    assert stats.stdev_percent == pytest.approx(23.9357, abs=1e-4)


def test_quiz_level_with_few_attempts():
    assert quiz_stats([]) == QuizStats(0, None, None, None)
    assert quiz_stats([attempt(q1=(1, 2))]) == QuizStats(1, 50.0, 50.0, None)
    empty_quiz = AttemptScores(total=0, max_total=0, questions={})
    assert quiz_stats([empty_quiz, attempt(q1=(1, 1))]) == QuizStats(2, 100.0, 100.0, None)


def test_facility_and_discrimination_by_hand():
    stats = by_id(FOUR)
    # q1: scores 1,1,0,1 -> facility 75; rest of quiz 2,1,3,0.
    #   dx = .25,.25,-.75,.25  dy = .5,-.5,1.5,-1.5
    #   Sxy = -1.5, Sxx = .75, Syy = 5  ->  r = -1.5 / sqrt(3.75)
    assert stats[1].facility_percent == 75.0
    assert stats[1].discrimination_index == pytest.approx(-100 * 1.5 / math.sqrt(3.75))
    # q2: scores 0,1,1,0 -> 50; rest 3,1,2,1; Sxy = -.5, Sxx = 1, Syy = 2.75
    assert stats[2].facility_percent == 50.0
    assert stats[2].discrimination_index == pytest.approx(-100 * 0.5 / math.sqrt(2.75))
    # q3 (worth 2): scores 2,0,2,0 -> 4 of 8 = 50; rest 1,2,1,1; Sxy = -1, Sxx = 4, Syy = .75
    assert stats[3].facility_percent == 50.0
    assert stats[3].discrimination_index == pytest.approx(-100 / math.sqrt(3))
    assert stats[3].discrimination_index == pytest.approx(-57.735, abs=1e-3)
    assert all(s.attempts == 4 for s in stats.values())
    assert all(s.flags == ["negative discrimination"] for s in stats.values())


def test_positive_discrimination_by_hand():
    # q1: 1,0,1 vs rest 1,0,0: dx = 1/3,-2/3,1/3, dy = 2/3,-1/3,-1/3
    #   Sxy = 2/9 + 2/9 - 1/9 = 1/3, Sxx = Syy = 2/3  ->  r = 0.5
    attempts = [
        attempt(q1=(1, 1), q2=(1, 1)),
        attempt(q1=(0, 1), q2=(0, 1)),
        attempt(q1=(1, 1), q2=(0, 1)),
    ]
    stats = by_id(attempts)
    assert stats[1].discrimination_index == pytest.approx(50.0)
    assert stats[2].discrimination_index == pytest.approx(50.0)
    assert stats[1].facility_percent == pytest.approx(200 / 3)
    assert stats[2].facility_percent == pytest.approx(100 / 3)
    assert stats[1].flags == [] and stats[2].flags == []


def test_zero_correlation_is_weak_discrimination():
    # q1: 1,0,1,0 vs rest 2,1,1,2: dx = ±.5, dy = ±.5 with Sxy = .25 - .25 - .25 + .25 = 0
    attempts = [
        attempt(q1=(1, 1), q2=(2, 2)),
        attempt(q1=(0, 1), q2=(1, 2)),
        attempt(q1=(1, 1), q2=(1, 2)),
        attempt(q1=(0, 1), q2=(2, 2)),
    ]
    q1 = by_id(attempts)[1]
    assert q1.discrimination_index == 0.0
    assert q1.flags == ["weak discrimination"]


def test_undefined_discrimination():
    one_attempt = by_id([attempt(q1=(1, 1), q2=(0, 1))])
    assert one_attempt[1].discrimination_index is None
    everyone_right = by_id([attempt(q1=(1, 1), q2=(1, 1)), attempt(q1=(1, 1), q2=(0, 1))])
    assert everyone_right[1].discrimination_index is None  # no variance in q1
    assert everyone_right[1].flags == ["too easy"]
    # float noise (1.3 - 0.3 vs 1.1 - 0.1) must not invent variance in the rest of the quiz
    noisy = [
        AttemptScores(1.3, 2, {1: (0.3, 1), 2: (1.0, 1)}),
        AttemptScores(1.1, 2, {1: (0.1, 1), 2: (1.0, 1)}),
    ]
    assert by_id(noisy)[1].discrimination_index is None


def test_questions_only_in_some_attempts():
    attempts = [
        attempt(q1=(1, 1), q7=(1, 1)),
        attempt(q1=(0, 1), q8=(0, 1)),
        attempt(q1=(1, 1), q7=(0, 1)),
    ]
    stats = question_stats(attempts)
    assert [s.question_id for s in stats] == [1, 7, 8]
    assert [s.attempts for s in stats] == [3, 2, 1]
    assert stats[1].facility_percent == 50.0
    assert stats[1].discrimination_index is None  # rest of quiz is 1 in both attempts
    assert stats[2].flags == ["too hard"]
    assert question_stats([]) == []


def test_question_worth_nothing_has_no_facility():
    stats = by_id([attempt(q1=(0, 0), q2=(1, 1)), attempt(q1=(0, 0), q2=(0, 1))])
    assert stats[1].facility_percent is None and stats[1].flags == []


@pytest.mark.parametrize(
    ("facility", "discrimination", "flags"),
    [
        (90.0, 20.0, []),  # thresholds themselves are not flagged
        (90.01, 50.0, ["too easy"]),
        (25.0, None, []),
        (24.99, None, ["too hard"]),
        (50.0, -0.01, ["negative discrimination"]),
        (50.0, 0.0, ["weak discrimination"]),
        (50.0, 19.99, ["weak discrimination"]),
        (95.0, -10.0, ["too easy", "negative discrimination"]),
        (None, None, []),
    ],
)
def test_flag_thresholds(facility, discrimination, flags):
    assert flags_for(facility, discrimination) == flags
    assert (TOO_EASY_ABOVE, TOO_HARD_BELOW, WEAK_DISCRIMINATION_BELOW) == (90, 25, 20)
