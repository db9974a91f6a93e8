"""``flask certificates ...``."""

from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="Check certificates.")
