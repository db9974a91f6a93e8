"""Turning the ``Target`` a rule returns into a URL: done in views and templates only."""

from __future__ import annotations

from flask import url_for

from training.steps import Target


def target_url(target: Target | None, default: str | None = None) -> str | None:
    """The URL of ``target`` (``default`` when there is none); templates call it as a global."""
    if target is None:
        return default
    return url_for(target.endpoint, **target.args)
