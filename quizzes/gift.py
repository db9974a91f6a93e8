"""Moodle GIFT import: text in, ``QuestionSpec`` list out, or a ``GiftError`` naming the line.

Trainers write question banks in GIFT because Moodle taught them to, so this follows
Moodle's ``qformat_gift`` where that is well defined, and rejects rather than guesses where
Moodle would store something this platform cannot grade. Decisions:

* A question runs until a blank line; ``//`` lines and ``$CATEGORY:`` lines are dropped.
  ``source_line`` is the question's first kept line.
* Moodle's tag comments name the objectives a question examines: ``// [tag:objective:<id>]``
  on the lines right before the question (or among its lines), one tag per objective.
* No ``[format]`` marker means Moodle's auto-format, stored as PLAIN like ``[moodle]``.
* Missing-word questions (text after the answer block) work for every type: the block
  becomes ``_____`` in the prompt, as in Moodle.
* Rejected: essay ``{}``; description questions (no block); several blocks; numeric ``~``
  wrong-answer feedback (the spec has no catch-all answer); ``=%50%`` in multiple choice
  (use ``~%50%``); ``~%100%`` beside an ``=`` (single choice has one fully right answer);
  multiple-answer weights whose positive part is not 100% (Moodle refuses those too);
  ``=`` answers where only some have ``->``, and ``#`` in matching pairs (typos, nearly
  always); ``{Paris}`` without ``=`` (Moodle takes it as a short answer; here it is
  more likely a typo than intent).
* A leading ``%n%`` is a weight; text starting with ``%`` that holds another ``%`` but no
  valid weight is an error instead of silently becoming text.
* True/false is case-insensitive. The first ``#feedback`` goes on the wrong choice, the
  second on the right one, matching Moodle's ``feedbacktrue``/``feedbackfalse``.
* Weights are read as decimals, so every fraction the exporter writes reads back exactly.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from quizzes.spec import (
    ChoiceSpec,
    MatchPairSpec,
    NumericAnswerSpec,
    PromptFormat,
    QuestionSpec,
    QuestionType,
)

#: ``\\ \~ \= \# \{ \} \:`` and ``\n`` (a newline), as in Moodle
ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_FORMAT_RE = re.compile(r"\[(markdown|html|plain|moodle)\]")
_FORMATS = {f.value: f for f in PromptFormat} | {"moodle": PromptFormat.PLAIN}
_OBJECTIVE_TAG_RE = re.compile(r"\[tag:objective:([A-Za-z0-9][A-Za-z0-9_-]*)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MISSING_WORD_BLANK = "_____"


class GiftError(Exception):
    """A malformed or unsupported question; ``line`` is 1-based, for the import report."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def unescape(text: str) -> str:
    return ESCAPE_RE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


@dataclass(frozen=True)
class _Block:
    """One question's lines; ``masked`` hides escapes so searches see only live syntax.

    Each escape sequence becomes two NULs in ``masked`` (NUL never occurs in accepted
    input), so offsets in ``masked`` and ``raw`` agree and slicing ``raw`` is safe.
    """

    raw: str
    masked: str
    line_starts: tuple[tuple[int, int], ...]  #: (offset in raw, source line number)

    def line_at(self, offset: int) -> int:
        index = bisect_right([start for start, _ in self.line_starts], offset) - 1
        return self.line_starts[max(index, 0)][1]

    def error(self, offset: int, reason: str) -> GiftError:
        return GiftError(self.line_at(offset), reason)

    def text(self, start: int, end: int) -> str:
        """Stripped before unescaping, so an escaped ``\\n`` at either end survives."""
        return unescape(self.raw[start:end].strip())

    def skip_space(self, pos: int, end: int) -> int:
        while pos < end and self.masked[pos].isspace():
            pos += 1
        return pos


def parse_gift(text: str) -> list[QuestionSpec]:
    """Parse a whole GIFT file; raise ``GiftError`` at the first bad question, never partial."""
    if not isinstance(text, str) or "\0" in text:
        raise GiftError(1, "this is not a text file (it contains NUL bytes)")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    specs = []
    for block, tags in _blocks(text):
        spec = _parse_question(block)
        spec.objectives = list(dict.fromkeys(tag for tag, _ in tags))
        spec.tag_lines = {tag: line for tag, line in reversed(tags)}
        specs.append(spec)
    return specs


def _blocks(text: str) -> Iterator[tuple[_Block, list[tuple[str, int]]]]:
    """Each question's lines, with the objective tags (and their lines) written for it."""
    kept: list[tuple[int, str]] = []
    tags: list[tuple[str, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if kept:
                yield _make_block(kept), tags
                tags = []
            kept = []
        elif stripped.startswith("//"):
            tags.extend((tag, number) for tag in _OBJECTIVE_TAG_RE.findall(stripped))
        elif not stripped.startswith("$CATEGORY:"):
            kept.append((number, line))
    if kept:
        yield _make_block(kept), tags


def _make_block(lines: list[tuple[int, str]]) -> _Block:
    starts, offset = [], 0
    for number, line in lines:
        starts.append((offset, number))
        offset += len(line) + 1
    raw = "\n".join(line for _, line in lines)
    masked = ESCAPE_RE.sub("\0\0", raw)
    return _Block(raw, masked, tuple(starts))


def _parse_question(block: _Block) -> QuestionSpec:
    end = len(block.raw)
    pos = block.skip_space(0, end)
    title = ""
    if block.masked.startswith("::", pos):
        close = block.masked.find("::", pos + 2)
        if close == -1:
            raise block.error(pos, "unclosed title (missing the closing '::')")
        title = block.text(pos + 2, close)
        pos = block.skip_space(close + 2, end)
    prompt_format = PromptFormat.PLAIN
    if marker := _FORMAT_RE.match(block.masked, pos):
        prompt_format = _FORMATS[marker.group(1)]
        pos = marker.end()
    opening, closing = _find_answer_block(block, pos)
    before, after = block.raw[pos:opening], block.raw[closing + 1 :]
    raw_prompt = before + MISSING_WORD_BLANK + after if after.strip() else before
    prompt = unescape(raw_prompt.strip())
    if not prompt:
        raise block.error(pos, "the question has no text")
    spec = _parse_answer_block(block, opening + 1, closing)
    spec.title, spec.prompt, spec.prompt_format = title, prompt, prompt_format
    spec.source_line = block.line_starts[0][1]
    return spec


def _find_answer_block(block: _Block, pos: int) -> tuple[int, int]:
    masked = block.masked
    opening, closing = masked.find("{", pos), masked.find("}", pos)
    if opening == -1 and closing == -1:
        raise block.error(pos, "no answer block: description questions are not supported")
    if opening == -1 or -1 < closing < opening:
        raise block.error(closing, "'}' without an opening '{' (write \\} for a brace)")
    if closing == -1:
        raise block.error(opening, "unclosed answer block (a question ends at a blank line)")
    if (nested := masked.find("{", opening + 1, closing)) != -1:
        raise block.error(nested, "'{' inside an answer block (write \\{ for a brace)")
    extras = [p for p in (masked.find("{", closing), masked.find("}", closing + 1)) if p != -1]
    if extras:
        raise block.error(min(extras), "more than one answer block in a question")
    return opening, closing


def _parse_answer_block(block: _Block, start: int, end: int) -> QuestionSpec:
    general = ""
    if (separator := block.masked.find("####", start, end)) != -1:
        general = block.text(separator + 4, end)
        end = separator
    body = block.masked[start:end].strip()
    start = block.skip_space(start, end)
    if not body:
        raise block.error(start, "essay questions ({}) are not supported")
    if body.startswith("#"):
        spec = _parse_numeric(block, start + 1, end)
    elif "~" in body:
        spec = _parse_multichoice(block, start, end)
    elif body.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        spec = _parse_true_false(block, start, end)
    elif body.startswith("="):
        spec = _parse_short_or_matching(block, start, end)
    else:
        raise block.error(start, "answers must start with '=' (right) or '~' (wrong)")
    spec.general_feedback = general
    return spec


@dataclass
class _Answer:
    marker: str  #: "=", "~", or "" for text before the first marker
    start: int
    end: int


def _split_answers(block: _Block, start: int, end: int, markers: str) -> list[_Answer]:
    answers, current = [], _Answer("", start, end)
    for pos in range(start, end):
        if block.masked[pos] in markers:
            current.end = pos
            answers.append(current)
            current = _Answer(block.masked[pos], pos + 1, end)
    answers.append(current)
    if not block.masked[answers[0].start : answers[0].end].strip():
        answers.pop(0)
    return answers


def _take_weight(block: _Block, answer: _Answer) -> float | None:
    """Read a leading ``%n%`` weight, moving ``answer.start`` past it."""
    pos = block.skip_space(answer.start, answer.end)
    match = _WEIGHT_RE.match(block.masked, pos, answer.end)
    if match is None:
        if block.masked.startswith("%", pos) and "%" in block.masked[pos + 1 : answer.end]:
            raise block.error(pos, "malformed weight: write it like %50% or %-25%")
        return None
    percent = Decimal(match.group(1))
    if not -100 <= percent <= 100:
        raise block.error(pos, f"weight {match.group(1)}% is outside -100%..100%")
    answer.start = match.end()
    return float(percent / 100)


def _feedback_start(block: _Block, answer: _Answer) -> int:
    sharp = block.masked.find("#", answer.start, answer.end)
    return answer.end if sharp == -1 else sharp


def _take_feedback(block: _Block, answer: _Answer) -> str:
    """Split off ``#feedback`` (everything after the first ``#``), moving ``answer.end``."""
    sharp = _feedback_start(block, answer)
    feedback = block.text(sharp + 1, answer.end)
    answer.end = sharp
    return feedback


def _answer_text(block: _Block, answer: _Answer) -> str:
    text = block.text(answer.start, answer.end)
    if not text:
        raise block.error(answer.start, "an answer has no text")
    return text


def _parse_multichoice(block: _Block, start: int, end: int) -> QuestionSpec:
    answers = _split_answers(block, start, end, "~=")
    if answers[0].marker == "":
        raise block.error(answers[0].start, "text before the first answer ('=' or '~')")
    single = any(a.marker == "=" for a in answers)
    choices = []
    for number, answer in enumerate(answers, start=1):
        weight = _take_weight(block, answer)
        if answer.marker == "=" and weight not in (None, 1.0):
            raise block.error(answer.start, "'=' marks the correct answer; use ~%n% for partial")
        if single and answer.marker == "~" and weight == 1.0:
            raise block.error(answer.start, "only the one '=' answer may be worth 100%")
        fraction = 1.0 if answer.marker == "=" else (weight or 0.0)
        feedback = _take_feedback(block, answer)
        choices.append(ChoiceSpec(number, _answer_text(block, answer), fraction, feedback))
    if len(choices) < 2:
        raise block.error(start, "multiple choice needs at least 2 choices")
    if single:
        if sum(a.marker == "=" for a in answers) > 1:
            raise block.error(start, "more than one '=' answer (use ~%n% weights for several)")
        return QuestionSpec(QuestionType.SINGLE, "", choices=choices)
    positive = sum(c.fraction for c in choices if c.fraction > 0)
    if positive == 0:
        raise block.error(start, "no correct answer (mark it with '=' or a ~%n% weight)")
    if abs(positive - 1) >= 0.005:
        raise block.error(start, f"positive weights add up to {positive:.2%}, not 100%")
    return QuestionSpec(QuestionType.MULTIPLE, "", choices=choices)


def _parse_true_false(block: _Block, start: int, end: int) -> QuestionSpec:
    """Moodle splits at most twice on '#': wrong feedback, then right feedback (the rest)."""
    first = block.masked.find("#", start, end)
    second = -1 if first == -1 else block.masked.find("#", first + 1, end)
    wrong = right = ""
    if second != -1:
        wrong, right = block.text(first + 1, second), block.text(second + 1, end)
    elif first != -1:
        wrong = block.text(first + 1, end)
    is_true = _TRUE_FALSE[block.text(start, end if first == -1 else first).upper()]
    true_fb, false_fb = (right, wrong) if is_true else (wrong, right)
    choices = [
        ChoiceSpec(1, "True", 1.0 if is_true else 0.0, true_fb),
        ChoiceSpec(2, "False", 0.0 if is_true else 1.0, false_fb),
    ]
    return QuestionSpec(QuestionType.TRUE_FALSE, "", choices=choices)


def _parse_short_or_matching(block: _Block, start: int, end: int) -> QuestionSpec:
    answers = _split_answers(block, start, end, "=")
    arrows = [block.masked.find("->", a.start, _feedback_start(block, a)) for a in answers]
    if all(arrow != -1 for arrow in arrows):
        return _parse_matching(block, answers, arrows)
    if any(arrow != -1 for arrow in arrows):
        raise block.error(start, "matching pairs need '->' in every '=' answer")
    choices = []
    for number, answer in enumerate(answers, start=1):
        weight = _take_weight(block, answer)
        feedback = _take_feedback(block, answer)
        text = _answer_text(block, answer)
        choices.append(ChoiceSpec(number, text, 1.0 if weight is None else weight, feedback))
    if not any(c.fraction == 1.0 for c in choices):
        raise block.error(start, "no correct answer: one answer must be worth 100%")
    return QuestionSpec(QuestionType.SHORT, "", choices=choices)


def _parse_matching(block: _Block, answers: list[_Answer], arrows: list[int]) -> QuestionSpec:
    pairs = []
    for number, (answer, arrow) in enumerate(zip(answers, arrows, strict=True), start=1):
        if (sharp := block.masked.find("#", answer.start, answer.end)) != -1:
            raise block.error(sharp, "matching pairs take no feedback (write \\# for a '#')")
        left = block.text(answer.start, arrow)
        right = block.text(arrow + 2, answer.end)
        if not right:
            raise block.error(arrow, "a matching pair has nothing after '->'")
        pairs.append(MatchPairSpec(number, left, right))
    if len(pairs) < 3 or sum(bool(p.prompt) for p in pairs) < 2:
        raise block.error(answers[0].start, "matching needs at least 3 pairs, 2 with a prompt")
    return QuestionSpec(QuestionType.MATCHING, "", pairs=pairs)


def _parse_numeric(block: _Block, start: int, end: int) -> QuestionSpec:
    if (tilde := block.masked.find("~", start, end)) != -1:
        raise block.error(tilde, "'~' wrong-answer feedback in numeric questions is unsupported")
    answers = _split_answers(block, start, end, "=")
    if not answers:
        raise block.error(start, "numeric question has no answers")
    numeric = []
    for answer in answers:
        weight = _take_weight(block, answer)
        feedback = _take_feedback(block, answer)
        spec = _numeric_answer(block, answer)
        spec.fraction, spec.feedback = 1.0 if weight is None else weight, feedback
        numeric.append(spec)
    if not any(n.fraction == 1.0 for n in numeric):
        raise block.error(start, "no correct answer: one answer must be worth 100%")
    return QuestionSpec(QuestionType.NUMERIC, "", numeric=numeric)


def _numeric_answer(block: _Block, answer: _Answer) -> NumericAnswerSpec:
    masked = block.masked
    if (dots := masked.find("..", answer.start, answer.end)) != -1:
        low = _number(block, answer.start, dots)
        high = _number(block, dots + 2, answer.end)
        if low > high:
            raise block.error(dots, "range minimum is greater than its maximum")
        return NumericAnswerSpec(0.0, low=low, high=high)
    if (colon := masked.find(":", answer.start, answer.end)) != -1:
        tolerance = _number(block, colon + 1, answer.end)
        if tolerance < 0:
            raise block.error(colon, "tolerance must not be negative")
        value = _number(block, answer.start, colon)
        return NumericAnswerSpec(0.0, value=value, tolerance=tolerance)
    return NumericAnswerSpec(0.0, value=_number(block, answer.start, answer.end))


def _number(block: _Block, start: int, end: int) -> float:
    text = block.raw[start:end].strip()
    if not NUMBER_RE.fullmatch(text) or not math.isfinite(value := float(text)):
        raise block.error(start, f"not a number: {text!r}")
    return value
