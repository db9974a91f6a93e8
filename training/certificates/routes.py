"""Certificates for their holders and staff: list, PDF download, revocation and re-issue."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
