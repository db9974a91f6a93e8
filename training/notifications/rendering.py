"""Mail templates: ``templates/notifications/<name>.txt`` (first line ``Subject: ...``) and ``.html``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for

SUBJECT_PREFIX = "Subject:"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def base_url() -> str:
    """The site's public address: PUBLIC_BASE_URL, else the current request's, else localhost."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://localhost:5000"


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail: the route's path on the public base address (works in jobs too)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        root = current_app.config.get("APPLICATION_ROOT") or "/"
        path = current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)
    return base_url() + path


def render_mail(template: str, context: dict) -> RenderedMail:
    """Render both parts; the subject comes from the text template's first line."""
    env = current_app.jinja_env
    values = {
        "provider_name": current_app.config["MAIL_PROVIDER_NAME"],
        "base_url": base_url(),
        **context,
    }
    name = f"notifications/{template}.txt"
    source = env.loader.get_source(env, name)[0]
    first, _, body = source.lstrip("\n").partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"{name} must start with a '{SUBJECT_PREFIX}' line")
    # the subject line is rendered on its own, so a newline in the context cannot end it early
    subject = " ".join(env.from_string(first[len(SUBJECT_PREFIX):]).render(values).split())
    text = env.from_string(body).render(values)
    html = env.get_template(f"notifications/{template}.html").render(values)
    return RenderedMail(subject=subject[:200], text=text.strip() + "\n", html=html)
