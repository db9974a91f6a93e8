"""Media library forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class MediaUploadForm(FlaskForm):
    file = FileField("Image (PNG, JPEG, WebP or SVG)", validators=[FileRequired("Choose an image to upload.")])
    submit = SubmitField("Upload")
