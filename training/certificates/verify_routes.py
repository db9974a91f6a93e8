"""Public verification of certificates, with no login."""

from flask import Blueprint

bp = Blueprint("verify", __name__)
