"""Mail templates: ``templates/notifications/<name>.txt`` (first line ``Subject: ...``) and ``.html``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from training.urls import base_url

SUBJECT_PREFIX = "Subject:"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


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
