"""Users and the roles they hold."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.auth.roles import Profession, Role
from training.database import enum_check, utcnow
from training.extensions import db

ROLE_NAMES = tuple(Role)
PROFESSION_NAMES = tuple(Profession)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        enum_check("profession", Profession, name="profession_known", nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased, so uniqueness holds regardless of case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: the name printed on certificates and shown to others ("print name")
    name: Mapped[str] = mapped_column(String(120))
    given_names: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    #: None while the given/family split is only the migration's suggestion from ``name``
    names_confirmed_at: Mapped[datetime | None]
    #: IANA zone every date and time is shown in, e.g. "America/Denver"
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: None until the person follows the emailed confirmation link; self-registered and admin-created
    #: accounts start with None, accounts made directly (operators, seeds, fixtures) as confirmed
    email_verified_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str | None] = mapped_column(String(40))
    license_number: Mapped[str | None] = mapped_column(String(60))
    #: licensing state or jurisdiction, e.g. "TX" or "Ontario"
    license_state: Mapped[str | None] = mapped_column(String(60))
    #: the day the trainee's license was first issued, as they entered it (years-licensed rules)
    licensed_since: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: bumped at logout, password change and deactivation; sessions carrying an older value end
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session identity carries the version, so bumping it ends older sessions."""
        return f"{self.id}:{self.session_version}"

    @property
    def profession_label(self) -> str:
        return Profession(self.profession).label if self.profession else ""

    @property
    def print_name(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        """Given name(s) as the person entered them (exports and rosters; never split from ``name``)."""
        return self.given_names

    @property
    def last_name(self) -> str:
        return self.family_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        enum_check("role", Role, name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginCounter(db.Model):
    """Login attempts per key (account or address) in one fixed window, shared by every worker."""

    __tablename__ = "login_counters"

    #: "account:<email>" or "address:<ip>"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
