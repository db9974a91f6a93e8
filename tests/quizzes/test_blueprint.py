"""Draws balanced by objective: tags in GIFT, N per objective, blueprints refused when unfillable."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from modules.models import Course, Enrolment, Lesson, Module
from modules.services import save_revision
from quizzes.attempts import build_layout
from quizzes.blueprint import PoolItem, assign, draw_pool, shortfalls
from quizzes.gift import GiftError
from quizzes.models import Question, Quiz
from quizzes.questions import export_pool, import_gift

GIFT = """
// [tag:objective:anatomy]
::A1::Which muscle elevates the scapula? {=Upper trapezius ~Gluteus medius}

// [tag:objective:anatomy]
::A2::Which nerve runs with the radial groove? {=Radial ~Ulnar}

// [tag:objective:safety]
::S1::Gloves are needed with body fluids. {T}

// [tag:objective:safety]
// [tag:objective:anatomy]
::S2::The pleura lies close to the skin over the upper thorax. {T}

::U1::An untagged question. {T}
"""


def test_assign_fills_every_slot_or_says_it_cannot():
    items = [PoolItem(1, frozenset({"a"})), PoolItem(2, frozenset({"a", "b"})), PoolItem(3, frozenset({"c"}))]
    for seed in range(20):
        picked = assign({"a": 1, "b": 1, "c": 1}, items, random.Random(seed))
        assert sorted(picked) == [1, 2, 3]  # 2 must serve b, so 1 serves a
    assert assign({"a": 2, "b": 1}, items, random.Random(0)) is None
    assert [s.key for s in shortfalls({"a": 3, "c": 1}, items)] == ["a"]


@pytest.fixture
def tagged_module(db):
    course = Course(code="OBJ", slug="obj", title="Objectives", provider="P", published=True)
    module = Module(position=1, slug="m1", title="M1", objectives=["Name the anatomy", "Needle safely"],
                    objective_ids=["anatomy", "safety"])
    course.modules = [module]
    lesson = Lesson(position=1, slug="l1", title="L1", minutes=5)
    module.lessons = [lesson]
    db.session.add(course)
    db.session.flush()
    save_revision(lesson, "L1", "Body")
    import_gift(module.id, GIFT)
    db.session.commit()
    return course, module


def test_gift_tags_set_objectives_and_export_writes_them_back(db, tagged_module):
    _course, module = tagged_module
    by_title = {q.title: q for q in db.session.scalars(select(Question))}
    assert by_title["A1"].objectives == ["anatomy"]
    assert by_title["S2"].objectives == ["safety", "anatomy"]
    assert by_title["U1"].objectives == []
    text, _ = export_pool(module.id)
    assert "// [tag:objective:safety]\n// [tag:objective:anatomy]\n::S2::" in text


def test_unknown_objective_tag_names_the_line(db, tagged_module):
    _course, module = tagged_module
    with pytest.raises(GiftError) as err:
        import_gift(module.id, "::Q::Text {T}\n\n// [tag:objective:nerves]\n::R::Other {F}\n")
    assert err.value.line == 3 and "unknown objective 'nerves'" in err.value.reason


def test_every_attempt_covers_every_objective(db, tagged_module):
    _course, module = tagged_module
    quiz = Quiz(module_id=module.id, title="Q", pass_mark=50, grading_method="highest", per_objective=1,
                shuffle_questions=True, shuffle_choices=True, review_policy="after_attempt")
    db.session.add(quiz)
    db.session.flush()
    draw = draw_pool(quiz)
    titles = {q.id: q.title for q in draw.questions}
    for seed in range(30):
        layout = build_layout(quiz, draw.questions, random.Random(seed), draw)
        picked = {titles[e["question_id"]] for e in layout}
        assert len(layout) == 2
        assert picked & {"A1", "A2", "S2"} and picked & {"S1", "S2"}
    quiz.per_objective, quiz.blueprint, quiz.draw_count = None, {"anatomy": 2, "safety": 1}, 4
    layout = build_layout(quiz, draw.questions, random.Random(1), draw)
    assert len(layout) == 4  # the blueprint's 3, topped up to the draw count


def test_settings_refuse_a_blueprint_the_pool_cannot_fill(client, login, make_user, db, tagged_module):
    _course, module = tagged_module
    login(make_user("instructor"))
    form = {"title": "Quiz", "pass_mark": "80", "grading_method": "highest", "review_policy": "after_attempt"}
    response = client.post(f"/author/quizzes/modules/{module.id}/settings", data={**form, "blueprint": "safety: 3"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "&#39;safety&#39; asks for 3 question(s) but only 2 examine it" in page
    assert db.session.scalar(select(Quiz)) is None
    bad = client.post(f"/author/quizzes/modules/{module.id}/settings", data={**form, "blueprint": "nerves: 1"})
    assert bad.status_code == 400 and "not an objective here" in bad.get_data(as_text=True)
    garbled = client.post(f"/author/quizzes/modules/{module.id}/settings", data={**form, "blueprint": "anatomy two"})
    assert garbled.status_code == 400 and "Line 1" in garbled.get_data(as_text=True)
    too_many = client.post(f"/author/quizzes/modules/{module.id}/settings", data={**form, "per_objective": "3"})
    assert too_many.status_code == 400
    ok = client.post(f"/author/quizzes/modules/{module.id}/settings",
                     data={**form, "blueprint": "anatomy: 2\nsafety: 1"})
    assert ok.status_code == 302
    quiz = db.session.scalar(select(Quiz))
    assert quiz.blueprint == {"anatomy": 2, "safety": 1}
    preview = client.get(f"/author/quizzes/{quiz.id}/preview").get_data(as_text=True)
    assert "Blueprint: questions drawn per objective" in preview and "Name the anatomy" in preview
    settings = client.get(f"/author/quizzes/modules/{module.id}/settings").get_data(as_text=True)
    assert "anatomy: 2\nsafety: 1" in settings


def test_preview_warns_when_the_pool_shrinks_below_the_blueprint(client, login, make_user, db, tagged_module):
    _course, module = tagged_module
    quiz = Quiz(module_id=module.id, title="Q", pass_mark=50, grading_method="highest", blueprint={"safety": 2},
                shuffle_questions=True, shuffle_choices=True, review_policy="after_attempt")
    db.session.add(quiz)
    db.session.scalar(select(Question).where(Question.title == "S1")).retired = True
    db.session.commit()
    login(make_user("instructor"))
    page = client.get(f"/author/quizzes/{quiz.id}/preview").get_data(as_text=True)
    assert "cannot fill the blueprint" in page and "(too few)" in page
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=module.course_id))
    db.session.commit()


def test_question_form_sets_objectives(client, login, make_user, db, tagged_module):
    _course, module = tagged_module
    question = db.session.scalar(select(Question).where(Question.title == "U1"))
    login(make_user("instructor"))
    page = client.get(f"/author/quizzes/questions/{question.id}").get_data(as_text=True)
    assert "Objectives examined" in page and "Needle safely" in page
    form = {"title": "U1", "prompt": question.prompt, "points": "1", "truth": "true", "objectives": ["safety"]}
    assert client.post(f"/author/quizzes/questions/{question.id}", data=form).status_code == 302
    db.session.expire_all()
    version = db.session.get(Question, question.id).version
    form["objectives"] = ["safety", "anatomy"]
    assert client.post(f"/author/quizzes/questions/{question.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Question, question.id)
    assert saved.objectives == ["safety", "anatomy"] and saved.version == version  # objectives are not graded
    bad = client.post(f"/author/quizzes/questions/{question.id}", data={**form, "objectives": ["nope"]})
    assert bad.status_code == 400


def test_module_form_keeps_objective_ids(client, login, make_user, db, tagged_module):
    _course, module = tagged_module
    login(make_user("instructor"))
    page = client.get(f"/author/modules/{module.id}").get_data(as_text=True)
    assert "[anatomy] Name the anatomy\n[safety] Needle safely" in page
    form = {"title": "M1", "slug": "m1", "published": "y",
            "objectives": "[safety] Needle safely\n[anatomy] Name the anatomy\nA new one"}
    assert client.post(f"/author/modules/{module.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Module, module.id)
    assert saved.objective_ids == ["safety", "anatomy", "o3"]
    assert saved.objectives == ["Needle safely", "Name the anatomy", "A new one"]
    twice = client.post(f"/author/modules/{module.id}", data={**form, "objectives": "[a] One\n[a] Two"})
    assert twice.status_code == 400 and "used twice" in twice.get_data(as_text=True)
