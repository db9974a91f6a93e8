"""Mail to trainees about their practical: a seat offered from the waitlist, a supervised log decided.

Queued in the causing transaction (a rollback takes the mail with it); each event has its own
dedupe key, so a retried request never mails twice. Both kinds can be turned off by the
trainee; the dashboard and the sessions page tell them either way.
"""

from __future__ import annotations

from training.notifications.services import queue_email
from training.practical.models import Seat, SupervisedSession
from training.practical.venue_time import to_local
from training.urls import public_url


def tell_promoted(seat: Seat) -> None:
    workshop = seat.workshop
    local = to_local(workshop.starts_at, workshop.timezone)
    queue_email(
        to=seat.user, template="waitlist_promotion", optional_kind="waitlist_promotion",
        dedupe_key=f"waitlist-promotion:{seat.id}:{seat.confirmed_at.isoformat()}",
        context={
            "name": seat.user.name, "course_title": workshop.course.title, "workshop_title": workshop.title,
            "starts": f"{local:%A %-d %B %Y, %H:%M} {local.tzname()}", "venue": workshop.venue,
            "sessions_link": public_url("practical.sessions", course_id=workshop.course_id),
            "calendar_link": public_url("practical.calendar", seat_id=seat.id),
        },
    )


def tell_decided(log: SupervisedSession) -> None:
    queue_email(
        to=log.trainee, template="supervised_decided", optional_kind="supervised_session",
        dedupe_key=f"supervised-decided:{log.id}",
        context={
            "name": log.trainee.name, "course_title": log.course.title, "status": log.status,
            "treated_on": log.treated_on.isoformat(), "region": log.region, "supervisor": log.supervisor.name,
            "note": log.decision_note, "logs_link": public_url("practical.my_logs", course_id=log.course_id),
        },
    )
