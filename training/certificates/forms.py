"""Forms of the certificate pages: revoke, re-issue, and the public verification lookup."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.certificates.services import MAX_REASON


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason for revocation",
        validators=[DataRequired(message="Give a reason for the revocation."),
                    Length(max=MAX_REASON)],
        description="Kept in the audit log and shown on the public verification page.",
    )
    submit = SubmitField("Revoke certificate")


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        "Reason for re-issue",
        validators=[DataRequired(message="Give a reason for the re-issue."),
                    Length(max=MAX_REASON)],
        description="For example: name corrected in the trainee's profile. The new certificate "
                    "uses the profile and course as they are now.",
    )
    submit = SubmitField("Re-issue certificate")


class VerifyForm(FlaskForm):
    """A lookup that changes nothing, sent with GET: no CSRF token needed."""

    class Meta:
        csrf = False

    code = StringField("Verification code", validators=[DataRequired(), Length(max=100)],
                       description="Printed on the certificate, e.g. 7KQ2-M9XD-0A4F-RT8B-ZZ3C.")
    submit = SubmitField("Verify")
