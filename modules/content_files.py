"""Reading and checking course content files; pure, no database.

Each file is Markdown with YAML front matter (python-frontmatter). Every problem found is
collected with the file (relative to the folder holding the course) and the field, so an
author can fix them all in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from frontmatter import YAMLHandler

from modules.content_parts import FIGURES_DIR, lesson_figures, read_objectives

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_TITLE = 200
MAX_SLUG = 80
COURSE_KEYS = {
    "code", "slug", "title", "provider", "approval_number", "practical_hours",
    "requires_signoff",
}
#: ``final_exam`` belongs to the quiz layer, which reads it from the same file
#: ``signoff_checklist`` is the former free-typed practical checklist, replaced by rubric.yaml
COURSE_OPTIONAL_KEYS = {"final_exam", "prerequisites", "signoff_checklist"}
#: ``quiz`` belongs to the quiz layer, which reads it from the same file
MODULE_KEYS = {"title", "slug", "objectives"}
MODULE_OPTIONAL_KEYS = {"quiz"}
LESSON_KEYS = {"title", "slug", "minutes"}
#: ``objectives``: ids of the module's objectives the lesson teaches (a quiz review links there)
LESSON_OPTIONAL_KEYS = {"objectives"}


@dataclass(frozen=True)
class Problem:
    file: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, field '{self.field}'" if self.field else self.file
        return f"{where}: {self.message}"


@dataclass
class LessonSpec:
    file: str
    slug: str
    title: str
    minutes: int
    body: str
    #: the figure files the body shows: as written (``figures/x.svg``) -> the file
    figures: dict[str, Path] = field(default_factory=dict)
    #: ids of the module objectives the lesson teaches
    objectives: list[str] = field(default_factory=list)


@dataclass
class ModuleSpec:
    file: str
    slug: str
    title: str
    objectives: list[str]
    intro: str
    lessons: list[LessonSpec] = field(default_factory=list)
    #: ids of ``objectives`` by position (``o1``, ``o2``... unless the file names them)
    objective_ids: list[str] = field(default_factory=list)


@dataclass
class CourseSpec:
    file: str
    slug: str
    code: str
    title: str
    summary: str
    provider: str
    approval_number: str
    practical_hours: Decimal
    requires_signoff: bool
    signoff_checklist: list[str]
    prerequisites: list[str] = field(default_factory=list)
    modules: list[ModuleSpec] = field(default_factory=list)


class _Reader:
    """Reads files of one course folder, noting problems instead of stopping at the first."""

    def __init__(self, base: Path):
        self.base = base
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        return path.relative_to(self.base).as_posix()

    def problem(self, file: str, field: str | None, message: str) -> None:
        self.problems.append(Problem(file, field, message))

    def read(self, path: Path, required: set[str], optional: set[str] | None = None):
        """(front matter, body) of ``path``, or None when it cannot be parsed at all."""
        name = self.name(path)
        try:
            text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        except (OSError, UnicodeDecodeError) as err:
            self.problem(name, None, f"cannot be read as UTF-8 text ({err.__class__.__name__})")
            return None
        handler = YAMLHandler()
        if not handler.detect(text):
            self.problem(name, None, "has no YAML front matter (a '---' line must open the file)")
            return None
        try:
            front, body = handler.split(text)
            meta = yaml.safe_load(front)
        except ValueError:
            self.problem(name, None, "front matter is not closed by a '---' line")
            return None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = f" at line {mark.line + 2}" if mark is not None else ""
            self.problem(name, None, f"front matter is not valid YAML{line}: "
                                     f"{getattr(err, 'problem', None) or err}")
            return None
        meta = {} if meta is None else meta
        if not isinstance(meta, dict):
            self.problem(name, None, "front matter must be a mapping of 'key: value' lines")
            return None
        for key in sorted(required - meta.keys()):
            self.problem(name, key, "is missing")
        for key in sorted(set(map(str, meta)) - required - (optional or set())):
            self.problem(name, key, "is not a known field (check the spelling)")
        return meta, body.strip()

    def text(self, meta: dict, name: str, key: str, limit: int, *, required: bool = True) -> str:
        value = meta.get(key)
        if key not in meta:
            return ""
        if not isinstance(value, str):
            self.problem(name, key, "must be text (put it in quotes)")
            return ""
        if required and not value.strip():
            self.problem(name, key, "must not be empty")
        if len(value) > limit:
            self.problem(name, key, f"is {len(value)} characters; the limit is {limit}")
        return value.strip()

    def slug(self, meta: dict, name: str) -> str:
        value = self.text(meta, name, "slug", MAX_SLUG)
        if value and not SLUG.match(value):
            self.problem(name, "slug", f"'{value}' must be lower-case letters and digits "
                                       "joined by single hyphens")
        return value

    def text_list(self, meta: dict, name: str, key: str, *, allow_empty: bool) -> list[str]:
        value = meta.get(key)
        if key not in meta:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(name, key, "must be a list of non-empty text items")
            return []
        if not value and not allow_empty:
            self.problem(name, key, "must list at least one item")
        return [v.strip() for v in value]

    def number(self, meta: dict, name: str, key: str, low: float, high: float, *, whole: bool):
        value = meta.get(key)
        if key not in meta:
            return None
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            self.problem(name, key, f"must be {kind} from {low:g} to {high:g}")
            return None
        return value

    def unique(self, items: list, kind: str) -> None:
        seen: dict[str, str] = {}
        for item in items:
            if item.slug and seen.setdefault(item.slug, item.file) != item.file:
                self.problem(item.file, "slug", f"'{item.slug}' is also the slug of "
                                                f"{seen[item.slug]}; {kind} slugs must be unique")


def read_course_dir(path: Path) -> tuple[CourseSpec | None, list[Problem]]:
    """The course in ``path`` and every problem found in its files."""
    reader = _Reader(path.parent)
    course_file = path / "course.md"
    name = reader.name(course_file)
    parsed = reader.read(course_file, COURSE_KEYS, COURSE_OPTIONAL_KEYS)
    if parsed is None:
        return None, reader.problems
    meta, body = parsed
    hours = reader.number(meta, name, "practical_hours", 0, 500, whole=False)
    signoff = meta.get("requires_signoff")
    if "requires_signoff" in meta and not isinstance(signoff, bool):
        reader.problem(name, "requires_signoff", "must be true or false")
    if "final_exam" in meta and not isinstance(meta["final_exam"], dict):
        reader.problem(name, "final_exam", "must be a mapping of exam settings")
    checklist = reader.text_list(meta, name, "signoff_checklist", allow_empty=True)
    if signoff is True and not checklist and "signoff_checklist" in meta:
        reader.problem(name, "signoff_checklist", "must list the skills to sign off")
    if not body:
        reader.problem(name, "body", "the course summary (after the front matter) is empty")
    course = CourseSpec(
        file=name, slug=reader.slug(meta, name), code=reader.text(meta, name, "code", 20),
        title=reader.text(meta, name, "title", MAX_TITLE), summary=body,
        provider=reader.text(meta, name, "provider", 200),
        approval_number=reader.text(meta, name, "approval_number", 80),
        practical_hours=Decimal(str(hours or 0)), requires_signoff=signoff is True,
        signoff_checklist=checklist,
        prerequisites=reader.text_list(meta, name, "prerequisites", allow_empty=True),
    )
    if "final_exam" in meta and not isinstance(meta["final_exam"], dict):
        reader.problem(name, "final_exam", "must be a mapping of examination settings")
    folders = sorted(p for p in path.iterdir()
                     if p.is_dir() and not p.name.startswith((".", "_")) and p.name != FIGURES_DIR)
    for folder in folders:
        module = _read_module(reader, folder)
        if module is not None:
            course.modules.append(module)
    if not folders:
        reader.problem(name, None, "the course folder has no module folders")
    reader.unique(course.modules, "module")
    return course, reader.problems


def _read_module(reader: _Reader, folder: Path) -> ModuleSpec | None:
    module_file = folder / "module.md"
    name = reader.name(module_file)
    if not module_file.is_file():
        reader.problem(reader.name(folder), None, "a module folder needs a module.md file")
        return None
    parsed = reader.read(module_file, MODULE_KEYS, MODULE_OPTIONAL_KEYS)
    if parsed is None:
        return None
    meta, body = parsed
    if "quiz" in meta and not isinstance(meta["quiz"], dict):
        reader.problem(name, "quiz", "must be a mapping of quiz settings")
    ids, texts = [], []
    if "objectives" in meta:
        ids, texts = read_objectives(meta["objectives"], lambda message: reader.problem(name, "objectives", message))
    module = ModuleSpec(
        file=name, slug=reader.slug(meta, name), title=reader.text(meta, name, "title", MAX_TITLE),
        objectives=texts, intro=body, objective_ids=ids,
    )
    lesson_files = sorted(p for p in folder.glob("*.md") if p.name != "module.md")
    if not lesson_files:
        reader.problem(name, None, "the module folder has no lesson files")
    for lesson_file in lesson_files:
        lesson = _read_lesson(reader, lesson_file, ids)
        if lesson is not None:
            module.lessons.append(lesson)
    reader.unique(module.lessons, "lesson")
    return module


def _read_lesson(reader: _Reader, path: Path, module_objectives: list[str]) -> LessonSpec | None:
    name = reader.name(path)
    parsed = reader.read(path, LESSON_KEYS, LESSON_OPTIONAL_KEYS)
    if parsed is None:
        return None
    meta, body = parsed
    if not body:
        reader.problem(name, "body", "the lesson text (after the front matter) is empty")
    minutes = reader.number(meta, name, "minutes", 1, 600, whole=True)
    return LessonSpec(
        file=name, slug=reader.slug(meta, name), title=reader.text(meta, name, "title", MAX_TITLE),
        minutes=minutes or 1, body=body,
        figures=lesson_figures(body, path.parent.parent, lambda message: reader.problem(name, "body", message)),
        objectives=_lesson_objectives(reader, meta, name, module_objectives),
    )


def _lesson_objectives(reader: _Reader, meta: dict, name: str, module_objectives: list[str]) -> list[str]:
    """The objective ids a lesson names; each must be one of its module's."""
    ids = reader.text_list(meta, name, "objectives", allow_empty=False)
    for objective in ids:
        if objective not in module_objectives:
            listed = ", ".join(module_objectives) or "none"
            reader.problem(name, "objectives", f"unknown objective '{objective}' (module.md lists {listed})")
    if len(set(ids)) != len(ids):
        reader.problem(name, "objectives", "names an objective twice")
    return list(dict.fromkeys(ids))
