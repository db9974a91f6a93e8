"""Moodle GIFT export, written so that ``parse_gift`` reads every question back unchanged.

Authors export a bank, edit it in a text editor and import it again, so the output must
survive that trip: titles, formats, prompts, choices, weights, feedback and ids (when they
are numbered 1..n, as the importer numbers them) all come back equal. GIFT itself cannot
carry a few things, and these are deliberately not worked around with private syntax
that Moodle would not understand:

* ``points`` (Moodle's GIFT has none; re-imported questions are worth 1.0),
* carriage returns (GIFT's ``\\n`` escape is a plain newline; ``\\r\\n`` becomes ``\\n``),
* whitespace at either end of a title, prompt, answer or feedback (the importer strips it).

Two things cannot be written at all and raise ``ValueError`` rather than producing a file
that would import differently: ``->`` in a short answer or a matching prompt, because
GIFT has no escape for it and uses it to tell matching pairs apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal

from quizzes.spec import ChoiceSpec, NumericAnswerSpec, QuestionSpec, QuestionType

_RESERVED = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}"}
_RESERVED |= {":": "\\:", "\n": "\\n"}


def escape(text: str) -> str:
    """Escape GIFT's special characters; newlines become ``\\n`` so a question stays one block."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_RESERVED.get(char, char) for char in text)


def export_gift(questions: Iterable[QuestionSpec]) -> str:
    """Render questions as GIFT, one block each, separated by blank lines (hotspots left out)."""
    return export_gift_report(questions)[0]


def export_gift_report(questions: Iterable[QuestionSpec]) -> tuple[str, list[QuestionSpec]]:
    """The GIFT text and the questions GIFT cannot express (hotspots), which it leaves out."""
    skipped = []
    blocks = []
    for spec in questions:
        if spec.qtype == QuestionType.HOTSPOT:
            skipped.append(spec)
        else:
            blocks.append(_question(spec))
    return ("\n\n".join(blocks) + "\n" if blocks else ""), skipped


def _question(spec: QuestionSpec) -> str:
    tags = "".join(f"// [tag:objective:{objective}]\n" for objective in spec.objectives)
    head = tags + f"::{escape(spec.title)}::[{spec.prompt_format.value}]{escape(spec.prompt)}"
    lines = _BODIES[spec.qtype](spec)
    if spec.general_feedback:
        lines.append(f"####{escape(spec.general_feedback)}")
    if len(lines) == 1:
        return f"{head} {{{lines[0]}}}"
    body = "".join(f"\t{line}\n" for line in lines)
    return f"{head} {{\n{body}}}"


def percent(fraction: float) -> str:
    """A fraction as the exact decimal percentage the importer turns back into ``fraction``."""
    value = (Decimal(repr(float(fraction))) * 100).normalize()
    return format(value, "f")


def number(value: float) -> str:
    """Shortest text that reads back as the same float (``5`` rather than ``5.0``)."""
    if not math.isfinite(value):
        raise ValueError(f"GIFT numbers must be finite, not {value!r}")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _weighted(marker: str, fraction: float, text: str, default: float) -> str:
    """``marker`` + weight + text; the weight is written whenever the text starts with ``%``
    so that the importer cannot take the start of the text for a weight."""
    escaped = escape(text)
    if fraction != default or escaped.startswith("%"):
        return f"{marker}%{percent(fraction)}%{escaped}"
    return f"{marker}{escaped}"


def _feedback(feedback: str) -> str:
    return f"#{escape(feedback)}" if feedback else ""


def _choice_lines(spec: QuestionSpec) -> list[str]:
    lines = []
    for choice in spec.choices:
        if spec.qtype is QuestionType.SINGLE and choice.fraction == 1.0:
            line = _weighted("=", 1.0, choice.text, default=1.0)
        else:
            line = _weighted("~", choice.fraction, choice.text, default=0.0)
        lines.append(line + _feedback(choice.feedback))
    return lines


def _short_lines(spec: QuestionSpec) -> list[str]:
    lines = []
    for choice in spec.choices:
        if "->" in choice.text:
            raise ValueError(f"short answer {choice.text!r}: GIFT cannot express '->' there")
        line = _weighted("=", choice.fraction, choice.text, default=1.0)
        lines.append(line + _feedback(choice.feedback))
    return lines


def _true_false_lines(spec: QuestionSpec) -> list[str]:
    by_text: dict[str, ChoiceSpec] = {c.text: c for c in spec.choices}
    if set(by_text) != {"True", "False"}:
        raise ValueError("a true/false question needs exactly the choices 'True' and 'False'")
    right, wrong = sorted(by_text.values(), key=lambda c: c.fraction, reverse=True)
    word = "TRUE" if right.text == "True" else "FALSE"
    if right.feedback:
        return [f"{word}#{escape(wrong.feedback)}#{escape(right.feedback)}"]
    return [word + _feedback(wrong.feedback)]


def _numeric_line(answer: NumericAnswerSpec) -> str:
    if answer.value is not None:
        amount = number(answer.value)
        if answer.tolerance:
            amount += f":{number(answer.tolerance)}"
    elif answer.low is not None and answer.high is not None:
        amount = f"{number(answer.low)}..{number(answer.high)}"
    else:
        raise ValueError("a numeric answer needs a value or both ends of a range")
    weight = "" if answer.fraction == 1.0 else f"%{percent(answer.fraction)}%"
    return f"={weight}{amount}{_feedback(answer.feedback)}"


def _numeric_lines(spec: QuestionSpec) -> list[str]:
    lines = [_numeric_line(answer) for answer in spec.numeric]
    if len(lines) == 1 and not spec.general_feedback:
        return ["#" + lines[0][1:]]
    return ["#", *lines]


def _matching_lines(spec: QuestionSpec) -> list[str]:
    lines = []
    for pair in spec.pairs:
        if "->" in pair.prompt:
            raise ValueError(f"matching prompt {pair.prompt!r}: GIFT cannot express '->' there")
        lines.append(f"={escape(pair.prompt)} -> {escape(pair.answer)}")
    return lines


_BODIES: dict[QuestionType, Callable[[QuestionSpec], list[str]]] = {
    QuestionType.SINGLE: _choice_lines,
    QuestionType.MULTIPLE: _choice_lines,
    QuestionType.TRUE_FALSE: _true_false_lines,
    QuestionType.SHORT: _short_lines,
    QuestionType.NUMERIC: _numeric_lines,
    QuestionType.MATCHING: _matching_lines,
}
