"""Queueing mail in the caller's transaction, and a person's mail preferences."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from training.auth.models import User
from training.extensions import db
from training.notifications.kinds import OPTIONAL_KINDS
from training.notifications.models import NotificationPreference, OutboxMessage
from training.notifications.rendering import render_mail

#: set on the session when a message was queued, so the commit wakes the sender
QUEUED_FLAG = "outbox_queued"


def queue_email(
    *,
    to: User | str,
    template: str,
    context: dict,
    dedupe_key: str,
    optional_kind: str | None = None,
) -> OutboxMessage | None:
    """Queue one email in the current transaction; it is sent after the caller commits.

    - ``to``: a User (their address, and their preferences) or a plain address.
    - ``template``: ``templates/notifications/<template>.txt`` (first line ``Subject: ...``)
      and ``.html``; rendered now with ``context`` plus ``provider_name``, ``base_url`` and
      ``recipient`` (the User or None). Build links with
      ``training.notifications.rendering.absolute_url(endpoint, **values)``.
    - ``dedupe_key``: names the causing event (``"certificate-issued:42"``). A key already in
      the outbox is never queued again (unique constraint): the existing message is returned.
    - ``optional_kind``: a kind from ``training.notifications.kinds.OPTIONAL_KINDS``
      (certificate_issued, waitlist_promotion, workshop_reminder, credential_expiring,
      supervised_session, or one declared with ``register_optional_kind``). Returns None,
      queueing nothing, when the person turned that kind off. Leave it None for required mail.

    Only inserts (one statement, in the caller's transaction); never commits: a rollback of the
    causing event takes the message with it.
    """
    if optional_kind is not None and optional_kind not in OPTIONAL_KINDS:
        raise ValueError(f"Unknown optional mail kind {optional_kind!r}; declare it with register_optional_kind")
    user = to if isinstance(to, User) else None
    address = user.email if user is not None else str(to).strip().lower()
    if any(ch in address for ch in "\r\n") or "@" not in address:
        raise ValueError("A mail address must be one line with an @")
    if user is not None and optional_kind is not None and not wants(user, optional_kind):
        return None
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    rendered = render_mail(template, {**context, "recipient": user})
    values = {
        "dedupe_key": dedupe_key, "user_id": user.id if user is not None else None, "to_email": address,
        "template": template, "context": json.loads(json.dumps(context, default=str)),
        "subject": rendered.subject, "text_body": rendered.text, "html_body": rendered.html,
    }
    # one atomic statement on both databases: a concurrent twin that committed first keeps its
    # message and ours is not written, without a savepoint (which pysqlite cannot nest safely)
    # and without failing the causing event
    dialect_insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    added = db.session.execute(
        dialect_insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    ).rowcount
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if not added:
        return message
    db.session.info[QUEUED_FLAG] = True
    return message


def wants(user: User, kind: str) -> bool:
    """Whether ``user`` receives the optional ``kind`` (on unless they turned it off)."""
    enabled = db.session.scalar(
        select(NotificationPreference.enabled).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind
        )
    )
    return enabled is not False


def preferences_of(user: User) -> dict[str, bool]:
    """Every optional kind with whether ``user`` receives it."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.enabled).where(
            NotificationPreference.user_id == user.id
        )
    ).all()
    chosen = dict(rows)
    return {name: chosen.get(name, True) for name in OPTIONAL_KINDS}


def set_preferences(user: User, choices: dict[str, bool]) -> dict[str, tuple[bool, bool]]:
    """Store ``user``'s choices; returns what changed as kind -> (before, after)."""
    from training.audit import record_event

    before = preferences_of(user)
    rows = {
        p.kind: p
        for p in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    changed = {}
    for kind, enabled in choices.items():
        if kind not in OPTIONAL_KINDS or before[kind] == enabled:
            continue
        row = rows.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        row.enabled = enabled
        db.session.add(row)
        changed[kind] = (before[kind], enabled)
    if changed:
        record_event("notifications.preferences_changed", f"user:{user.id}",
                     {k: {"from": a, "to": b} for k, (a, b) in changed.items()}, actor=user)
    db.session.flush()
    return changed
