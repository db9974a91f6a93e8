"""Question pools: create, edit, retire, GIFT import (all or nothing) and export."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from modules.rendering import render_markdown, sanitize_html
from quizzes.gift import GiftError, parse_gift
from quizzes.gift_export import export_gift
from quizzes.models import Question
from quizzes.spec import PromptFormat, QuestionSpec, QuestionType
from training.audit import record_event
from training.audit.changes import record_changes, snapshot
from training.errors import RuleViolation
from training.extensions import db

MAX_GIFT_BYTES = 1024 * 1024


class QuestionError(RuleViolation):
    """The question breaks a rule; ``field`` names the form field concerned."""


def render_prompt(spec: QuestionSpec) -> str:
    if spec.prompt_format == PromptFormat.HTML:
        return sanitize_html(spec.prompt)
    if spec.prompt_format == PromptFormat.PLAIN:
        return "".join(f"<p>{escape(part)}</p>" for part in spec.prompt.split("\n\n"))
    return render_markdown(spec.prompt)


def check_spec(spec: QuestionSpec) -> None:
    """The rules every question must meet, whichever way it was written."""
    if not spec.prompt.strip():
        raise QuestionError("The question needs a prompt.", "prompt")
    if not 0 < spec.points <= 100:
        raise QuestionError("Points must be more than 0 and at most 100.", "points")
    kind = spec.qtype
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(spec.choices) < 2:
            raise QuestionError("Give at least two choices.", "choices")
        if any(not -1 <= c.fraction <= 1 for c in spec.choices):
            raise QuestionError("Choice weights must be between -100% and 100%.", "choices")
    if kind == QuestionType.SINGLE and max(c.fraction for c in spec.choices) < 1:
        raise QuestionError("Mark one choice as fully correct (100%).", "choices")
    if kind == QuestionType.MULTIPLE:
        positive = sum(c.fraction for c in spec.choices if c.fraction > 0)
        if abs(positive - 1) > 0.005:
            raise QuestionError("The weights of the correct choices must add up to 100%.", "choices")
    if kind == QuestionType.TRUE_FALSE and sorted(c.fraction for c in spec.choices) != [0, 1]:
        raise QuestionError("Say whether the statement is true or false.", "choices")
    if kind == QuestionType.SHORT and not any(c.fraction == 1 and c.text.strip() for c in spec.choices):
        raise QuestionError("Give at least one fully accepted answer.", "choices")
    if kind == QuestionType.NUMERIC:
        if not any(n.fraction == 1 for n in spec.numeric):
            raise QuestionError("Give at least one fully correct number or range.", "numeric")
        for n in spec.numeric:
            if n.value is None and (n.low is None or n.high is None or n.low > n.high):
                raise QuestionError("Give a value (with a tolerance) or a range from low to high.", "numeric")
            if n.tolerance < 0:
                raise QuestionError("A tolerance cannot be negative.", "numeric")
    if kind == QuestionType.MATCHING:
        real = [p for p in spec.pairs if p.prompt.strip()]
        if len(real) < 2 or len(spec.pairs) < 3:
            raise QuestionError("A matching question needs at least three pairs.", "pairs")


#: the stored fields of a question that an edit can change, in the audit's diff order
QUESTION_FIELDS = ("qtype", "title", "prompt", "prompt_format", "points", "general_feedback", "data")


def apply_spec(question: Question, spec: QuestionSpec) -> bool:
    """Copy ``spec`` onto ``question``; bump its version when anything graded changed.

    An edit of a stored question is audited with the old and new value of each changed field.
    """
    check_spec(spec)
    values = {
        "qtype": spec.qtype.value, "title": spec.title.strip()[:200], "prompt": spec.prompt,
        "prompt_format": spec.prompt_format.value, "points": float(spec.points),
        "general_feedback": spec.general_feedback, "data": spec.answer_data(),
    }
    changed = any(getattr(question, key) != value for key, value in values.items())
    if not changed:
        return False
    before = snapshot(question, values)
    for key, value in values.items():
        setattr(question, key, value)
    question.prompt_html = render_prompt(spec)
    if question.id is not None:
        question.version = (question.version or 1) + 1
        record_changes("question.edited", f"question:{question.id}", before, snapshot(question, values),
                       module_id=question.module_id, version=question.version)
    return True


def add_question(module_id: int, spec: QuestionSpec) -> Question:
    question = Question(module_id=module_id, version=1)
    apply_spec(question, spec)
    db.session.add(question)
    db.session.flush()
    return question


def save_question(question: Question, spec: QuestionSpec) -> bool:
    """An author's save: a new question joins its pool (audited), a stored one is edited."""
    is_new = question.id is None
    changed = apply_spec(question, spec)
    if is_new:
        db.session.add(question)
        db.session.flush()
        record_changes("question.created", f"question:{question.id}", {},
                       snapshot(question, QUESTION_FIELDS), module_id=question.module_id)
    return changed


def pool_questions(module_id: int, include_retired: bool = False) -> list[Question]:
    stmt = select(Question).where(Question.module_id == module_id)
    if not include_retired:
        stmt = stmt.where(Question.retired.is_(False))
    return list(db.session.scalars(stmt.order_by(Question.id)))


def decode_gift_upload(raw: bytes) -> str:
    """The text of an uploaded .gift file, refusing binary or oversized data."""
    if len(raw) > MAX_GIFT_BYTES:
        raise GiftError(1, f"the file is larger than {MAX_GIFT_BYTES // 1024} KiB")
    if b"\x00" in raw:
        raise GiftError(1, "this is not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise GiftError(line, "the file is not UTF-8 text") from err


def import_gift(module_id: int, text: str) -> list[Question]:
    """Add every question of ``text`` to the pool, or none: the first problem stops it."""
    specs = parse_gift(text)
    if not specs:
        raise GiftError(1, "the file contains no questions")
    for spec in specs:
        try:
            check_spec(spec)
        except QuestionError as err:
            raise GiftError(spec.source_line or 1, str(err)) from err
    added = [add_question(module_id, spec) for spec in specs]
    record_event("questions.imported", f"module:{module_id}",
                 {"format": "gift", "count": len(added), "question_ids": [q.id for q in added],
                  "titles": [q.title for q in added]})
    return added


def export_pool(module_id: int) -> str:
    return export_gift(q.spec() for q in pool_questions(module_id))
