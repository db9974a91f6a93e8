"""API tokens page: created (shown once, stored hashed), listed and revoked by their owner only."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from training.audit.models import AuditEntry
from training.records.models import ApiToken

TOKENS = "/records/tokens"


def created_token(html: str) -> str:
    match = re.search(r'id="new-token" readonly value="(dnce_[A-Za-z0-9_-]{43})"', html)
    assert match, "the new token is shown"
    return match.group(1)


def test_create_shows_the_token_once_and_stores_only_its_hash(client, login, auditor, db):
    login(auditor)
    response = client.post(TOKENS, data={"name": "Board import 2026"})
    assert response.status_code == 201
    raw = created_token(response.text)
    token = db.session.scalar(select(ApiToken))
    assert token.user_id == auditor.id and token.name == "Board import 2026"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12] and raw not in (token.prefix, token.token_hash)
    listing = client.get(TOKENS).text
    assert raw not in listing and f"{token.prefix}…" in listing and "Board import 2026" in listing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.created"))
    assert entry.subject == f"api_token:{token.id}" and entry.actor == auditor.email
    assert raw not in str(entry.details)


def test_tokens_are_unique_and_unguessable(client, login, auditor, db):
    login(auditor)
    raws = {created_token(client.post(TOKENS, data={"name": f"t{i}"}).text) for i in range(3)}
    assert len(raws) == 3


def test_a_name_is_required(client, login, auditor, db):
    login(auditor)
    response = client.post(TOKENS, data={"name": "  "})
    assert response.status_code == 400
    assert "Name the token after the tool that will use it." in response.text
    response = client.post(TOKENS, data={"name": "bad\x00name"})  # PostgreSQL refuses NUL
    assert response.status_code == 400 and "NUL character" in response.text
    response = client.post(TOKENS, data={"name": "bad\x07name"})
    assert response.status_code == 400 and "single line without control characters" in response.text
    assert db.session.scalar(select(ApiToken)) is None


def test_revoke_own_token(client, login, auditor, db, bearer):
    headers = bearer(auditor)
    token = db.session.scalar(select(ApiToken))
    login(auditor)
    assert client.get("/api/v1/certificates", headers=headers).status_code == 200
    response = client.post(f"{TOKENS}/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith(TOKENS)
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/certificates", headers=headers).status_code == 401
    assert "revoked" in client.get(TOKENS).text
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["api_token.created", "api_token.revoked"]
    # revoking again changes nothing and records nothing
    client.post(f"{TOKENS}/{token.id}/revoke")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 3)) is None


def test_nobody_sees_or_revokes_another_auditors_tokens(client, login, auditor, make_user, db,
                                                        bearer):
    other = make_user("auditor")
    bearer(other)
    theirs = db.session.scalar(select(ApiToken))
    login(auditor)
    assert "test tool" not in client.get(TOKENS).text
    assert client.post(f"{TOKENS}/{theirs.id}/revoke").status_code == 404
    assert client.post(f"{TOKENS}/99999999999999999999/revoke").status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None


def test_token_forms_need_csrf(csrf_app, client, login, auditor, db):
    login(auditor)
    assert client.post(TOKENS, data={"name": "x"}).status_code == 400
    assert db.session.scalar(select(ApiToken)) is None
    page = client.get(TOKENS).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(TOKENS, data={"name": "x", "csrf_token": csrf})
    assert response.status_code == 201
