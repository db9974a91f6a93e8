"""GIFT import: every supported question type, Moodle's syntax details, and clear errors."""

from __future__ import annotations

import pytest

from quizzes.gift import GiftError, parse_gift
from quizzes.spec import (
    ChoiceSpec,
    MatchPairSpec,
    NumericAnswerSpec,
    PromptFormat,
    QuestionType,
)


def one(text: str):
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def error_of(text: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return caught.value


# --- question types -----------------------------------------------------------------------


def test_single_choice_with_feedback_title_and_format():
    q = one("::Needle::[markdown]Which gauge? {=0.25 mm#Right ~0.5 mm#Too thick ~1 mm}")
    assert q.qtype is QuestionType.SINGLE
    assert (q.title, q.prompt, q.prompt_format) == ("Needle", "Which gauge?", "markdown")
    assert q.choices == [
        ChoiceSpec(1, "0.25 mm", 1.0, "Right"),
        ChoiceSpec(2, "0.5 mm", 0.0, "Too thick"),
        ChoiceSpec(3, "1 mm", 0.0, ""),
    ]
    assert q.points == 1.0 and q.source_line == 1


def test_single_choice_with_partial_credit_distractor():
    q = one("Q {=right ~%50%almost ~%-25%bad ~wrong}")
    assert q.qtype is QuestionType.SINGLE
    assert [c.fraction for c in q.choices] == [1.0, 0.5, -0.25, 0.0]


def test_multiple_answer_weights_become_fractions():
    q = one("Pick two {~%50%a ~%50%b ~%-100%c}")
    assert q.qtype is QuestionType.MULTIPLE
    assert [(c.text, c.fraction) for c in q.choices] == [("a", 0.5), ("b", 0.5), ("c", -1.0)]


def test_multiple_answer_accepts_thirds_within_moodle_rounding():
    q = one("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~d}")
    assert q.choices[0].fraction == pytest.approx(1 / 3, abs=1e-7)


@pytest.mark.parametrize(
    ("block", "truth"), [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{false}", False)]
)
def test_true_false_spellings(block, truth):
    q = one(f"The sky is blue. {block}")
    assert q.qtype is QuestionType.TRUE_FALSE
    assert [(c.id, c.text) for c in q.choices] == [(1, "True"), (2, "False")]
    assert [c.fraction for c in q.choices] == ([1.0, 0.0] if truth else [0.0, 1.0])


def test_true_false_feedback_goes_first_to_wrong_then_right_choice():
    true_q = one("Q {T#wrong fb#right fb}")
    assert [c.feedback for c in true_q.choices] == ["right fb", "wrong fb"]
    false_q = one("Q {FALSE#wrong fb#right fb}")
    assert [c.feedback for c in false_q.choices] == ["wrong fb", "right fb"]
    only_wrong = one("Q {T#only wrong}")
    assert [c.feedback for c in only_wrong.choices] == ["", "only wrong"]


def test_short_answer_with_partial_weight_and_feedback():
    q = one("Capital of France? {=Paris =%50%Lutetia#Old name}")
    assert q.qtype is QuestionType.SHORT
    assert q.choices == [ChoiceSpec(1, "Paris", 1.0), ChoiceSpec(2, "Lutetia", 0.5, "Old name")]


def test_numeric_tolerance_range_and_several_answers():
    assert one("Q {#5:0.5}").numeric == [NumericAnswerSpec(1.0, value=5.0, tolerance=0.5)]
    assert one("Q {#1..3}").numeric == [NumericAnswerSpec(1.0, low=1.0, high=3.0)]
    assert one("Q {#-3..-1.5}").numeric == [NumericAnswerSpec(1.0, low=-3.0, high=-1.5)]
    assert one("Q {#2}").numeric == [NumericAnswerSpec(1.0, value=2.0)]
    q = one("When? {# =%100%5:0#exact =%50%5:2#close}")
    assert q.qtype is QuestionType.NUMERIC
    assert q.numeric == [
        NumericAnswerSpec(1.0, value=5.0, tolerance=0.0, feedback="exact"),
        NumericAnswerSpec(0.5, value=5.0, tolerance=2.0, feedback="close"),
    ]
    assert one("Q {#1e3:1.5E1}").numeric == [NumericAnswerSpec(1.0, value=1000, tolerance=15)]


def test_matching_with_distractor_answer():
    q = one("Match {=Cat -> Meow =Dog -> Woof =Cow -> Moo = -> Quack}")
    assert q.qtype is QuestionType.MATCHING
    assert q.pairs == [
        MatchPairSpec(1, "Cat", "Meow"),
        MatchPairSpec(2, "Dog", "Woof"),
        MatchPairSpec(3, "Cow", "Moo"),
        MatchPairSpec(4, "", "Quack"),
    ]


def test_missing_word_puts_a_blank_in_the_prompt():
    q = one("Dry needling targets {=trigger ~tender ~random} points.")
    assert q.qtype is QuestionType.SINGLE
    assert q.prompt == "Dry needling targets _____ points."


# --- syntax details -----------------------------------------------------------------------


def test_escapes_and_newline_escape():
    q = one(r"::a\:b:: 1 \= 1\n\{ok\} \# \\ {=x\~y\=z#f\#g ~w}")
    assert q.title == "a:b"
    assert q.prompt == "1 = 1\n{ok} # \\"
    assert q.choices[0].text == "x~y=z" and q.choices[0].feedback == "f#g"


def test_multiline_question_comments_category_and_source_lines():
    text = "\n".join(
        [
            "$CATEGORY: $course$/Safety",  # 1
            "",  # 2
            "// a comment before the question",  # 3
            "::First::Line one",  # 4
            "line two {",  # 5
            "  // a comment inside",  # 6
            "  =yes",  # 7
            "  ~no",  # 8
            "}",  # 9
            "",  # 10
            "",  # 11
            "Second {T}",  # 12
            "// only a comment",  # 13
            "",  # 14
            "// a block of nothing but comments",  # 15
        ]
    )
    first, second = parse_gift(text)
    assert first.prompt == "Line one\nline two"
    assert [c.text for c in first.choices] == ["yes", "no"]
    assert (first.source_line, second.source_line) == (4, 12)


def test_format_markers_and_default():
    assert one("[html]<b>Q</b> {T}").prompt_format is PromptFormat.HTML
    assert one("::t::[plain] Q {T}").prompt_format is PromptFormat.PLAIN
    assert one("::t:: [moodle]Q {T}").prompt_format is PromptFormat.PLAIN
    assert one("::t::[markdown]*Q* {T}").prompt == "*Q*"
    assert one("Q {T}").prompt_format is PromptFormat.PLAIN
    assert one("[unknown] Q {T}").prompt == "[unknown] Q"


def test_general_feedback():
    q = one("Q {=a#fa ~b####Because a.}")
    assert q.general_feedback == "Because a."
    assert q.choices[1].feedback == ""
    assert one("Q {T####General}").general_feedback == "General"
    assert one("Q {#4:1####Four}").general_feedback == "Four"


def test_crlf_bom_and_empty_input():
    assert parse_gift("") == [] and parse_gift("// nothing\n\n") == []
    q = one("\ufeff::t::Q\r\n{T}\r\n")
    assert (q.title, q.prompt) == ("t", "Q")


def test_explicit_full_weight_protects_text_starting_with_percent():
    q = one("Q {=%100%%50 off ~%0%%10% more ~none}")
    assert [c.text for c in q.choices] == ["%50 off", "%10% more", "none"]
    assert one("Q {=%5 =x}").choices[0].text == "%5"  # one '%' only: plain text


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Q {=a ~b", 1, "unclosed answer block"),
        ("Q\n{=a\n\n~b}", 2, "unclosed answer block"),
        ("Q =a ~b}", 1, "without an opening"),
        ("Q {=a {~b}", 1, "inside an answer block"),
        ("Q {=a ~b} and {=c ~d}", 1, "more than one answer block"),
        ("::title Q {T}", 1, "unclosed title"),
        ("Just a description", 1, "description questions are not supported"),
        ("Essay? {}", 1, "essay"),
        ("Essay? {####feedback}", 1, "essay"),
        ("{=a ~b}", 1, "no text"),
        ("Q {~a ~b}", 1, "no correct answer"),
        ("Q {~%20%a ~%20%b}", 1, "add up to 40.00%"),
        ("Q {~%70%a ~%70%b}", 1, "add up to 140.00%"),
        ("Q {=only ~}", 1, "no text"),
        ("Q {=a ~%150%b}", 1, "outside -100%..100%"),
        ("Q {~%50%a ~%-101%b ~%50%c}", 1, "outside -100%..100%"),
        ("Q {=a ~%100%b}", 1, "only the one '=' answer"),
        ("Q {=a =b ~c}", 1, "more than one '='"),
        ("Q {=%50%a ~b}", 1, "use ~%n% for partial"),
        ("Q {=%50 %a =b}", 1, "malformed weight"),
        ("Q {lead ~a =b}", 1, "text before the first answer"),
        ("Q {Paris}", 1, "must start with '='"),
        ("Q {=Paris}\n\nQ2 {=%50%Lyon}", 3, "no correct answer"),
        ("Q {#five}", 1, "not a number"),
        ("Q {#5:x}", 1, "not a number"),
        ("Q {#nan}", 1, "not a number"),
        ("Q {#1e999}", 1, "not a number"),
        ("Q {#5:-1}", 1, "tolerance must not be negative"),
        ("Q {#3..1}", 1, "minimum is greater"),
        ("Q {#}", 1, "no answers"),
        ("Q {#=%50%5}", 1, "no correct answer"),
        ("Q {#5 ~#wrong}", 1, "numeric questions is unsupported"),
        ("Q {=a -> b =c -> d}", 1, "at least 3 pairs"),
        ("Q {=a -> b = -> c = -> d}", 1, "at least 3 pairs"),
        ("Q {=a -> b =c -> d =e}", 1, "'->' in every"),
        ("Q {=a -> b =c -> d =e -> }", 1, "nothing after '->'"),
        ("Q {=a ~b}\n\nQ2 {=c\n~%200%d}", 4, "outside"),
    ],
)
def test_errors_name_line_and_reason(text, line, reason):
    error = error_of(text)
    assert error.line == line
    assert reason in error.reason
    assert str(error) == f"line {line}: {error.reason}"


def test_multiple_choice_needs_two_choices():
    assert "at least 2 choices" in error_of("Q {~%100%only}").reason
    assert "no text" in error_of("Q {=only ~#feedback}").reason


def test_error_on_a_later_question_returns_nothing_partial():
    text = "Good {T}\n\nAlso good {=a ~b}\n\n\nBad {=a ~b\n"
    error = error_of(text)
    assert (error.line, error.reason.startswith("unclosed")) == (6, True)


def test_error_line_points_inside_a_multiline_question():
    text = "::t::\nQuestion\n{\n  =a\n  ~%300%b\n}"
    assert error_of(text).line == 5


def test_binary_input_is_rejected():
    error = error_of("Q {T}\x00\x01")
    assert error.line == 1 and "not a text file" in error.reason
    assert error_of(b"Q {T}").line == 1  # type: ignore[arg-type]
