"""Loads each course folder's ``rubric.yaml``: the competency rubric and the practical plan.

Skills are matched by key within the course, so loading again after an edit updates titles,
regions and criteria in place; a skill no longer in the file is retired (kept, so earlier
assessments still read) rather than deleted. The whole file is checked before anything is
written; an error names the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from sqlalchemy import select

from modules.content_files import Problem
from modules.content_loader import CONTENT_ROOT, course_dirs
from modules.models import Course
from training.extensions import db
from training.practical.models import PracticalPlan, Skill

RUBRIC_FILE = "rubric.yaml"
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RubricFileError(ValueError):
    """A rubric file is wrong; the message names the file and the field."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class RubricSpec:
    file: str
    supervised_sessions_required: int = 0
    skills: list[dict] = field(default_factory=list)


def criterion_key(text: str) -> str:
    """A stable key for a criterion: its words, lower-cased and hyphenated."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _fail(file: str, where: str, message: str):
    raise RubricFileError(Problem(file, where, message))


def _text(file: str, where: str, value, limit: int, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not allow_empty) or len(value) > limit:
        _fail(file, where, f"must be text of at most {limit} characters" + ("" if allow_empty else ", not empty"))
    return value.strip()


def _skill(file: str, index: int, raw) -> dict:
    where = f"skills[{index}]"
    if not isinstance(raw, dict):
        _fail(file, where, "must be a mapping with key, title, region, required and criteria")
    if unknown := set(raw) - {"key", "title", "region", "required", "criteria"}:
        _fail(file, where, f"unknown field(s): {', '.join(sorted(unknown))}")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key) or len(key) > 80:
        _fail(file, f"{where}.key", "must be lower-case letters and digits joined by hyphens")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        _fail(file, f"{where}.required", "must be true or false")
    criteria = raw.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        _fail(file, f"{where}.criteria", "must list the observable criteria")
    texts = [_text(file, f"{where}.criteria[{i}]", c, 300) for i, c in enumerate(criteria)]
    keys = [criterion_key(t) for t in texts]
    if len(set(keys)) != len(keys):
        _fail(file, f"{where}.criteria", "two criteria read the same")
    return {
        "key": key, "title": _text(file, f"{where}.title", raw.get("title"), 200),
        "region": _text(file, f"{where}.region", raw.get("region", ""), 80, allow_empty=True),
        "required": required, "criteria": [{"key": k, "text": t} for k, t in zip(keys, texts, strict=True)],
    }


def read_rubric(path: Path, root: Path) -> RubricSpec:
    """Parse and check one rubric file."""
    file = str(path.relative_to(root))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        _fail(file, None, f"cannot be read: {err}")
    if not isinstance(data, dict):
        _fail(file, None, "must be a mapping with supervised_sessions_required and skills")
    if unknown := set(data) - {"supervised_sessions_required", "skills"}:
        _fail(file, None, f"unknown field(s): {', '.join(sorted(unknown))}")
    sessions = data.get("supervised_sessions_required", 0)
    if not isinstance(sessions, int) or isinstance(sessions, bool) or not 0 <= sessions <= 1000:
        _fail(file, "supervised_sessions_required", "must be a whole number from 0 to 1000")
    raw_skills = data.get("skills")
    if not isinstance(raw_skills, list) or not raw_skills:
        _fail(file, "skills", "must list the skills")
    skills = [_skill(file, i, raw) for i, raw in enumerate(raw_skills)]
    if len({s["key"] for s in skills}) != len(skills):
        _fail(file, "skills", "every skill needs its own key")
    return RubricSpec(file, sessions, skills)


def write_rubric(course: Course, spec: RubricSpec) -> int:
    """Bring the course's skills and plan in line with ``spec``; the number of skills changed."""
    existing = {s.key: s for s in db.session.scalars(select(Skill).where(Skill.course_id == course.id))}
    changed = 0
    for position, values in enumerate(spec.skills, start=1):
        skill = existing.pop(values["key"], None) or Skill(course_id=course.id, key=values["key"])
        wanted = {**values, "position": position, "retired": False}
        if any(getattr(skill, k, None) != v for k, v in wanted.items()):
            for name, value in wanted.items():
                setattr(skill, name, value)
            db.session.add(skill)
            changed += 1
    for skill in existing.values():
        if not skill.retired:
            skill.retired, changed = True, changed + 1
    plan = db.session.get(PracticalPlan, course.id) or PracticalPlan(course_id=course.id)
    plan.supervised_sessions_required = spec.supervised_sessions_required
    db.session.add(plan)
    db.session.flush()
    return changed


def seed_rubrics(content_root: Path = CONTENT_ROOT) -> list[str]:
    """Load the rubric of every course folder that has one (after the courses are loaded)."""
    specs = []
    for folder in course_dirs(content_root):
        if (folder / RUBRIC_FILE).is_file():
            specs.append((folder, read_rubric(folder / RUBRIC_FILE, content_root)))
    done = []
    for folder, spec in specs:
        slug = frontmatter.load(folder / "course.md").metadata.get("slug")
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        if course is None:
            _fail(spec.file, None, f"no course with the slug '{slug}' is loaded")
        changed = write_rubric(course, spec)
        done.append(f"{slug}: {len(spec.skills)} skills, {changed} changed")
    return done
