"""Production refuses per-process counters with several workers, in-memory job queues and mail without TLS."""

from __future__ import annotations

import sys

import pytest

from config import ProductionConfig


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://db/x")
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", "https://ce.example.org")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "wsgi:app"])
    return monkeypatch


@pytest.mark.parametrize("argv", [["gunicorn", "--workers", "3", "wsgi:app"], ["gunicorn", "-w3", "wsgi:app"],
                                  ["gunicorn", "--workers=2", "wsgi:app"]])
def test_memory_rate_limits_with_several_workers_are_refused(production, argv):
    production.setattr(sys, "argv", argv)
    with pytest.raises(RuntimeError, match="worker processes"):
        ProductionConfig.validate()


def test_web_concurrency_counts_too(production):
    production.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(RuntimeError, match="4 worker processes"):
        ProductionConfig.validate()


def test_single_worker_or_shared_store_is_accepted(production):
    ProductionConfig.validate()
    production.setattr(sys, "argv", ["gunicorn", "--workers", "3", "wsgi:app"])
    production.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    ProductionConfig.validate()


def test_mail_without_tls_and_memory_jobs_are_refused(production):
    production.setattr(ProductionConfig, "MAIL_USE_TLS", False)
    with pytest.raises(RuntimeError, match="TLS"):
        ProductionConfig.validate()
    production.setattr(ProductionConfig, "MAIL_USE_TLS", True)
    production.setattr(ProductionConfig, "JOBS_URL", "memory://")
    with pytest.raises(RuntimeError, match="JOBS_URL"):
        ProductionConfig.validate()
