"""Turning submitted form values into stored answers, and stored answers into scores.

Kept free of Flask and the database so that grading, regrading after an edit and the
review page all run the very same rules. Stored answers are JSON-ready dicts:

* SINGLE, TRUE_FALSE: ``{"choice": id}``      * MULTIPLE: ``{"choices": [ids, sorted]}``
* NUMERIC: ``{"value": float}``                * SHORT: ``{"text": str}`` (as typed)
* MATCHING: ``{"matches": {"<pair id>": "answer text"}}``
* HOTSPOT: ``{"marks": [[x, y], ...]}`` in percent of the image (rules in ``quizzes.hotspot``)

``parse_answer`` is strict (a bad value is a tampered or stale form, and the trainee should
hear so). ``score_fraction`` is lenient: a stored answer naming a choice that an author
later deleted, or of a shape from before the question's type changed, scores 0 instead of
breaking a regrade of the whole quiz.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from quizzes.hotspot import hotspot_summary, parse_marks, score_hotspot
from quizzes.spec import ChoiceSpec, NumericAnswerSpec, QuestionSpec, QuestionType

MAX_SHORT_ANSWER = 500
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: relative slack on numeric bounds, so 1.1 +/- 0.2 accepts 0.9 despite binary rounding
_NUMERIC_SLACK = 1e-12


class InvalidAnswer(ValueError):
    """A submitted value that cannot be an answer; the message is shown to the trainee."""


def normalise_text(text: str) -> str:
    """Compare typed text the way a person would: NFC, casefold, trimmed, single spaces.

    NFC is applied again after casefolding because casefolding may leave text unnormalised.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(folded.split())


# --- parse_answer -------------------------------------------------------------------------


def parse_answer(spec: QuestionSpec, values: list[str]) -> dict | None:
    """Validate the raw form values of one question; ``None`` means it was left unanswered."""
    given = [v for v in values if v.strip()]
    if not given:
        return None
    return _PARSERS[spec.qtype](spec, given)


def _only(values: list[str]) -> str:
    if len(values) > 1:
        raise InvalidAnswer("Please give only one answer.")
    return values[0]


def _choice_id(spec: QuestionSpec, value: str) -> int:
    for choice in spec.choices:
        if value == str(choice.id):
            return choice.id
    raise InvalidAnswer("Please choose one of the listed answers.")


def _parse_single(spec: QuestionSpec, values: list[str]) -> dict:
    return {"choice": _choice_id(spec, _only(values))}


def _parse_multiple(spec: QuestionSpec, values: list[str]) -> dict:
    return {"choices": sorted({_choice_id(spec, value) for value in values})}


def parse_number(text: str) -> float:
    """Read a number as people type it: ``3``, ``-2``, ``1e3``, and ``3,5`` as 3.5."""
    text = text.strip().replace("\u2212", "-")  # the typographic minus sign
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER_RE.fullmatch(text) or not math.isfinite(value := float(text)):
        raise InvalidAnswer("Please enter a number, for example 12 or 3.5.")
    return value


def _parse_numeric(spec: QuestionSpec, values: list[str]) -> dict:
    return {"value": parse_number(_only(values))}


def _parse_short(spec: QuestionSpec, values: list[str]) -> dict:
    text = _only(values)
    if len(text) > MAX_SHORT_ANSWER:
        raise InvalidAnswer(f"Please keep your answer under {MAX_SHORT_ANSWER} characters.")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise InvalidAnswer("Your answer contains characters that cannot be saved.")
    return {"text": text}


def _parse_matching(spec: QuestionSpec, values: list[str]) -> dict:
    pair_ids = {str(p.id) for p in spec.pairs if p.prompt}
    answers = {normalise_text(p.answer): p.answer for p in spec.pairs}
    matches: dict[str, str] = {}
    seen: set[str] = set()
    for value in values:
        pair_id, sep, text = value.partition("=")
        if not sep or pair_id not in pair_ids or pair_id in seen:
            raise InvalidAnswer("Please match each item with one of the listed answers.")
        seen.add(pair_id)
        if not text.strip():
            continue  # this item left unmatched
        if (canonical := answers.get(normalise_text(text))) is None:
            raise InvalidAnswer("Please match each item with one of the listed answers.")
        matches[pair_id] = canonical
    return {"matches": matches} if matches else None


def _parse_hotspot(spec: QuestionSpec, values: list[str]) -> dict | None:
    try:
        return parse_marks(spec, values)
    except ValueError as err:
        raise InvalidAnswer(str(err)) from err


_PARSERS: dict[QuestionType, Callable[[QuestionSpec, list[str]], dict | None]] = {
    QuestionType.SINGLE: _parse_single,
    QuestionType.TRUE_FALSE: _parse_single,
    QuestionType.MULTIPLE: _parse_multiple,
    QuestionType.NUMERIC: _parse_numeric,
    QuestionType.SHORT: _parse_short,
    QuestionType.MATCHING: _parse_matching,
    QuestionType.HOTSPOT: _parse_hotspot,
}


# --- scoring ------------------------------------------------------------------------------


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _chosen(spec: QuestionSpec, answer: dict) -> list[ChoiceSpec]:
    """The choices a SINGLE/TRUE_FALSE/MULTIPLE answer picked, in the question's order."""
    if spec.qtype is QuestionType.MULTIPLE:
        picked = answer.get("choices")
        picked = picked if isinstance(picked, list) else []
    else:
        picked = [answer.get("choice")]
    return [c for c in spec.choices if c.id in picked]


def _numeric_matches(answer: NumericAnswerSpec, value: float) -> bool:
    if answer.value is not None:
        slack = _NUMERIC_SLACK * max(1.0, abs(answer.value), abs(value))
        return abs(value - answer.value) <= answer.tolerance + slack
    if answer.low is not None and answer.high is not None:
        slack = _NUMERIC_SLACK * max(1.0, abs(answer.low), abs(answer.high))
        return answer.low - slack <= value <= answer.high + slack
    return False


_Graded = TypeVar("_Graded", ChoiceSpec, NumericAnswerSpec)


def _best(candidates: list[_Graded]) -> _Graded | None:
    """The candidate with the highest fraction, the first one on ties (as Moodle picks)."""
    return max(candidates, key=lambda c: c.fraction, default=None)


def _best_numeric(spec: QuestionSpec, answer: dict) -> NumericAnswerSpec | None:
    value = answer.get("value")
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return _best([n for n in spec.numeric if _numeric_matches(n, value)])


def _best_short(spec: QuestionSpec, answer: dict) -> ChoiceSpec | None:
    text = answer.get("text")
    if not isinstance(text, str):
        return None
    typed = normalise_text(text)
    return _best([c for c in spec.choices if normalise_text(c.text) == typed])


def _matching_share(spec: QuestionSpec, answer: dict) -> float:
    items = [p for p in spec.pairs if p.prompt]
    matches = answer.get("matches")
    if not items or not isinstance(matches, dict):
        return 0.0
    right = sum(
        isinstance(given := matches.get(str(p.id)), str)
        and normalise_text(given) == normalise_text(p.answer)
        for p in items
    )
    return right / len(items)


def score_fraction(spec: QuestionSpec, answer: dict | None) -> float:
    """The share of the question's points earned, in [0, 1]; unanswered earns 0."""
    if not isinstance(answer, dict):
        return 0.0
    match spec.qtype:
        case QuestionType.SINGLE | QuestionType.TRUE_FALSE | QuestionType.MULTIPLE:
            return _clamp(sum(c.fraction for c in _chosen(spec, answer)))
        case QuestionType.NUMERIC:
            best = _best_numeric(spec, answer)
        case QuestionType.SHORT:
            best = _best_short(spec, answer)
        case QuestionType.MATCHING:
            return _matching_share(spec, answer)
        case QuestionType.HOTSPOT:
            return score_hotspot(spec, answer)
    return _clamp(best.fraction) if best is not None else 0.0


def feedback_for(spec: QuestionSpec, answer: dict | None) -> list[str]:
    """Feedback written for what the trainee chose or typed (not the general feedback)."""
    if not isinstance(answer, dict):
        return []
    match spec.qtype:
        case QuestionType.SINGLE | QuestionType.TRUE_FALSE | QuestionType.MULTIPLE:
            texts = [c.feedback for c in _chosen(spec, answer)]
        case QuestionType.NUMERIC:
            texts = [best.feedback] if (best := _best_numeric(spec, answer)) else []
        case QuestionType.SHORT:
            texts = [best.feedback] if (best := _best_short(spec, answer)) else []
        case _:
            texts = []  # GIFT matching pairs carry no feedback
    return [text for text in texts if text]


# --- review -------------------------------------------------------------------------------


def format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _numeric_text(answer: NumericAnswerSpec) -> str:
    if answer.value is not None:
        text = format_number(answer.value)
        return f"{text} ± {format_number(answer.tolerance)}" if answer.tolerance else text
    return f"between {format_number(answer.low or 0.0)} and {format_number(answer.high or 0.0)}"


def _listing(full: list[str], partial: list[str]) -> str:
    label = "The correct answer is" if len(full) == 1 else "The correct answers are"
    text = f"{label}: {', '.join(full)}"
    return f"{text}. Partial credit: {', '.join(partial)}" if partial else text


def correct_answer_summary(spec: QuestionSpec) -> str:
    """One sentence stating the right answer(s), for the review page."""
    if spec.qtype is QuestionType.HOTSPOT:
        return hotspot_summary(spec)
    if spec.qtype is QuestionType.MATCHING:
        pairs = "; ".join(f"{p.prompt} → {p.answer}" for p in spec.pairs if p.prompt)
        return f"The correct answer is: {pairs}"
    if spec.qtype is QuestionType.NUMERIC:
        items = [(_numeric_text(n), n.fraction) for n in spec.numeric]
    else:
        items = [(c.text, c.fraction) for c in spec.choices]
    if spec.qtype is QuestionType.MULTIPLE:
        return _listing([text for text, f in items if f > 0], [])
    full = [text for text, f in items if f >= 1.0]
    partial = [f"{text} ({f:.0%})" for text, f in items if 0 < f < 1.0]
    if spec.qtype is QuestionType.NUMERIC and len(full) > 1:
        return f"The correct answer is: {' or '.join(full)}"
    return _listing(full, partial)
