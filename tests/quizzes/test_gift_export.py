"""GIFT export: whatever is exported imports back as the same questions."""

from __future__ import annotations

import dataclasses
import random

import pytest

from quizzes.gift import parse_gift
from quizzes.gift_export import escape, export_gift, percent
from quizzes.spec import (
    ChoiceSpec,
    MatchPairSpec,
    NumericAnswerSpec,
    PromptFormat,
    QuestionSpec,
    QuestionType,
)

AWKWARD = "Use ~ = # { } : and \\ here; 100% sure?\nSecond line: café, 日本語, 🪡 // not a comment"


def round_trip(questions: list[QuestionSpec]) -> list[QuestionSpec]:
    back = parse_gift(export_gift(questions))
    return [dataclasses.replace(q, source_line=0) for q in back]


def single(**overrides) -> QuestionSpec:
    fields = {
        "qtype": QuestionType.SINGLE,
        "prompt": "Which?",
        "title": "Pick one",
        "choices": [ChoiceSpec(1, "right", 1.0, "yes"), ChoiceSpec(2, "wrong", 0.0, "no")],
    }
    return QuestionSpec(**(fields | overrides))


EVERY_TYPE = [
    single(),
    single(
        choices=[
            ChoiceSpec(1, "right", 1.0),
            ChoiceSpec(2, "half", 0.5, "half credit"),
            ChoiceSpec(3, "bad", -0.3333333),
        ],
        general_feedback="Because.",
    ),
    QuestionSpec(
        QuestionType.MULTIPLE,
        "Pick all that apply",
        title="Multi",
        prompt_format=PromptFormat.HTML,
        choices=[
            ChoiceSpec(1, "a", 1 / 3, "a fb"),
            ChoiceSpec(2, "b", 1 / 3),
            ChoiceSpec(3, "c", 1 / 3),
            ChoiceSpec(4, "d", -1.0, "never"),
            ChoiceSpec(5, "e", 0.0),
        ],
    ),
    QuestionSpec(
        QuestionType.TRUE_FALSE,
        "Needles are single use.",
        title="TF",
        choices=[ChoiceSpec(1, "True", 1.0, "Correct"), ChoiceSpec(2, "False", 0.0, "No")],
    ),
    QuestionSpec(
        QuestionType.TRUE_FALSE,
        "Reuse is fine.",
        choices=[ChoiceSpec(1, "True", 0.0, "Never reuse"), ChoiceSpec(2, "False", 1.0)],
        general_feedback="Single use only.",
    ),
    QuestionSpec(
        QuestionType.TRUE_FALSE,
        "Plain",
        prompt_format=PromptFormat.PLAIN,
        choices=[ChoiceSpec(1, "True", 0.0), ChoiceSpec(2, "False", 1.0)],
    ),
    QuestionSpec(
        QuestionType.SHORT,
        "Name the band",
        choices=[ChoiceSpec(1, "Taut band", 1.0, "Yes"), ChoiceSpec(2, "band", 0.25)],
    ),
    QuestionSpec(
        QuestionType.NUMERIC,
        "Depth in mm?",
        numeric=[
            NumericAnswerSpec(1.0, value=12.5, tolerance=0.5, feedback="Good"),
            NumericAnswerSpec(0.5, value=12.5, tolerance=2.0),
            NumericAnswerSpec(0.1, low=-3.0, high=1e-7, feedback="range"),
        ],
    ),
    QuestionSpec(QuestionType.NUMERIC, "One", numeric=[NumericAnswerSpec(1.0, value=-0.1)]),
    QuestionSpec(
        QuestionType.NUMERIC,
        "Range",
        numeric=[NumericAnswerSpec(1.0, low=1.0, high=3.0)],
        general_feedback="Between",
    ),
    QuestionSpec(
        QuestionType.MATCHING,
        "Match the muscles",
        pairs=[
            MatchPairSpec(1, "Neck", "Trapezius"),
            MatchPairSpec(2, "Hip", "Gluteus medius"),
            MatchPairSpec(3, "", "Distractor"),
        ],
        general_feedback="Anatomy",
    ),
]


def test_every_type_round_trips():
    assert round_trip(EVERY_TYPE) == EVERY_TYPE


def test_awkward_text_everywhere_round_trips():
    questions = [
        single(
            title=AWKWARD,
            prompt=AWKWARD,
            general_feedback=AWKWARD,
            choices=[
                ChoiceSpec(1, AWKWARD, 1.0, AWKWARD),
                ChoiceSpec(2, "%50% off", 0.0, "%"),
                ChoiceSpec(3, "50%", 0.5),
            ],
        ),
        single(choices=[ChoiceSpec(1, "%100% right", 1.0), ChoiceSpec(2, "x", 0.0)]),
        QuestionSpec(
            QuestionType.SHORT,
            AWKWARD,
            title="",
            choices=[ChoiceSpec(1, AWKWARD, 1.0, AWKWARD), ChoiceSpec(2, "%5%x", 0.5)],
        ),
        QuestionSpec(
            QuestionType.MATCHING,
            AWKWARD,
            pairs=[
                MatchPairSpec(1, AWKWARD, "a -> b"),
                MatchPairSpec(2, "x-", ">y"),
                MatchPairSpec(3, "%1%", AWKWARD),
            ],
        ),
        QuestionSpec(
            QuestionType.TRUE_FALSE,
            "T?",
            choices=[ChoiceSpec(1, "True", 1.0, "#"), ChoiceSpec(2, "False", 0.0, AWKWARD)],
        ),
    ]
    assert round_trip(questions) == questions


@pytest.mark.parametrize(
    "prompt",
    [
        "[html] looks like a marker",
        "::not a title::",
        "$CATEGORY: no",
        "// not a comment",
        "ends with a newline\n",
        "\nstarts with one",
        "missing _____ word",
        "T",
        "a\n\nb",
    ],
)
def test_prompts_that_look_like_syntax_round_trip(prompt):
    question = single(prompt=prompt, title="")
    assert round_trip([question]) == [question]


@pytest.mark.parametrize("fraction", [0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1 / 7, -0.9, 0.05, 1e-9])
def test_any_fraction_reads_back_exactly(fraction):
    question = single(choices=[ChoiceSpec(1, "r", 1.0), ChoiceSpec(2, "p", fraction)])
    assert round_trip([question])[0].choices[1].fraction == fraction


def test_output_shape_is_plain_moodle_gift():
    text = export_gift([EVERY_TYPE[0], EVERY_TYPE[8]])
    assert text == (
        "::Pick one::[markdown]Which? {\n\t=right#yes\n\t~wrong#no\n}\n\n"
        "::::[markdown]One {#-0.1}\n"
    )
    assert export_gift([]) == ""
    assert escape("a\r\nb\rc") == "a\\nb\\nc"
    assert percent(0.5) == "50" and percent(-1 / 3) == "-33.33333333333333"


def test_carriage_returns_become_newlines():
    question = single(prompt="one\r\ntwo")
    assert round_trip([question])[0].prompt == "one\ntwo"


def test_arrows_gift_cannot_express_are_refused():
    short = QuestionSpec(QuestionType.SHORT, "Q", choices=[ChoiceSpec(1, "a -> b", 1.0)])
    with pytest.raises(ValueError, match="->"):
        export_gift([short])
    matching = dataclasses.replace(
        EVERY_TYPE[-1], pairs=[MatchPairSpec(1, "a->b", "c"), *EVERY_TYPE[-1].pairs[1:]]
    )
    with pytest.raises(ValueError, match="->"):
        export_gift([matching])


def test_unexpressible_numbers_and_shapes_are_refused():
    infinite = NumericAnswerSpec(1.0, value=float("inf"))
    with pytest.raises(ValueError, match="finite"):
        export_gift([QuestionSpec(QuestionType.NUMERIC, "Q", numeric=[infinite])])
    with pytest.raises(ValueError, match="value or both ends"):
        export_gift([QuestionSpec(QuestionType.NUMERIC, "Q", numeric=[NumericAnswerSpec(1.0)])])
    yes_no = [ChoiceSpec(1, "Yes", 1.0), ChoiceSpec(2, "No", 0.0)]
    with pytest.raises(ValueError, match="'True' and 'False'"):
        export_gift([QuestionSpec(QuestionType.TRUE_FALSE, "Q", choices=yes_no)])


PIECES = [*"ab ~=#{}:\\%_[]/$é日\t\n", "\\n", "->", "::", "//", "####", "%50%", "[html]"]


def random_text(rng: random.Random, *, empty_ok: bool = False) -> str:
    """Text made of GIFT's syntax characters; never space-padded (GIFT trims that)."""
    while True:
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8))).strip(" \t")
        if text or empty_ok:
            return text


def random_question(rng: random.Random) -> QuestionSpec:
    qtype = rng.choice([t for t in QuestionType if t is not QuestionType.HOTSPOT])  # GIFT has no hotspot
    spec = QuestionSpec(
        qtype,
        random_text(rng),
        title=random_text(rng, empty_ok=True),
        prompt_format=rng.choice(list(PromptFormat)),
        general_feedback=random_text(rng, empty_ok=True),
    )

    def fb() -> str:
        return random_text(rng, empty_ok=True)

    def text() -> str:  # GIFT cannot carry '->' in short answers or matching prompts
        return random_text(rng).replace("->", "-")

    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        count = rng.randint(2, 4)
        fractions = [1.0] + [rng.choice([0.0, 0.5, -0.25]) for _ in range(count - 1)]
        if qtype is QuestionType.MULTIPLE:
            fractions = [1 / count] * count
        spec.choices = [ChoiceSpec(i + 1, text(), f, fb()) for i, f in enumerate(fractions)]
    elif qtype is QuestionType.TRUE_FALSE:
        right = rng.random() < 0.5
        spec.choices = [ChoiceSpec(1, "True", float(right), fb())]
        spec.choices.append(ChoiceSpec(2, "False", float(not right), fb()))
    elif qtype is QuestionType.SHORT:
        spec.choices = [ChoiceSpec(i + 1, text(), 1 / (i + 1), fb()) for i in range(3)]
    elif qtype is QuestionType.NUMERIC:
        spec.numeric = [
            NumericAnswerSpec(
                1.0, value=rng.uniform(-1e6, 1e6), tolerance=rng.random(), feedback=fb()
            ),
            NumericAnswerSpec(rng.random(), low=-rng.random(), high=rng.random(), feedback=fb()),
        ]
    else:
        spec.pairs = [MatchPairSpec(i + 1, text(), random_text(rng)) for i in range(3)]
        spec.pairs.append(MatchPairSpec(4, "", random_text(rng)))
    return spec


def test_random_questions_full_of_syntax_characters_round_trip():
    rng = random.Random(20240601)
    questions = [random_question(rng) for _ in range(500)]
    assert round_trip(questions) == questions
