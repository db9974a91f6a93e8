"""Forms of the certificate pages: revoke, re-issue, and the public verification lookup."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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


class CorrectionForm(FlaskForm):
    """A reasoned admin act on a certificate; the label and button come from ``CORRECTIONS``."""

    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give a reason."), Length(max=MAX_REASON)],
        description="Kept in the audit log and shown in the certificate's public history.",
    )
    submit = SubmitField("Confirm")


class VerifyForm(FlaskForm):
    """A lookup that changes nothing, sent with GET: no CSRF token needed."""

    class Meta:
        csrf = False

    code = StringField("Verification code", validators=[DataRequired(), Length(max=100)],
                       description="Printed on the certificate, e.g. 7KQ2-M9XD-0A4F-RT8B-ZZ3C.")
    submit = SubmitField("Verify")


class CheckPdfForm(FlaskForm):
    """ "Check a PDF you were given": the file is read in memory and never stored."""

    pdf = FileField("Certificate PDF", validators=[FileRequired("Choose the PDF file to check.")],
                    description="The PDF is checked and then discarded; it is never stored.",
                    render_kw={"accept": "application/pdf,.pdf"})
    submit = SubmitField("Check PDF")


class RecertificationForm(FlaskForm):
    """How long a course's certificates are valid and how they are renewed."""

    validity_months = IntegerField(
        "Validity (months)", validators=[Optional(), NumberRange(min=1, max=240)],
        description="Leave empty for certificates that never expire. Applies to certificates "
                    "issued from now on; issued ones keep the expiry they were issued with.")
    refresher_course_id = SelectField("Refresher course", coerce=int, validate_choice=True)
    ce_hours = IntegerField("Or CE hours within the cycle", validators=[Optional(),
                                                                         NumberRange(min=1, max=500)])
    ce_course_codes = StringField(
        "Courses whose hours count", validators=[Length(max=500)],
        description="Course codes separated by commas, e.g. DN-201, DN-202.")
    submit = SubmitField("Save recertification rule")
