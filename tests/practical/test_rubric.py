"""The competency rubric: loaded from rubric.yaml, assessed per criterion in a session, history kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from modules.content_loader import CONTENT_ROOT, seed_content
from modules.models import Course
from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.practical.content_loader import RubricFileError, read_rubric, seed_rubrics, write_rubric
from training.practical.models import Assessment, Skill
from training.practical.seats import register


def test_shipped_level_1_rubric_loads_with_regions_and_criteria(app):
    seed_content()
    assert seed_rubrics() == ["dry-needling-level-1: 20 skills, 20 changed"]
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
    skills = db.session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)).all()
    assert sum(s.required for s in skills) == 20
    clean = skills[0]
    assert clean.title == "Clean needle technique and hand hygiene"
    assert any("shaft never touched" in c["text"] for c in clean.criteria)
    assert {s.region for s in skills} >= {"", "Neck and shoulder", "Lower back", "Hip and gluteal", "Lower limb"}
    assert seed_rubrics() == ["dry-needling-level-1: 20 skills, 0 changed"]  # loading again changes nothing


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "where"), [
    ("skills: []", "skills"),
    ("skills:\n  - {key: Bad Key, title: X, criteria: [a]}", "skills[0].key"),
    ("skills:\n  - {key: a, title: X, criteria: []}", "skills[0].criteria"),
    ("skills:\n  - {key: a, title: X, criteria: [a], colour: red}", "skills[0]"),
    ("supervised_sessions_required: -1\nskills:\n  - {key: a, title: X, criteria: [a]}",
     "supervised_sessions_required"),
    ("skills:\n  - {key: a, title: X, criteria: [a]}\n  - {key: a, title: Y, criteria: [b]}", "skills"),
])
def test_bad_rubric_files_name_the_field(app, tmp_path, text, where):
    with pytest.raises(RubricFileError) as caught:
        read_rubric(write(tmp_path, text), tmp_path)
    assert caught.value.problem.field == where
    assert str(caught.value).startswith("rubric.yaml, field")


def test_a_skill_removed_from_the_file_is_retired_not_deleted(app, tmp_path):
    course = make_lab_course()
    write_rubric(course, read_rubric(write(tmp_path, "skills:\n  - {key: a, title: A, criteria: [x]}\n"
                                                    "  - {key: b, title: B, criteria: [y]}"), tmp_path))
    write_rubric(course, read_rubric(write(tmp_path, "skills:\n  - {key: a, title: A2, criteria: [x]}"), tmp_path))
    skills = {s.key: s for s in db.session.scalars(select(Skill))}
    assert skills["a"].title == "A2" and not skills["a"].retired and skills["b"].retired


@pytest.fixture
def session_with_rubric(app, make_user, tmp_path):
    course = make_lab_course()
    write_rubric(course, read_rubric(write(tmp_path, (
        "skills:\n"
        "  - {key: clean, title: Clean needle technique, criteria: [Hand hygiene, No recapping]}\n"
        "  - {key: trap, title: Upper trapezius, region: Neck and shoulder, criteria: [Pincer grasp]}\n"
    )), tmp_path))
    db.session.commit()
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor])
    trainee, = enrolled_trainees(make_user, course, 1)
    register(trainee, workshop.id)
    db.session.commit()
    skills = {s.key: s for s in db.session.scalars(select(Skill))}
    return course, instructor, workshop, trainee, skills


def assess_url(workshop, trainee, skill) -> str:
    return f"/practical/workshops/{workshop.id}/trainees/{trainee.id}/assess?skill={skill.id}"


def test_assess_each_criterion_then_reassess_with_history(session_with_rubric, login, client):
    course, instructor, workshop, trainee, skills = session_with_rubric
    clean = skills["clean"]
    login(instructor)
    page = client.get(assess_url(workshop, trainee, clean)).get_data(as_text=True)
    assert "Hand hygiene" in page and "No recapping" in page
    response = client.post(assess_url(workshop, trainee, clean),
                           data={"met": [clean.criteria[0]["key"]], "outcome": "competent"})
    assert response.status_code == 400
    assert "not yet met: No recapping" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None
    assert client.post(assess_url(workshop, trainee, clean), data={
        "met": [clean.criteria[0]["key"]], "outcome": "not_yet", "notes": "Recapped once"}).status_code == 302
    assert client.post(assess_url(workshop, trainee, clean), data={
        "met": [c["key"] for c in clean.criteria], "outcome": "competent"}).status_code == 302
    history = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert [a.outcome for a in history] == ["not_yet", "competent"]
    assert history[0].results == [{"key": clean.criteria[0]["key"], "text": "Hand hygiene", "met": True},
                                  {"key": clean.criteria[1]["key"], "text": "No recapping", "met": False}]
    assert history[0].notes == "Recapped once"
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "skill.assessed")).all()
    assert [e.details["outcome"] for e in audited] == ["not_yet", "competent"]
    login(trainee)
    mine = client.get(f"/practical/courses/{course.id}/skills").get_data(as_text=True)
    assert "1 of 2 required skills competent" in mine and "Recapped once" in mine and "Neck and shoulder" in mine


def test_the_outcome_starts_unset_and_must_be_chosen(session_with_rubric, login, client):
    course, instructor, workshop, trainee, skills = session_with_rubric
    trap = skills["trap"]
    login(instructor)
    page = client.get(assess_url(workshop, trainee, trap)).get_data(as_text=True)
    assert '<option value="">Choose an outcome</option><option value="competent">' in page
    assert "selected" not in page.split('id="outcome"')[1].split("</select>")[0]
    response = client.post(assess_url(workshop, trainee, trap), data={"met": [trap.criteria[0]["key"]]})
    assert response.status_code == 400 and "Choose an outcome." in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None


def test_assessing_outside_ones_sessions_is_refused(session_with_rubric, make_user, login, client):
    course, instructor, workshop, trainee, skills = session_with_rubric
    login(make_user("instructor"))
    response = client.post(assess_url(workshop, trainee, skills["trap"]), data={"outcome": "not_yet"})
    assert response.status_code == 403
    # a trainee without a seat in the session cannot be assessed in it either
    other, = enrolled_trainees(make_user, course, 1)
    login(instructor)
    response = client.post(assess_url(workshop, other, skills["trap"]), data={"outcome": "not_yet"})
    assert response.status_code == 409 and "no seat in this session" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None


def test_shipped_rubric_reuses_the_old_checklist_keys():
    """Sign-offs carried over by the migration keep counting: same keys as the former checklist."""
    import re

    import frontmatter

    spec = read_rubric(CONTENT_ROOT / "dry-needling-level-1" / "rubric.yaml", CONTENT_ROOT)
    keys = {s["key"] for s in spec.skills}
    old_checklist = [
        "Clean needle technique and hand hygiene", "Palpation and identification of a taut band",
        "Safe patient positioning", "Needle selection, depth and angle", "Sharps handling and disposal",
        "Informed consent and screening", "Recognition and management of adverse events",
    ]
    assert {re.sub(r"[^a-z0-9]+", "-", item.lower()).strip("-") for item in old_checklist} <= keys
    assert "signoff_checklist" not in frontmatter.load(CONTENT_ROOT / "dry-needling-level-1" / "course.md").metadata
