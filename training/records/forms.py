"""Forms of the auditor pages; every POST carries a CSRF token through Flask-WTF."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from training.audit.chain import parse_head

FORMAT_CHOICES = [("csv", "CSV (spreadsheets)"), ("jsonl", "JSON Lines (programs)")]


class ExportForm(FlaskForm):
    """Download what the filters show; the filters travel in the query string."""

    format = RadioField(
        "Format", choices=FORMAT_CHOICES, default="csv", validators=[DataRequired()]
    )


class AuditExportForm(FlaskForm):
    """Download the filtered audit log as CSV."""

    submit = SubmitField("Download CSV")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[
            DataRequired(message="Name the token after the tool that will use it."),
            Length(max=100),
            Regexp(r"^[^\x00-\x1f\x7f]*$", message="Use letters, digits, spaces and punctuation."),
        ],
        description="For example the tool or script that will use it, such as “Board import 2026”.",
    )
    submit = SubmitField("Create token")


class VerifyForm(FlaskForm):
    head = StringField(
        "Head recorded earlier (optional)",
        validators=[Optional(), Length(max=100)],
        description="SEQ:HASH from an earlier visit or an export's X-Audit-Chain-Head header; "
        "it proves that no entries were cut off the end since then.",
    )
    submit = SubmitField("Verify the chain")

    def validate_head(self, field) -> None:
        try:
            parse_head(field.data)
        except ValueError as err:
            raise ValidationError(str(err)) from None
