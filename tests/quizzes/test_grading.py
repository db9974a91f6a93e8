"""Grading: strict parsing of submitted values, scores in [0, 1], feedback and summaries."""

from __future__ import annotations

import unicodedata

import pytest

from quizzes.grading import (
    InvalidAnswer,
    correct_answer_summary,
    feedback_for,
    normalise_text,
    parse_answer,
    score_fraction,
)
from quizzes.spec import (
    ChoiceSpec,
    MatchPairSpec,
    NumericAnswerSpec,
    QuestionSpec,
    QuestionType,
)

SINGLE = QuestionSpec(
    QuestionType.SINGLE,
    "Which?",
    choices=[
        ChoiceSpec(1, "right", 1.0, "Well done"),
        ChoiceSpec(2, "half", 0.5, "Nearly"),
        ChoiceSpec(3, "bad", -0.5, "Dangerous"),
        ChoiceSpec(4, "wrong", 0.0),
    ],
)
TRUE_FALSE = QuestionSpec(
    QuestionType.TRUE_FALSE,
    "Needles are single use.",
    choices=[ChoiceSpec(1, "True", 1.0, "Yes"), ChoiceSpec(2, "False", 0.0, "They are")],
)
MULTIPLE = QuestionSpec(
    QuestionType.MULTIPLE,
    "Pick the safe sites",
    choices=[
        ChoiceSpec(1, "a", 0.5, "a is safe"),
        ChoiceSpec(2, "b", 0.5),
        ChoiceSpec(3, "c", -1.0, "c is over the lung"),
        ChoiceSpec(4, "d", 0.0),
    ],
)
OVERWEIGHT = QuestionSpec(  # authored badly: picking both would be worth 150%
    QuestionType.MULTIPLE,
    "Q",
    choices=[ChoiceSpec(1, "a", 1.0), ChoiceSpec(2, "b", 0.5), ChoiceSpec(3, "c", -0.25)],
)
NUMERIC = QuestionSpec(
    QuestionType.NUMERIC,
    "Depth?",
    numeric=[
        NumericAnswerSpec(1.0, value=5.0, tolerance=0.5, feedback="Exactly"),
        NumericAnswerSpec(0.5, value=5.0, tolerance=2.0, feedback="Close"),
        NumericAnswerSpec(0.25, low=10.0, high=20.0, feedback="Range"),
    ],
)
SHORT = QuestionSpec(
    QuestionType.SHORT,
    "Name it",
    choices=[
        ChoiceSpec(1, "Taut band", 1.0, "Right"),
        ChoiceSpec(2, "band", 0.5, "Be precise"),
        ChoiceSpec(3, "Straße", 1.0),
        ChoiceSpec(4, "café", 1.0),
    ],
)
MATCHING = QuestionSpec(
    QuestionType.MATCHING,
    "Match",
    pairs=[
        MatchPairSpec(1, "Neck", "Trapezius"),
        MatchPairSpec(2, "Hip", "Gluteus medius"),
        MatchPairSpec(3, "Calf", "Gastrocnemius"),
        MatchPairSpec(4, "Back", "Trapezius"),
        MatchPairSpec(5, "", "Biceps"),
    ],
)


# --- parse_answer -------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [SINGLE, TRUE_FALSE, MULTIPLE, NUMERIC, SHORT, MATCHING])
@pytest.mark.parametrize("values", [[], [""], ["", "  "]])
def test_empty_input_is_unanswered(spec, values):
    assert parse_answer(spec, values) is None


def test_single_and_true_false():
    assert parse_answer(SINGLE, ["2"]) == {"choice": 2}
    assert parse_answer(TRUE_FALSE, ["", "1"]) == {"choice": 1}


@pytest.mark.parametrize("value", ["5", "0", "01", "1.0", "right", " 1", "-1"])
def test_single_rejects_anything_but_an_existing_id(value):
    with pytest.raises(InvalidAnswer, match="listed answers"):
        parse_answer(SINGLE, [value])


def test_single_rejects_two_choices_and_foreign_ids():
    with pytest.raises(InvalidAnswer, match="only one"):
        parse_answer(SINGLE, ["1", "2"])
    with pytest.raises(InvalidAnswer):
        parse_answer(TRUE_FALSE, ["3"])  # a choice id of some other question


def test_multiple_sorts_and_deduplicates():
    assert parse_answer(MULTIPLE, ["3", "1", "3", ""]) == {"choices": [1, 3]}
    with pytest.raises(InvalidAnswer):
        parse_answer(MULTIPLE, ["1", "9"])


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3.0), ("3.5", 3.5), ("-2", -2.0), ("1e3", 1000.0), ("3,5", 3.5), (" .5 ", 0.5)],
)
def test_numeric_accepts_usual_spellings(text, value):
    assert parse_answer(NUMERIC, [text]) == {"value": value}


@pytest.mark.parametrize(
    "text", ["nan", "NaN", "inf", "-infinity", "1e999", "five", "1,000.5", "1,2,3", "1_000", "0x10"]
)
def test_numeric_rejects_non_numbers(text):
    with pytest.raises(InvalidAnswer, match="enter a number"):
        parse_answer(NUMERIC, [text])


def test_numeric_rejects_two_values_and_a_choice_id_is_just_a_number():
    with pytest.raises(InvalidAnswer):
        parse_answer(NUMERIC, ["1", "2"])
    assert parse_answer(NUMERIC, ["1"]) == {"value": 1.0}


def test_short_keeps_text_as_typed_and_limits_length():
    assert parse_answer(SHORT, ["  Taut   BAND "]) == {"text": "  Taut   BAND "}
    assert parse_answer(SHORT, ["x" * 500]) == {"text": "x" * 500}
    with pytest.raises(InvalidAnswer, match="500"):
        parse_answer(SHORT, ["x" * 501])
    with pytest.raises(InvalidAnswer, match="cannot be saved"):
        parse_answer(SHORT, ["a\x00b"])


def test_matching_parses_pairs_and_canonical_answer_text():
    answer = parse_answer(MATCHING, ["1=Trapezius", "2=gluteus  MEDIUS", "3=", "4=Biceps"])
    assert answer == {"matches": {"1": "Trapezius", "2": "Gluteus medius", "4": "Biceps"}}
    assert parse_answer(MATCHING, ["1=", "2="]) is None


@pytest.mark.parametrize(
    "values",
    [
        ["9=Trapezius"],  # unknown pair
        ["5=Biceps"],  # the distractor has no left item to match
        ["1=Deltoid"],  # not one of the answers
        ["1"],  # a choice id sent to a matching question
        ["Trapezius"],
        ["1=Trapezius", "1=Biceps"],  # the same item twice
    ],
)
def test_matching_rejects_unknown_pairs_and_answers(values):
    with pytest.raises(InvalidAnswer, match="match each item"):
        parse_answer(MATCHING, values)


def test_invalid_answer_is_a_value_error():
    assert issubclass(InvalidAnswer, ValueError)


# --- score_fraction -----------------------------------------------------------------------


@pytest.mark.parametrize(("choice", "score"), [(1, 1.0), (2, 0.5), (3, 0.0), (4, 0.0), (99, 0.0)])
def test_single_scores_the_choice_never_below_zero(choice, score):
    assert score_fraction(SINGLE, {"choice": choice}) == score


def test_true_false():
    assert score_fraction(TRUE_FALSE, {"choice": 1}) == 1.0
    assert score_fraction(TRUE_FALSE, {"choice": 2}) == 0.0


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        ([1, 2], 1.0),
        ([1], 0.5),
        ([1, 4], 0.5),
        ([1, 3], 0.0),
        ([3], 0.0),
        ([1, 2, 3], 0.0),
        ([], 0),
    ],
)
def test_multiple_partial_credit_floors_at_zero(chosen, score):
    assert score_fraction(MULTIPLE, {"choices": chosen}) == score


def test_multiple_caps_at_one():
    assert score_fraction(OVERWEIGHT, {"choices": [1, 2]}) == 1.0
    assert score_fraction(OVERWEIGHT, {"choices": [1, 2, 3]}) == 1.0
    assert score_fraction(OVERWEIGHT, {"choices": [2, 3]}) == 0.25


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (5.0, 1.0),
        (4.5, 1.0),  # tolerance boundary is inclusive
        (5.5, 1.0),
        (5.5000001, 0.5),  # just outside the tight tolerance, inside the loose one
        (4.4999999, 0.5),
        (3.0, 0.5),
        (7.0, 0.5),
        (7.0000001, 0.0),
        (10.0, 0.25),  # range ends are inclusive
        (20.0, 0.25),
        (9.9999999, 0.0),
        (20.0000001, 0.0),
        (-5.0, 0.0),
    ],
)
def test_numeric_tolerance_and_range_boundaries(value, score):
    assert score_fraction(NUMERIC, {"value": value}) == score


def test_numeric_boundary_survives_binary_rounding():
    spec = QuestionSpec(
        QuestionType.NUMERIC, "Q", numeric=[NumericAnswerSpec(1.0, value=1.1, tolerance=0.2)]
    )
    assert 1.1 - 0.2 > 0.9  # the float trap this guards against
    assert score_fraction(spec, {"value": 0.9}) == 1.0
    assert score_fraction(spec, {"value": 1.3}) == 1.0
    assert score_fraction(spec, {"value": 0.8999999}) == 0.0


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("Taut band", 1.0),
        ("  Taut   BAND ", 1.0),
        ("taut\tband", 1.0),
        ("taut\u00a0band", 1.0),  # no-break space is whitespace too
        ("BAND", 0.5),
        ("tautband", 0.0),
        ("STRASSE", 1.0),  # casefold: ß -> ss
        ("strasse", 1.0),
        (unicodedata.normalize("NFD", "CAFÉ"), 1.0),  # decomposed é
        ("cafe", 0.0),
        ("", 0.0),
    ],
)
def test_short_answer_normalisation(text, score):
    assert score_fraction(SHORT, {"text": text}) == score


def test_short_answer_nfd_in_the_key_matches_nfc_typed():
    spec = QuestionSpec(
        QuestionType.SHORT, "Q", choices=[ChoiceSpec(1, unicodedata.normalize("NFD", "é"), 1.0)]
    )
    assert score_fraction(spec, {"text": "\u00e9"}) == 1.0
    assert normalise_text(" A\u030a  B ") == "\u00e5 b"


def test_matching_scores_the_share_of_items_right():
    right = {"1": "Trapezius", "2": "gluteus medius ", "3": "Gastrocnemius", "4": "trapezius"}
    assert score_fraction(MATCHING, {"matches": right}) == 1.0
    assert score_fraction(MATCHING, {"matches": {"1": "Trapezius", "3": "Biceps"}}) == 0.25
    assert score_fraction(MATCHING, {"matches": {"2": "Trapezius", "4": "Trapezius"}}) == 0.25


@pytest.mark.parametrize("spec", [SINGLE, TRUE_FALSE, MULTIPLE, NUMERIC, SHORT, MATCHING])
def test_unanswered_and_stale_answers_score_zero(spec):
    assert score_fraction(spec, None) == 0.0
    assert score_fraction(spec, {}) == 0.0
    assert score_fraction(spec, {"unexpected": "shape"}) == 0.0
    assert score_fraction(spec, {"choices": "1", "value": "x", "text": 3, "matches": []}) == 0.0


# --- feedback and review ------------------------------------------------------------------


def test_feedback_for_each_type():
    assert feedback_for(SINGLE, {"choice": 2}) == ["Nearly"]
    assert feedback_for(SINGLE, {"choice": 4}) == []
    assert feedback_for(TRUE_FALSE, {"choice": 2}) == ["They are"]
    assert feedback_for(MULTIPLE, {"choices": [3, 1, 2]}) == ["a is safe", "c is over the lung"]
    assert feedback_for(NUMERIC, {"value": 5.2}) == ["Exactly"]  # the best match only
    assert feedback_for(NUMERIC, {"value": 6.0}) == ["Close"]
    assert feedback_for(NUMERIC, {"value": 100.0}) == []
    assert feedback_for(SHORT, {"text": " band"}) == ["Be precise"]
    assert feedback_for(SHORT, {"text": "nothing"}) == []
    assert feedback_for(MATCHING, {"matches": {"1": "Trapezius"}}) == []
    assert feedback_for(SINGLE, None) == []


def test_correct_answer_summaries():
    assert correct_answer_summary(SINGLE) == (
        "The correct answer is: right. Partial credit: half (50%)"
    )
    assert correct_answer_summary(TRUE_FALSE) == "The correct answer is: True"
    assert correct_answer_summary(MULTIPLE) == "The correct answers are: a, b"
    assert correct_answer_summary(NUMERIC) == (
        "The correct answer is: 5 ± 0.5. Partial credit: 5 ± 2 (50%), between 10 and 20 (25%)"
    )
    assert correct_answer_summary(SHORT) == (
        "The correct answers are: Taut band, Straße, café. Partial credit: band (50%)"
    )
    assert correct_answer_summary(MATCHING) == (
        "The correct answer is: Neck → Trapezius; Hip → Gluteus medius; "
        "Calf → Gastrocnemius; Back → Trapezius"
    )


def test_numeric_summary_with_two_correct_answers():
    spec = QuestionSpec(
        QuestionType.NUMERIC,
        "Q",
        numeric=[NumericAnswerSpec(1.0, value=2.0), NumericAnswerSpec(1.0, low=-1.5, high=1e20)],
    )
    assert correct_answer_summary(spec) == "The correct answer is: 2 or between -1.5 and 1e+20"
