"""The practical's part of the public course page: the upcoming workshops, in venue time, with
the seats left and what a trainee must have passed to book.

The course page belongs to the site layer, which does not know the practical; this package
hands it a partial through ``register_public_course_section`` and a template global that
loads the workshops in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from training.practical.models import Workshop
from training.practical.workshops import seat_counts, upcoming_for_courses


@dataclass(frozen=True)
class PublicWorkshop:
    workshop: Workshop
    seats_left: int
    waitlisted: int


def public_workshops(course_id: int) -> list[PublicWorkshop]:
    """The course's workshops that have not started, soonest first, with seats left."""
    workshops = upcoming_for_courses([course_id])
    counts = seat_counts([w.id for w in workshops])
    return [
        PublicWorkshop(w, max(0, w.capacity - counts[w.id]["confirmed"]), counts[w.id]["waitlisted"])
        for w in workshops
    ]


def register_public_sections(app: Flask) -> None:
    """Put the workshops on every public course page."""
    from training.site.public_routes import register_public_course_section

    app.add_template_global(public_workshops, "practical_workshops")
    register_public_course_section(app, "practical/_public_workshops.html")
