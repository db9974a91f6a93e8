"""Question pools: create, edit, retire, GIFT import (all or nothing) and export."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from modules.media.services import assets_by_hash, referenced_hashes, set_question_uses
from modules.models import Module, objective_pairs
from modules.rendering import render_markdown, sanitize_html
from quizzes.gift import GiftError, parse_gift
from quizzes.gift_export import export_gift_report
from quizzes.hotspot import hotspot_problem
from quizzes.models import Question
from quizzes.services import set_question_retired
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
    if kind == QuestionType.HOTSPOT and (problem := hotspot_problem(spec)):
        raise QuestionError(problem, "zones")
    if kind == QuestionType.MATCHING:
        real = [p for p in spec.pairs if p.prompt.strip()]
        if len(real) < 2 or len(spec.pairs) < 3:
            raise QuestionError("A matching question needs at least three pairs.", "pairs")


#: the stored fields of a question that an edit can change, in the audit's diff order
QUESTION_FIELDS = ("qtype", "title", "prompt", "prompt_format", "points", "general_feedback", "data")


def apply_spec(question: Question, spec: QuestionSpec) -> bool:
    """Copy ``spec`` onto ``question``; bump its version when anything graded changed.

    Objectives are not graded, so a change of objectives alone keeps the version. An edit of a
    stored question is audited with the old and new value of each changed field. Returns whether
    anything changed.
    """
    check_spec(spec)
    values = {
        "qtype": spec.qtype.value, "title": spec.title.strip()[:200], "prompt": spec.prompt,
        "prompt_format": spec.prompt_format.value, "points": float(spec.points),
        "general_feedback": spec.general_feedback, "data": spec.answer_data(),
    }
    audited = (*QUESTION_FIELDS, "objectives")
    before = snapshot(question, audited)
    question.objectives = list(spec.objectives)
    graded_change = any(getattr(question, key) != value for key, value in values.items())
    if graded_change:
        for key, value in values.items():
            setattr(question, key, value)
        question.prompt_html = render_prompt(spec)
        if question.id is not None:
            question.version = (question.version or 1) + 1
    if question.id is None:
        return True
    changes = record_changes("question.edited", f"question:{question.id}", before, snapshot(question, audited),
                             module_id=question.module_id, version=question.version)
    return bool(changes)


def add_question(module_id: int, spec: QuestionSpec) -> Question:
    question = Question(module_id=module_id, version=1)
    apply_spec(question, spec)
    db.session.add(question)
    db.session.flush()
    sync_media_uses(question)
    return question


def sync_media_uses(question: Question) -> None:
    """Record the library images the question shows (its chart, images in its prompt)."""
    course_id = db.session.scalar(select(Module.course_id).where(Module.id == question.module_id))
    hashes = referenced_hashes(question.prompt)
    if question.qtype == QuestionType.HOTSPOT and (image := (question.data or {}).get("image")):
        hashes.add(image.split(".")[0])
    set_question_uses(question.id, list(assets_by_hash(course_id, hashes).values()))


def save_question(question: Question, spec: QuestionSpec) -> bool:
    """An author's save: a new question joins its pool (audited), a stored one is edited.

    Either way the library images it shows are recorded as in use.
    """
    is_new = question.id is None
    changed = apply_spec(question, spec)
    if is_new:
        db.session.add(question)
        db.session.flush()
        record_changes("question.created", f"question:{question.id}", {},
                       snapshot(question, (*QUESTION_FIELDS, "objectives")), module_id=question.module_id)
    sync_media_uses(question)
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
    module = db.session.get(Module, module_id)
    known = {key for key, _ in objective_pairs(module)} if module is not None else set()
    for spec in specs:
        check_objective_tags(spec, known)
        try:
            check_spec(spec)
        except QuestionError as err:
            raise GiftError(spec.source_line or 1, str(err)) from err
    added = [add_question(module_id, spec) for spec in specs]
    record_import(module_id, "gift", added)
    return added


def record_import(module_id: int, source: str, added: list[Question]) -> None:
    """One audit entry for questions added together (a GIFT or hotspot file, the curriculum)."""
    if added:
        record_event("questions.imported", f"module:{module_id}",
                     {"format": source, "count": len(added), "question_ids": [q.id for q in added],
                      "titles": [q.title for q in added]})


def check_objective_tags(spec: QuestionSpec, known: set[str]) -> None:
    """Every objective a question names must be one of its module's objectives."""
    for objective in spec.objectives:
        if objective not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise GiftError(spec.tag_lines.get(objective, spec.source_line or 1),
                            f"unknown objective '{objective}' (this module's objectives: {listed})")


def export_pool(module_id: int) -> tuple[str, list[str]]:
    """The pool as GIFT, opened by a comment naming any question GIFT cannot hold; and those titles."""
    text, skipped = export_gift_report(q.spec() for q in pool_questions(module_id))
    titles = [spec.title or spec.prompt[:60] for spec in skipped]
    if titles:
        note = (f"// {len(titles)} hotspot question(s) left out: GIFT has no syntax for them; "
                "export them as hotspot JSON instead:\n" + "".join(f"//   {t}\n" for t in titles) + "\n")
        text = note + text
    return text, titles


def upsert_questions(module: Module, specs: list[QuestionSpec],
                     existing: dict[str, Question]) -> tuple[int, list[Question]]:
    """Content loading: update questions matched by title (restoring retired ones), add the others.

    Returns how many changed and the added questions. Edits and restores are audited one by one;
    the caller records the additions as one import.
    """
    touched, added = 0, []
    for spec in specs:
        question = existing.pop(spec.title, None)
        if question is None:
            added.append(add_question(module.id, spec))
            touched += 1
        else:
            set_question_retired(question, False)
            touched += apply_spec(question, spec)
            sync_media_uses(question)
    return touched, added
