"""The curriculum as files: check every file, then bring the database in line with them.

A course folder holds ``course.md`` and one folder per module (``NN-slug/module.md`` plus
``NN-slug.md`` lessons); folder and file names give the order. Everything is checked before
anything is written, so a bad file leaves the database untouched, and the error names the
file and the field. Loading again changes nothing unless a file changed: a lesson gets a new
revision only when its title or body differ, and what disappeared from the files is
unpublished rather than deleted, so lesson history and trainee progress are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.content_files import CourseSpec, LessonSpec, ModuleSpec, Problem, read_course_dir
from modules.media.errors import MediaError
from modules.media.services import add_asset, media_url
from modules.models import Course, Lesson, Module
from modules.services import save_revision, set_course_published, update_contact_hours
from training.extensions import db

CONTENT_ROOT = Path(__file__).resolve().parent / "content"

__all__ = [
    "CONTENT_ROOT", "ContentFileError", "LoadSummary", "check_course_dirs", "course_dirs",
    "load_course_dir", "load_course_dirs", "seed_content",
]


class ContentFileError(ValueError):
    """One or more content files are wrong; the message lists each file and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.file = problems[0].file
        self.field = problems[0].field
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LoadSummary:
    """What one load did to one course, for the command line and the tests."""

    course_slug: str
    course_created: bool = False
    course_updated: bool = False
    published: bool = False
    modules_created: int = 0
    modules_updated: int = 0
    lessons_created: int = 0
    lessons_updated: int = 0
    revisions_created: int = 0
    unpublished: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((
            self.course_created, self.course_updated, self.published, self.modules_created,
            self.modules_updated, self.lessons_created, self.lessons_updated,
            self.revisions_created, self.unpublished,
        ))

    def __str__(self) -> str:
        if not self.changed:
            return f"{self.course_slug}: unchanged"
        parts = [
            "course created" if self.course_created else "",
            "course updated" if self.course_updated else "",
            "published" if self.published else "",
            f"{self.modules_created} module(s) added" if self.modules_created else "",
            f"{self.modules_updated} module(s) updated" if self.modules_updated else "",
            f"{self.lessons_created} lesson(s) added" if self.lessons_created else "",
            f"{self.lessons_updated} lesson(s) updated" if self.lessons_updated else "",
            f"{self.revisions_created} new revision(s)" if self.revisions_created else "",
            f"unpublished: {', '.join(self.unpublished)}" if self.unpublished else "",
        ]
        return f"{self.course_slug}: " + "; ".join(p for p in parts if p)


def course_dirs(content_root: Path) -> list[Path]:
    """The course folders under ``content_root`` (those holding a ``course.md``), by name."""
    if not content_root.is_dir():
        raise ContentFileError([Problem(str(content_root), None, "no such folder")])
    return sorted(p for p in content_root.iterdir() if (p / "course.md").is_file())


def check_course_dirs(paths: list[Path]) -> list[CourseSpec]:
    """Read and check every course folder, and each against the database; raise all problems."""
    specs: list[CourseSpec] = []
    problems: list[Problem] = []
    for path in paths:
        spec, found = read_course_dir(path)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    problems.extend(_clashes(specs))
    if problems:
        raise ContentFileError(problems)
    return specs


def _clashes(specs: list[CourseSpec]) -> list[Problem]:
    """Codes and slugs must be unique across the folders and against other courses."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for spec in specs:
        for name in ("slug", "code"):
            value = getattr(spec, name)
            other = seen.setdefault((name, value), spec.file)
            if other != spec.file:
                problems.append(Problem(spec.file, name, f"'{value}' is also used by {other}"))
        clash = db.session.scalar(
            select(Course.slug).where(Course.code == spec.code, Course.slug != spec.slug)
        )
        if clash is not None:
            problems.append(Problem(
                spec.file, "code", f"'{spec.code}' already belongs to the course '{clash}'"
            ))
    return problems


def load_course_dirs(paths: list[Path], *, publish: bool) -> list[LoadSummary]:
    """Check every folder, then upsert each in the caller's transaction (flushed only)."""
    summaries = []
    for spec in check_course_dirs(paths):
        course, summary = _write_course(spec)
        if publish and not course.published:
            set_course_published(course, True)
            summary.published = True
        summaries.append(summary)
    return summaries


def load_course_dir(path: Path) -> LoadSummary:
    """Check one course folder, then upsert it; a new course stays a draft."""
    return load_course_dirs([path], publish=False)[0]


def seed_content(content_root: Path = CONTENT_ROOT) -> list[LoadSummary]:
    """Load every course folder under ``content_root`` and publish each course; re-runnable."""
    return load_course_dirs(course_dirs(content_root), publish=True)


def _assign(obj, **values) -> bool:
    """Set only what differs, so an unchanged file causes no UPDATE; True if anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _write_course(spec: CourseSpec) -> tuple[Course, LoadSummary]:
    summary = LoadSummary(course_slug=spec.slug)
    course = db.session.scalar(
        select(Course).where(Course.slug == spec.slug)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    if course is None:
        course = Course(slug=spec.slug, published=False, contact_hours=Decimal(0))
        db.session.add(course)
        summary.course_created = True
    changed = _assign(
        course, code=spec.code, title=spec.title, summary=spec.summary, provider=spec.provider,
        approval_number=spec.approval_number, practical_hours=spec.practical_hours,
        requires_signoff=spec.requires_signoff, signoff_checklist=spec.signoff_checklist,
        prerequisites=spec.prerequisites,
    )
    summary.course_updated = changed and not summary.course_created
    db.session.flush()  # the course's id: figures go into its media library
    existing = {m.slug: m for m in course.modules}
    for position, module_spec in enumerate(spec.modules, start=1):
        module = existing.pop(module_spec.slug, None)
        if module is None:
            module = Module(slug=module_spec.slug)
            course.modules.append(module)
            summary.modules_created += 1
        elif _module_differs(module, module_spec, position):
            summary.modules_updated += 1
        _assign(
            module, position=position, title=module_spec.title,
            objectives=module_spec.objectives, objective_ids=module_spec.objective_ids,
            intro=module_spec.intro, published=True,
        )
        _write_lessons(module, module_spec, summary)
    _retire(sorted(existing.values(), key=lambda m: m.position), len(spec.modules), summary)
    update_contact_hours(course)
    db.session.flush()
    return course, summary


def _module_differs(module: Module, spec: ModuleSpec, position: int) -> bool:
    return (module.position, module.title, module.objectives, module.objective_ids, module.intro,
            module.published) != (position, spec.title, spec.objectives, spec.objective_ids, spec.intro, True)


def _write_lessons(module: Module, spec: ModuleSpec, summary: LoadSummary) -> None:
    existing = {lesson.slug: lesson for lesson in module.lessons}
    for position, lesson_spec in enumerate(spec.lessons, start=1):
        body = import_figures(module.course, lesson_spec)  # before a new lesson is pending
        lesson = existing.pop(lesson_spec.slug, None)
        if lesson is None:
            lesson = Lesson(slug=lesson_spec.slug)
            module.lessons.append(lesson)
            summary.lessons_created += 1
        elif _lesson_differs(lesson, lesson_spec, position):
            summary.lessons_updated += 1
        _assign(lesson, position=position, minutes=lesson_spec.minutes, objectives=lesson_spec.objectives,
                published=True)
        if save_revision(lesson, lesson_spec.title, body, author=None) is not None:
            summary.revisions_created += 1
    _retire(sorted(existing.values(), key=lambda x: x.position), len(spec.lessons), summary)


def import_figures(course: Course, spec: LessonSpec) -> str:
    """The lesson text with each ``figures/`` image put in the course library and linked there.

    The files pass the same checks as uploads; the same file loaded again is the same asset,
    so an unchanged lesson keeps an unchanged text (and gets no new revision).
    """
    body = spec.body
    for src, path in spec.figures.items():
        try:
            asset = add_asset(course.id, path.read_bytes(), path.name)
        except (OSError, MediaError) as err:
            raise ContentFileError([Problem(spec.file, "body", f"{src}: {err}")]) from err
        body = body.replace(f"]({src}", f"]({media_url(asset)}")
    return body


def _lesson_differs(lesson: Lesson, spec: LessonSpec, position: int) -> bool:
    return ((lesson.position, lesson.minutes, lesson.objectives, lesson.published)
            != (position, spec.minutes, spec.objectives, True))


def _retire(leftovers: list[Module] | list[Lesson], after: int, summary: LoadSummary) -> None:
    """Unpublish what the files no longer hold and keep it after them, in its old order."""
    for offset, item in enumerate(leftovers, start=1):
        if item.published:
            summary.unpublished.append(item.slug)
        _assign(item, published=False, position=after + offset)
