"""Demo lab sessions for ``flask seed-demo``: two upcoming weekends, the first full with a waitlist.

Runs after the accounts, the course and its rubric exist; a session already there (same
title) is left alone, so running the seed again changes nothing. The lab participants are
demo trainee accounts with random passwords (they exist to fill seats, not to log in).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from modules.models import Course
from modules.services import enrol
from training.auth.services import create_user, find_user_by_email
from training.extensions import db
from training.practical.models import Workshop
from training.practical.seats import register
from training.practical.workshops import WorkshopInput, save_workshop

COURSE_SLUG = "dry-needling-level-1"
PARTICIPANTS = ["Amara Okafor", "Ben Castillo", "Chloe Martin", "Diego Alvarez", "Esther Kim", "Farid Haddad"]
SESSIONS = [
    # title, venue, address, zone, weeks ahead, capacity, participants booked
    ("Level 1 weekend lab, Austin", "Northfield clinic, lab room 2", "1200 Barton Springs Rd, Austin, TX 78704",
     "America/Chicago", 3, 4, 6),
    ("Level 1 weekend lab, Denver", "Front Range rehab centre", "400 Lincoln St, Denver, CO 80203",
     "America/Denver", 6, 12, 2),
]


def _saturday(weeks: int) -> datetime:
    day = (datetime.now() + timedelta(weeks=weeks)).replace(hour=8, minute=0, second=0, microsecond=0)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _participant(name: str, course: Course):
    email = f"lab.{name.split()[0].lower()}@example.org"
    user = find_user_by_email(email) or create_user(
        email=email, name=name, password=secrets.token_urlsafe(24), roles={"trainee"},
        profession="physical_therapist", license_state="TX", check_strength=False,
    )
    enrol(user, course)
    return user


def seed_workshops() -> list[str]:
    """Create the demo sessions and bookings once (flushes; the seed command commits)."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    instructor = find_user_by_email("instructor@example.org")
    if course is None or instructor is None:
        return []
    made = []
    for title, venue, address, zone, weeks, capacity, booked in SESSIONS:
        if db.session.scalar(select(Workshop.id).where(Workshop.title == title)) is not None:
            continue
        start = _saturday(weeks)
        workshop = save_workshop(course, WorkshopInput(
            title=title, venue=venue, address=address, timezone=zone, starts_local=start,
            ends_local=start + timedelta(days=1, hours=9), capacity=capacity, ratio=12,
            instructor_ids=[instructor.id],
        ), actor=instructor)
        for name in PARTICIPANTS[:booked]:
            register(_participant(name, course), workshop.id)
        made.append(title)
    return made
