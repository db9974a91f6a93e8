"""Configuration classes; every deployment-specific value comes from the environment.

Development keeps its SQLite database and a generated secret key in ``instance/`` so that
``make run`` works with no set-up. Production refuses to start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def configured_worker_processes() -> int:
    """How many server processes share the load: WEB_CONCURRENCY, or gunicorn's --workers/-w.

    Gunicorn reads WEB_CONCURRENCY as its default worker count, and its workers are forks of a
    master started with the command line, so both are visible here.
    """
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        value = None
        if arg in {"-w", "--workers"} and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value and value.isdigit():
            return int(value)
    concurrency = os.environ.get("WEB_CONCURRENCY", "1")
    return int(concurrency) if concurrency.isdigit() else 1


def _instance_secret_key() -> str:
    """A per-installation key kept in instance/, created on first use."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    #: no pool_pre_ping: idle connections are tested instead (training.database.ping_idle_connections)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "dn_session"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    #: an unchanged session cookie is re-sent (sliding the idle limit) once it is this old
    SESSION_COOKIE_REFRESH_SECONDS = int(os.environ.get("SESSION_COOKIE_REFRESH_SECONDS", "60"))
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # tokens are bound to the session, which itself expires

    #: Flask-Limiter storage; use redis:// or memcached:// when several machines share the load
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute")
    VERIFY_LIMIT = os.environ.get("VERIFY_LIMIT", "30 per minute")
    #: "database" or "limiter" (the RATELIMIT_STORAGE_URI store); chosen from that URI when empty
    LOGIN_THROTTLE_STORE = os.environ.get("LOGIN_THROTTLE_STORE", "")
    VERIFY_LINK_HOURS = int(os.environ.get("VERIFY_LINK_HOURS", "48"))
    RESET_LINK_MINUTES = int(os.environ.get("RESET_LINK_MINUTES", "60"))
    #: requests per minute per API token
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    #: bytes gathered before each chunk of a streamed export is sent
    RECORDS_EXPORT_CHUNK_BYTES = int(os.environ.get("RECORDS_EXPORT_CHUNK_BYTES", 64 * 1024))

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 2 * 1024 * 1024))
    BOOTSTRAP_SERVE_LOCAL = True
    HSTS_ENABLED = False

    #: Ed25519 key that signs certificates: a PEM in the environment, or a file in instance/
    CERT_SIGNING_KEY_PEM = os.environ.get("CERT_SIGNING_KEY_PEM")
    CERT_SIGNING_KEY_PATH = os.environ.get(
        "CERT_SIGNING_KEY_PATH", str(INSTANCE_DIR / "certificate_signing_key.pem")
    )
    #: the provider as named in its Open Badges issuer profile
    CERT_ISSUER_NAME = os.environ.get("CERT_ISSUER_NAME", "Dry Needling CE Training")
    #: "check a PDF you were given": uploads per address, and the largest PDF accepted
    VERIFY_UPLOAD_LIMIT = os.environ.get("VERIFY_UPLOAD_LIMIT", "10 per minute")
    VERIFY_UPLOAD_MAX_BYTES = int(os.environ.get("VERIFY_UPLOAD_MAX_BYTES", 1024 * 1024))
    #: base of the verification links printed on certificates, e.g. https://ce.example.org
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    #: number of trusted proxies (load balancer, ...) in front of the app; 0 when exposed directly
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    #: seconds a trainee may submit after a quiz deadline (network latency, clock skew)
    QUIZ_GRACE_SECONDS = int(os.environ.get("QUIZ_GRACE_SECONDS", "30"))
    #: hashed, compressed static files written by `flask static build`, served by WhiteNoise
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR", str(INSTANCE_DIR / "static-build"))
    #: where media library files are kept (content-addressed); the instance folder by default
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "")
    #: largest image upload in bytes, and largest image in pixels (width x height)
    MEDIA_MAX_BYTES = int(os.environ.get("MEDIA_MAX_BYTES", 2 * 1024 * 1024))
    MEDIA_MAX_PIXELS = int(os.environ.get("MEDIA_MAX_PIXELS", 25_000_000))

    #: the job queue: sqlite:///path (one machine), redis://host:port/db (several) or memory://
    JOBS_URL = os.environ.get("JOBS_URL") or (
        os.environ["REDIS_URL"] if os.environ.get("REDIS_URL") else f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite'}"
    )
    #: "smtp" sends through MAIL_SERVER; "file" writes .eml files to MAIL_FILE_DIR and prints the links
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    #: STARTTLS on MAIL_PORT (587); MAIL_USE_SSL for implicit TLS (465)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
    #: the name mail comes from and signs with
    MAIL_PROVIDER_NAME = os.environ.get("MAIL_PROVIDER_NAME", "Dry Needling CE Institute")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    #: seconds a sender holds a message; longer than MAIL_TIMEOUT x the SMTP round trips
    MAIL_CLAIM_SECONDS = int(os.environ.get("MAIL_CLAIM_SECONDS", "300"))
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
    MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))
    #: about a day of attempts with the defaults before a message is marked failed
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "30"))
    #: years CE records stay under legal hold after issue, even when the person asks for erasure
    CE_RECORD_RETENTION_YEARS = int(os.environ.get("CE_RECORD_RETENTION_YEARS", "10"))


class DevelopmentConfig(Config):
    """Local use: SQLite and a secret key generated into instance/."""

    SECRET_KEY = Config.SECRET_KEY or _instance_secret_key()
    SQLALCHEMY_DATABASE_URI = Config.SQLALCHEMY_DATABASE_URI or (
        f"sqlite:///{INSTANCE_DIR / 'training.sqlite'}"
    )
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")


class TestingConfig(Config):
    """The test suite: a database from TEST_DATABASE_URL (SQLite file by default)."""

    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    STATIC_BUILD_DIR = ""  # source files under their own names; tests that build pass a folder
    JOBS_URL = "memory://"
    MAIL_BACKEND = "file"
    #: media files of a test run go to a temporary folder, never into instance/
    MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or os.path.join(
        tempfile.gettempdir(), f"dn-test-media-{os.getpid()}"
    )


class ProductionConfig(Config):
    """Behind a load balancer with TLS: secure cookies and HSTS."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ENABLED = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        """Refuse to run production with a missing or well-known secret key or no database."""
        key = cls.SECRET_KEY or ""
        if len(key) < 32 or key.startswith(("change", "dev", "testing", "secret")):
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("DATABASE_URL must be set in production")
        if not cls.PUBLIC_BASE_URL.startswith("https://"):
            raise RuntimeError(
                "PUBLIC_BASE_URL must be set to the site's https:// address in production: it is"
                " printed on certificates and must not come from a request's Host header"
            )
        cls.validate_shared_stores()

    @classmethod
    def validate_shared_stores(cls) -> None:
        """Refuse settings that only work in one process, and mail without TLS."""
        workers = configured_worker_processes()
        if cls.RATELIMIT_STORAGE_URI.startswith("memory") and workers > 1:
            raise RuntimeError(
                f"RATELIMIT_STORAGE_URI is memory:// but {workers} worker processes are configured: each would"
                " keep its own counts, multiplying every limit by the number of processes. Set it to a shared"
                " store (redis://...) or run a single worker process."
            )
        if cls.JOBS_URL.startswith("memory"):
            raise RuntimeError("JOBS_URL must not be memory:// in production: no worker would ever see the jobs")
        if cls.MAIL_BACKEND == "smtp" and not (cls.MAIL_USE_TLS or cls.MAIL_USE_SSL):
            raise RuntimeError("Mail must be sent over TLS in production: set MAIL_USE_TLS or MAIL_USE_SSL")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by APP_ENV (development when unset)."""
    name = os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
