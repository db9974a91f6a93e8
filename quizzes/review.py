"""The review of a submitted attempt: what the trainee answered beside what was right, the
feedback next to the choice it was written for, where to revise, and what to do next.

One builder serves the trainee's result page and the instructor's attempt review, so both
show the same thing; ``reveal`` (the quiz's review policy) decides whether the right answers
and the feedback are included. Nothing here knows the web: links are endpoints and arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from modules.models import Course, Lesson, Module
from quizzes.grading import _best_numeric, _best_short, format_number
from quizzes.hotspot import hotspot_review, hotspot_summary
from quizzes.models import Attempt, Question, Quiz
from quizzes.results import QuizResult
from quizzes.spec import QuestionSpec, QuestionType

CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


@dataclass
class ReviewOption:
    text: str
    chosen: bool
    correct: bool | None  #: None when the policy hides the answers
    feedback: str = ""


@dataclass
class ReviewRow:
    """A typed answer (numeric, short) or a matching item: the trainee's beside the right one."""

    label: str
    given: str
    expected: str | None
    correct: bool | None
    feedback: str = ""


@dataclass
class LessonLink:
    id: int
    title: str


@dataclass
class Teaching:
    """Where a question is taught: the lessons naming an objective it examines, else its module."""

    module_id: int
    module_position: int
    module_title: str
    #: empty when no published lesson of the module names one of the question's objectives
    lessons: list[LessonLink] = field(default_factory=list)
    #: the module's first published lesson, where "revise the module" starts
    first_lesson_id: int | None = None


@dataclass
class ReviewItem:
    position: int
    title: str
    prompt_html: str
    points: float
    score: float | None
    outcome: str  #: correct, partial, incorrect or unanswered
    options: list[ReviewOption] = field(default_factory=list)
    rows: list[ReviewRow] = field(default_factory=list)
    general_feedback: str = ""
    #: a hotspot question's zones and marks to draw (``quizzes.hotspot.hotspot_review``), when revealed
    hotspot: dict | None = None
    #: where to revise it (None when its module is not in the loaded course)
    teaching: Teaching | None = None


@dataclass
class NextStep:
    label: str
    endpoint: str
    args: dict


def _outcome(fraction: float | None, answered: bool) -> str:
    if not answered:
        return "unanswered"
    if fraction is not None and fraction >= 1:
        return "correct"
    return "partial" if fraction else "incorrect"


def _choice_options(spec: QuestionSpec, order: list[int], answer: dict, reveal: bool) -> list[ReviewOption]:
    by_id = {choice.id: choice for choice in spec.choices}
    picked = set(answer.get("choices") or []) | {answer.get("choice")}
    options = []
    for choice_id in order or list(by_id):
        choice = by_id.get(choice_id)
        if choice is None:
            continue
        chosen = choice.id in picked
        options.append(ReviewOption(
            text=choice.text, chosen=chosen,
            correct=(choice.fraction > 0) if reveal else None,
            feedback=choice.feedback if reveal else "",
        ))
    return options


def _typed_rows(spec: QuestionSpec, answer: dict, fraction: float | None, reveal: bool) -> list[ReviewRow]:
    if spec.qtype is QuestionType.NUMERIC:
        given = format_number(answer["value"]) if isinstance(answer.get("value"), int | float) else ""
        best = _best_numeric(spec, answer) if answer else None
        right = [n for n in spec.numeric if n.fraction >= 1]
        expected = " or ".join(
            (format_number(n.value) + (f" ± {format_number(n.tolerance)}" if n.tolerance else ""))
            if n.value is not None else f"{format_number(n.low or 0)} to {format_number(n.high or 0)}"
            for n in right
        )
    else:
        given = answer.get("text", "") if answer else ""
        best = _best_short(spec, answer) if answer else None
        expected = " or ".join(c.text for c in spec.choices if c.fraction >= 1)
    return [ReviewRow(
        label="Your answer", given=given or "no answer", expected=expected if reveal else None,
        correct=(fraction is not None and fraction >= 1) if reveal else None,
        feedback=(best.feedback if best else "") if reveal else "",
    )]


def _matching_rows(spec: QuestionSpec, answer: dict, reveal: bool) -> list[ReviewRow]:
    matches = (answer or {}).get("matches") or {}
    rows = []
    for pair in spec.pairs:
        if not pair.prompt.strip():
            continue
        given = matches.get(str(pair.id)) or matches.get(pair.id) or ""
        rows.append(ReviewRow(label=pair.prompt, given=given or "no answer",
                              expected=pair.answer if reveal else None,
                              correct=(given == pair.answer) if reveal else None))
    return rows


def _hotspot_rows(spec: QuestionSpec, answer: dict, fraction: float | None, reveal: bool) -> list[ReviewRow]:
    marks = answer.get("marks") or []
    given = "; ".join(f"{x}% across, {y}% down" for x, y in marks)
    return [ReviewRow(label="Your marks", given=given or "no answer",
                      expected=hotspot_summary(spec) if reveal else None,
                      correct=(fraction is not None and fraction >= 1) if reveal else None)]


def teaching(question: Question, modules: dict[int, Module]) -> Teaching | None:
    """The published lessons of the question's module that teach one of its objectives.

    Lessons name objectives in their front matter (``Lesson.objectives``); when none does for
    this question, the module itself is the place to revise. ``modules`` is the loaded course
    outline, so a review costs no query per question.
    """
    module = modules.get(question.module_id)
    if module is None:
        return None
    published = [lesson for lesson in module.lessons if lesson.published]
    examined = set(question.objectives or [])
    return Teaching(
        module_id=module.id, module_position=module.position, module_title=module.title,
        lessons=[LessonLink(lesson.id, lesson.title) for lesson in published
                 if examined & set(lesson.objectives or [])],
        first_lesson_id=published[0].id if published else None,
    )


def review_items(attempt: Attempt, questions: Mapping[int, Question], *, reveal: bool,
                 course: Course | None = None) -> list[ReviewItem]:
    """Per question of a submitted attempt, in the order the trainee saw them.

    ``questions`` maps question ids to the questions (``quizzes.content``). With ``course``
    (``quizzes.access.quiz_course``), each item says where its question is taught.
    """
    layout = {entry["question_id"]: entry for entry in attempt.layout}
    modules = {module.id: module for module in course.modules} if course is not None else {}
    items = []
    for response in attempt.responses:
        question = questions[response.question_id]
        spec = question.spec()
        answer = response.answer or {}
        item = ReviewItem(
            position=response.position, title=question.title or "", prompt_html=question.prompt_html,
            points=question.points, score=response.score,
            outcome=_outcome(response.fraction, response.answer is not None),
            general_feedback=(question.general_feedback or "") if reveal else "",
            teaching=teaching(question, modules),
        )
        if spec.qtype in CHOICE_TYPES:
            order = layout.get(question.id, {}).get("choice_order", [])
            item.options = _choice_options(spec, order, answer, reveal)
        elif spec.qtype is QuestionType.MATCHING:
            item.rows = _matching_rows(spec, answer, reveal)
        elif spec.qtype is QuestionType.HOTSPOT:
            item.rows = _hotspot_rows(spec, answer, response.fraction, reveal)
            item.hotspot = hotspot_review(spec, response.answer) if reveal else None
        else:
            item.rows = _typed_rows(spec, answer, response.fraction, reveal)
        items.append(item)
    return items


def attempts_left(quiz: Quiz, result: QuizResult) -> int | None:
    """None when attempts are unlimited."""
    if quiz.attempts_allowed is None:
        return None
    return max(0, quiz.attempts_allowed - result.attempts_used)


def retry_step(quiz: Quiz, course: Course, result: QuizResult) -> NextStep | None:
    """Until the quiz is passed: revise and try again, or ask the instructor when no attempt is left.

    Once it is passed, the completion engine's next step is the way on (``None`` here).
    """
    if result.passed:
        return None
    module = quiz_module(quiz, course)
    if attempts_left(quiz, result) == 0:
        return NextStep("Back to the course (no attempts left: ask your instructor)", "courses.course",
                        {"slug": course.slug})
    label = f"Revise module {module.position}, then try again" if module else "Revise, then try again"
    return NextStep(label, "quizzes.quiz", {"quiz_id": quiz.id})


def revision_lessons(quiz: Quiz, course: Course) -> list[Lesson]:
    """The lessons of the quiz's module: where the questions are taught."""
    module = quiz_module(quiz, course)
    return list(module.lessons) if module is not None else []


def quiz_module(quiz: Quiz, course: Course) -> Module | None:
    """The module the quiz closes, from the loaded course."""
    return next((m for m in course.modules if m.id == quiz.module_id), None)

