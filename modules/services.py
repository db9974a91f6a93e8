"""Content rules: ordering, revisions, publication, enrolment and lesson completion.

Every check runs before the first attribute changes, and under ``no_autoflush``, so a refused
change never reaches the database half-applied (an autoflush of a clashing slug would
otherwise surface as an IntegrityError instead of a message next to the field).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from modules.content_parts import OBJECTIVE_ID
from modules.media.errors import MediaError
from modules.media.figures import check_figures
from modules.media.services import record_revision_uses
from modules.models import Course, Enrolment, Lesson, LessonCompletion, LessonRevision, Module
from modules.rendering import render_markdown
from modules.seat_time import seat_time
from modules.signals import lesson_completed  # also importable from here, as before
from training.audit import record_event
from training.audit.changes import record_changes, save_with_changes, snapshot
from training.errors import RuleViolation
from training.extensions import db

MAX_TITLE = 200
COURSE_FIELDS = (
    "code", "slug", "title", "summary", "provider", "approval_number", "practical_hours",
    "requires_signoff", "signoff_checklist", "seat_time_percent", "prerequisites",
)


class SeatTimeError(ValueError):
    """A lesson marked complete before the course's seat-time rule is met."""


class ContentError(RuleViolation):
    """A content rule was broken; ``field`` names the form field concerned."""


def place(items: Sequence, item, position: int) -> None:
    """Move ``item`` to 1-based ``position`` among ``items`` and renumber all without gaps."""
    ordered = sorted((i for i in items if i is not item), key=lambda i: i.position or 0)
    if not 1 <= position <= len(ordered) + 1:
        raise ContentError(f"Position must be between 1 and {len(ordered) + 1}.", "position")
    ordered.insert(position - 1, item)
    for index, each in enumerate(ordered, start=1):
        each.position = index


def renumber(items: Sequence) -> None:
    """Close the gaps left by a removed item, keeping the order."""
    for index, each in enumerate(sorted(items, key=lambda i: i.position), start=1):
        each.position = index


def check_title(title: str, field: str = "title") -> None:
    """Titles are required and fit their column; checked here so no layer can skip it."""
    if not (title or "").strip():
        raise ContentError("A title is required.", field)
    if len(title) > MAX_TITLE:
        raise ContentError(
            f"The title is {len(title)} characters; the limit is {MAX_TITLE}.", field
        )


def save_course(course: Course, values: dict) -> Course:
    """Apply ``values`` after checking that no other course uses the code or slug."""
    check_title(values.get("title", course.title))
    with db.session.no_autoflush:
        for name in ("slug", "code"):
            value = values.get(name, getattr(course, name))
            column = getattr(Course, name)
            query = select(Course.id).where(column == value)
            if course.id is not None:
                query = query.where(Course.id != course.id)
            if db.session.scalar(query) is not None:
                raise ContentError(f"Another course already uses the {name} '{value}'.", name)
    # approval, hours and completion rules are what a certificate attests: keep every change
    save_with_changes(course, values, "course", code=values.get("code", course.code))
    return course


def _check_slug(siblings: Sequence, item, slug: str, kind: str) -> None:
    """Slugs address items in URLs and content files, so siblings may not share one."""
    if any(s is not item and s.slug == slug for s in siblings):
        raise ContentError(f"Another {kind} here already uses the slug '{slug}'.", "slug")


def _fit_among(siblings: list, item, slug: str, kind: str, position: int | None) -> bool:
    """Check ``slug`` among ``siblings`` and place ``item``; True when it is new there.

    Runs without autoflush so that a slug clash is reported before the database sees it.
    """
    with db.session.no_autoflush:
        _check_slug(siblings, item, slug, kind)
        is_new = item not in siblings
        if position is not None or is_new:
            place(siblings, item, len(siblings) + 1 if position is None else position)
    return is_new


def objective_lines(module: Module) -> str:
    """The objectives as the module form shows them: ``[id] text`` where the id is not positional."""
    from modules.models import objective_pairs

    return "\n".join(text if key == f"o{n}" else f"[{key}] {text}"
                     for n, (key, text) in enumerate(objective_pairs(module), start=1))


def parse_objective_lines(items: list[str]) -> tuple[list[str], list[str]]:
    """(ids, texts) from form lines; ``[id] text`` names an id, a plain line takes ``o<position>``.

    Questions and blueprints name objectives by id, so an author who reorders objectives
    keeps the links by naming the ids.
    """
    ids, texts = [], []
    for position, item in enumerate(items, start=1):
        key, text = f"o{position}", item
        if item.startswith("[") and "]" in item:
            key, _, text = item[1:].partition("]")
            key, text = key.strip(), text.strip()
            if not OBJECTIVE_ID.match(key) or not text:
                raise ContentError(f"Line {position}: write '[id] text', the id in lower-case letters and digits "
                                   "joined by hyphens.",
                                   "objectives")
        if key in ids:
            raise ContentError(f"Line {position}: the objective id '{key}' is used twice.", "objectives")
        ids.append(key)
        texts.append(text)
    return ids, texts


def save_module(course: Course, module: Module, *, position: int | None = None, **values) -> Module:
    """Create or edit ``module`` (title, slug, objectives, intro, published) in ``course``."""
    check_title(values.get("title", module.title))
    is_new = _fit_among(course.modules, module, values.get("slug", module.slug), "module", position)
    for name, value in values.items():
        setattr(module, name, value)
    if is_new:
        course.modules.append(module)
    update_contact_hours(course)
    return module


def save_lesson(
    module: Module, lesson: Lesson, *, title: str, body: str, author=None,
    position: int | None = None, **values,
) -> LessonRevision | None:
    """Create or edit ``lesson`` (slug, minutes, published, objectives); a changed text makes a revision.

    The edit is audited with each changed field, the revision number standing for the text (the
    revision keeps the words): minutes decide contact hours, and objectives say what a lesson
    teaches, so a board may ask what a lesson was on a given day.
    """
    check_title(title)
    check_body(body)
    before = {} if lesson.id is None else _lesson_record(lesson)
    is_new = _fit_among(module.lessons, lesson, values.get("slug", lesson.slug), "lesson", position)
    for name, value in values.items():
        setattr(lesson, name, value)
    if is_new:
        module.lessons.append(lesson)
    revision = save_revision(lesson, title, body, author=author)
    db.session.flush()
    record_changes("lesson.created" if not before else "lesson.edited", f"lesson:{lesson.id}", before,
                   _lesson_record(lesson), module_id=module.id)
    update_contact_hours(module.course)
    return revision


def _lesson_record(lesson: Lesson) -> dict:
    """What the audit log keeps of a lesson: its settings and which revision holds its text."""
    revision = lesson.current_revision
    return {**snapshot(lesson, LESSON_AUDITED), "revision": revision.number if revision is not None else None}


#: the lesson fields an edit is audited by (the text is audited as its revision number)
LESSON_AUDITED = ("title", "slug", "minutes", "published", "objectives")


def check_body(body: str) -> None:
    """A lesson with no text would show trainees an empty page they must still complete."""
    if not (body or "").strip():
        raise ContentError("The lesson body cannot be empty.", "body")


def save_revision(lesson: Lesson, title: str, body: str, author=None) -> LessonRevision | None:
    """Record a new revision when the title or body changed; returns it, or None if unchanged.

    Line endings are normalised first: browsers send CRLF from a textarea, and an unchanged
    lesson saved from the form must not count as a new version.
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    check_title(title)
    check_body(body)
    try:
        check_figures(body)
    except MediaError as err:
        raise ContentError(str(err), "body") from err
    current = lesson.current_revision
    lesson.title = title
    if current is not None and current.body == body and current.title == title:
        return None
    last = 0
    if lesson.id is not None:
        last = db.session.scalar(
            select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
        ) or 0
    revision = LessonRevision(
        number=last + 1,
        title=title,
        body=body,
        html=render_markdown(body),
        author_id=author.id if author is not None else None,
        author_name=author.name if author is not None else "Course content files",
    )
    lesson.revisions.append(revision)
    db.session.flush()
    lesson.current_revision = revision
    missing = record_revision_uses(lesson.module.course_id, revision.id, body)
    if missing:
        raise ContentError("An image in the lesson is not in this course's media library "
                           f"({', '.join(sorted(missing))}).", "body")
    return revision


def delete_module(module: Module) -> None:
    """Delete a module nobody has progress in; its siblings close the gap."""
    done = select(LessonCompletion.id).join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    if db.session.scalar(done.where(Lesson.module_id == module.id).limit(1)) is not None:
        raise ContentError(
            "Trainees have completed lessons in this module: unpublish it instead, "
            "so that their progress is kept."
        )
    course = module.course
    # delete-orphan deletes it; calling session.delete() as well breaks SQLAlchemy's flush
    course.modules.remove(module)
    renumber(course.modules)
    update_contact_hours(course)


def delete_lesson(lesson: Lesson) -> None:
    """Delete a lesson nobody has completed; its siblings close the gap."""
    done = select(LessonCompletion.id).where(LessonCompletion.lesson_id == lesson.id).limit(1)
    if db.session.scalar(done) is not None:
        raise ContentError(
            "Trainees have completed this lesson: unpublish it instead, "
            "so that their progress is kept."
        )
    module, course = lesson.module, lesson.module.course
    record_event("lesson.deleted", f"lesson:{lesson.id}", {"module_id": module.id, "lesson": _lesson_record(lesson)})
    module.lessons.remove(lesson)  # delete-orphan deletes it (see delete_module)
    renumber(module.lessons)
    update_contact_hours(course)


def contact_hours_from_minutes(minutes: int) -> Decimal:
    """CE contact hours for ``minutes`` of instruction: 60-minute hours, down to the tenth."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def update_contact_hours(course: Course) -> None:
    """Contact hours follow the published lessons, so no one has to keep them in step by hand."""
    minutes = sum(
        lesson.minutes for module in course.modules if module.published
        for lesson in module.lessons if lesson.published
    )
    before = snapshot(course, ("contact_hours",))
    course.contact_hours = contact_hours_from_minutes(minutes)
    if course.id is not None:
        record_changes("course.hours_changed", f"course:{course.id}", before,
                       snapshot(course, ("contact_hours",)), code=course.code)


def set_course_published(course: Course, published: bool) -> None:
    """Open or close a course to trainees; a course with nothing to read cannot open."""
    readable = (
        lesson for module in course.modules if module.published
        for lesson in module.lessons if lesson.published
    )
    if published and next(readable, None) is None:
        raise ContentError("Add at least one published module with a published lesson first.")
    if course.published == published:
        return
    course.published = published
    update_contact_hours(course)
    record_event(
        "course.published" if published else "course.unpublished",
        f"course:{course.id}", {"code": course.code},
    )


def find_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    """The enrolment that lets ``user_id`` read the course, if any."""
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )


def enrol(user, course: Course) -> Enrolment:
    """Enrol ``user`` once; enrolling again returns the existing enrolment."""
    if not course.published:
        raise ContentError("This course is not open for enrolment.")
    existing = find_enrolment(user.id, course.id)
    if existing is not None:
        return existing
    enrolment = Enrolment(user_id=user.id, course_id=course.id)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:  # a concurrent request enrolled first
        return find_enrolment(user.id, course.id)
    record_event("course.enrolled", f"course:{course.id}", {"code": course.code}, actor=user)
    return enrolment


def complete_lesson(user, lesson: Lesson) -> bool:
    """Mark the lesson done for ``user``; True the first time. Announces it to listeners.

    Refused (``SeatTimeError``) until the trainee's measured active time on the lesson
    reaches the course's share of its stated minutes.
    """
    done = db.session.scalar(
        select(LessonCompletion.id).where(
            LessonCompletion.user_id == user.id, LessonCompletion.lesson_id == lesson.id
        )
    )
    if done is not None:
        return False
    measured = seat_time(user.id, lesson, lesson.module.course)
    if not measured.met:
        raise SeatTimeError(measured.message())
    try:
        with db.session.begin_nested():
            db.session.add(LessonCompletion(user_id=user.id, lesson_id=lesson.id))
    except IntegrityError:
        return False
    # appended before listeners run, so every path that may issue a certificate takes the audit
    # chain's lock first and the enrolment's second: one lock order, no deadlock between them
    record_event("lesson.completed", f"lesson:{lesson.id}", {"module_id": lesson.module_id}, actor=user)
    lesson_completed.send(lesson, user=user)
    return True
