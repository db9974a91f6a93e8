"""Question pools, quiz settings, attempts and their responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from modules.models import Module
from quizzes.options import QUIZ_DEFAULTS, GradingMethod, ReviewPolicy
from quizzes.spec import QuestionSpec, QuestionType
from training.database import enum_check, utcnow
from training.extensions import db


class Question(db.Model):
    """A question in a module's pool. Editing it bumps ``version``; retiring it keeps history."""

    __tablename__ = "questions"
    __table_args__ = (
        enum_check("qtype", QuestionType, name="qtype_known"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    qtype: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    prompt: Mapped[str] = mapped_column(Text)
    prompt_format: Mapped[str] = mapped_column(String(20), default="markdown")
    #: sanitized HTML of the prompt, rendered when the question is saved
    prompt_html: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float] = mapped_column(default=1.0)
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    #: choices / numeric answers / matching pairs, shaped as ``QuestionSpec.answer_data()``
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    #: ids of the module objectives the question examines (``Module.objective_ids``)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    #: retired questions are no longer drawn but still grade and display old attempts
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    #: one way: the content layer below does not know about question pools
    module: Mapped[Module] = relationship()

    def spec(self) -> QuestionSpec:
        spec = QuestionSpec.from_stored(
            qtype=self.qtype, prompt=self.prompt, title=self.title, prompt_format=self.prompt_format,
            points=self.points, general_feedback=self.general_feedback, data=self.data or {},
        )
        spec.objectives = list(self.objectives or [])
        return spec


class Quiz(db.Model):
    """The graded quiz at the end of a module (one per module), or a course's final examination.

    A final examination has ``course_id`` instead of ``module_id`` and draws from the pools of
    every module of the course.
    """

    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark_percent"),
        CheckConstraint("attempts_allowed IS NULL OR attempts_allowed > 0", name="attempts_positive"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit_positive"),
        CheckConstraint("draw_count IS NULL OR draw_count > 0", name="draw_count_positive"),
        CheckConstraint("per_objective IS NULL OR per_objective > 0", name="per_objective_positive"),
        CheckConstraint("(module_id IS NULL) <> (course_id IS NULL)", name="module_or_course"),
        enum_check("grading_method", GradingMethod, name="grading_method_known"),
        enum_check("review_policy", ReviewPolicy, name="review_policy_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_modules.id", ondelete="CASCADE"), unique=True
    )
    #: set on a course's final examination (and then ``module_id`` is None)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(default=QUIZ_DEFAULTS["pass_mark"])
    #: None means unlimited
    attempts_allowed: Mapped[int | None]
    grading_method: Mapped[str] = mapped_column(String(20), default=QUIZ_DEFAULTS["grading_method"])
    time_limit_minutes: Mapped[int | None]
    shuffle_questions: Mapped[bool] = mapped_column(default=QUIZ_DEFAULTS["shuffle_questions"])
    shuffle_choices: Mapped[bool] = mapped_column(default=QUIZ_DEFAULTS["shuffle_choices"])
    #: questions drawn at random from the pool per attempt; None means the whole pool
    draw_count: Mapped[int | None]
    #: questions drawn for every objective, so each attempt covers all of them
    per_objective: Mapped[int | None]
    #: {"objective key": count}; keys are objective ids, or "module-slug:objective-id" in a final exam
    blueprint: Mapped[dict | None] = mapped_column(JSON)
    review_policy: Mapped[str] = mapped_column(String(20), default=QUIZ_DEFAULTS["review_policy"])

    module = relationship("Module")
    course = relationship("Course")

    @property
    def is_final_exam(self) -> bool:
        return self.course_id is not None


class Attempt(db.Model):
    """One try at a quiz. Its questions and their order are fixed on the server at start."""

    __tablename__ = "attempts"
    __table_args__ = (
        # the attempts limit holds under concurrent starts: two starts cannot share a number
        UniqueConstraint("quiz_id", "user_id", "number"),
        # at most one open attempt per trainee and quiz
        Index(
            "uq_attempts_one_open", "quiz_id", "user_id", unique=True,
            sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL"),
        ),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None when the quiz has no time limit
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: "trainee", "deadline" (closed by the server after time ran out)
    submitted_by: Mapped[str | None] = mapped_column(String(20))
    #: [{"question_id": 1, "choice_order": [3, 1, 2], "match_options": ["a", "b"]}, ...]
    layout: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]

    quiz: Mapped[Quiz] = relationship()
    user = relationship("User")
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="Response.position"
    )

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class Response(db.Model):
    """The trainee's answer to one question of an attempt, saved as they go."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    #: 1-based place of the question in this attempt
    position: Mapped[int]
    answer: Mapped[dict | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    #: share of the question's points earned, 0..1, set at grading
    fraction: Mapped[float | None]
    score: Mapped[float | None]
    #: question version the score was computed against
    graded_version: Mapped[int | None]

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    question: Mapped[Question] = relationship()


class Regrade(db.Model):
    """A question fix that re-scored its attempts: who, when, and what changed."""

    __tablename__ = "regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    question_version: Mapped[int]
    attempts_rescored: Mapped[int] = mapped_column(default=0)
    #: [{"attempt_id": 1, "old_percent": 70.0, "new_percent": 80.0, "passed": true}, ...]
    changes: Mapped[list] = mapped_column(JSON, default=list)


class TimeAccommodation(db.Model):
    """Extra time on every timed quiz for one trainee (1.5x, 2x), set by an instructor or admin."""

    __tablename__ = "time_accommodations"
    __table_args__ = (
        CheckConstraint("multiplier >= 1 AND multiplier <= 4", name="multiplier_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    multiplier: Mapped[float] = mapped_column(default=1.0)
    #: why (shown to the trainee and in the audit log), e.g. "documented reading accommodation"
    note: Mapped[str] = mapped_column(String(300), default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
