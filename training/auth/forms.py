"""Account forms; strength and uniqueness are checked by the services, shown on the field."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from training.auth.passwords import MAX_LENGTH
from training.auth.roles import PROFESSION_LABELS, Role
from training.timezones import zone_choices

PROFESSION_CHOICES = [(p.value, label) for p, label in PROFESSION_LABELS.items()]
ROLE_CHOICES = [(r.value, r.value.capitalize()) for r in Role]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254), Email(message="Enter a valid email address.")],
    )


def _password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(), Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters.")],
        description="At least 12 characters; a passphrase of several words works well.",
    )


class NameFieldsMixin:
    given_names = StringField(
        "Given name(s)", validators=[DataRequired(message="Enter your given name(s)."), Length(max=120)],
        description="First and middle names, as on your license.",
    )
    family_name = StringField(
        "Family name", validators=[Optional(), Length(max=120)],
        description="Leave empty if you have only one name.",
    )
    name = StringField(
        "Name on certificates", validators=[Optional(), Length(max=120)],
        description="Printed on your certificates; leave empty to use your given and family names.",
    )
    time_zone = SelectField(
        "Time zone", choices=zone_choices, validators=[DataRequired()], default="UTC",
        description="Dates and times are shown in this zone.",
    )

    def name_values(self) -> dict:
        given, family = self.given_names.data.strip(), (self.family_name.data or "").strip()
        return {
            "given_names": given,
            "family_name": family,
            "name": (self.name.data or "").strip() or f"{given} {family}".strip(),
            "time_zone": self.time_zone.data,
        }


class LicenseFieldsMixin(NameFieldsMixin):
    profession = SelectField("Profession", choices=PROFESSION_CHOICES, validators=[DataRequired()])
    license_number = StringField(
        "License number",
        validators=[DataRequired(message="Enter your license number."), Length(max=60)],
        description="Exactly as your licensing board records it.",
    )
    license_state = StringField(
        "Licensing state or jurisdiction",
        validators=[DataRequired(message="Enter the state or jurisdiction of your license."), Length(max=60)],
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField("Log in")


class RegistrationForm(LicenseFieldsMixin, FlaskForm):
    email = _email_field()
    password = _password_field()
    confirm = PasswordField(
        "Repeat password", validators=[InputRequired(), EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Create account")


class ProfileForm(LicenseFieldsMixin, FlaskForm):
    licensed_since = DateField(
        "License first issued on", validators=[Optional()],
        description="The date your license was first issued; some states ask for years of licensed practice.",
    )
    submit = SubmitField("Save profile")

    def validate_licensed_since(self, field) -> None:
        if field.data and not date(1940, 1, 1) <= field.data <= date.today():
            raise ValidationError("Enter a date in the past, as printed on your license.")

    def __init__(self, *args, require_license: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not require_license:  # staff accounts need not hold a clinical license
            for field in (self.profession, self.license_number, self.license_state):
                field.validators = [Optional(), *field.validators[1:]]
                field.flags.required = False
            self.profession.choices = [("", "—"), *PROFESSION_CHOICES]

    def profile_values(self, user) -> dict:
        """The submitted names, zone and licence fields, cleaned, keyed by ``User`` column.

        Saving confirms the name parts: ``names_confirmed_at`` is set when they were not yet
        confirmed or have changed (an unchanged save leaves it, so it is not a change to audit).
        """
        from training.database import utcnow

        values = {
            **self.name_values(),
            # a blank choice (Optional() passes whitespace) means "none", never an unknown profession
            "profession": (self.profession.data or "").strip() or None,
            "license_number": (self.license_number.data or "").strip() or None,
            "license_state": (self.license_state.data or "").strip() or None,
            "licensed_since": self.licensed_since.data,
        }
        names = ("given_names", "family_name", "name")
        if user.names_confirmed_at is None or any(getattr(user, n) != values[n] for n in names):
            values["names_confirmed_at"] = utcnow()
        return values

    def apply_to(self, user) -> None:
        for name, value in self.profile_values(user).items():
            setattr(user, name, value)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired()])
    password = _password_field("New password")
    confirm = PasswordField(
        "Repeat new password", validators=[InputRequired(), EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Change password")


class AdminCreateUserForm(FlaskForm):
    email = _email_field()
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField("Roles", choices=ROLE_CHOICES, validators=[DataRequired("Choose at least one role.")])
    password = _password_field("Initial password")
    profession = SelectField("Profession", choices=[("", "—"), *PROFESSION_CHOICES], validators=[Optional()])
    license_number = StringField("License number", validators=[Optional(), Length(max=60)])
    license_state = StringField("Licensing state or jurisdiction", validators=[Optional(), Length(max=60)])
    submit = SubmitField("Create user")


class RolesForm(FlaskForm):
    roles = MultiCheckboxField("Roles", choices=ROLE_CHOICES, validators=[DataRequired("Choose at least one role.")])
    submit = SubmitField("Save roles")


class ActiveForm(FlaskForm):
    active = BooleanField("Active")
    submit = SubmitField("Apply")


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send me a reset link")


class ResendVerificationForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send the confirmation link again")


class ResetPasswordForm(FlaskForm):
    password = _password_field("New password")
    confirm = PasswordField(
        "Repeat new password", validators=[InputRequired(), EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Set new password")


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New email address",
        validators=[DataRequired(), Length(max=254), Email(message="Enter a valid email address.")],
    )
    current_password = PasswordField("Current password", validators=[InputRequired()])
    submit = SubmitField("Send a confirmation link")
