"""Confirmation pages for destructive actions (delete, revoke, deactivate).

The list or detail page links to a GET page that says what will happen and carries the one
button that does it; the POST itself is unchanged, so nothing is ever done on one click.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template


@dataclass
class Confirmation:
    heading: str
    consequences: list[str]
    button: str
    action_url: str
    cancel_url: str
    #: fixed values posted with the button (e.g. ``active`` = "" to deactivate)
    hidden: dict[str, str] = field(default_factory=dict)


def confirm_page(confirmation: Confirmation, form, status: int = 200):
    return render_template("site/confirm.html", c=confirmation, form=form), status
