"""The dry needling training platform: application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import INSTANCE_DIR, Config, ProductionConfig, config_from_env

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app for ``config`` (from APP_ENV when None), with optional setting overrides."""
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        config.validate()
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT_DIR / "templates"),
        static_folder="static",
    )
    app.config.from_object(config)
    app.config.update(overrides)
    register_extensions(app)
    from training.site.security import register_url_converters

    register_url_converters(app)
    register_blueprints(app)
    register_commands(app)
    from training.site.navigation import register_navigation
    from training.site.security import register_security

    register_navigation(app)
    register_security(app)
    from training.site.static_files import register_static_files

    register_static_files(app)
    from training.timezones import register_time_filters

    register_time_filters(app)
    return app


def register_extensions(app: Flask) -> None:
    import training.models  # noqa: F401 - registers every table with the metadata
    from training.database import configure_database
    from training.extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    configure_database(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    from training.notifications.jobs import init_jobs
    from training.validators import install_single_line_rule

    init_jobs(app)
    install_single_line_rule()

    from training.auth.session import configure_login, configure_session

    configure_login(login_manager)
    configure_session(app)


def register_blueprints(app: Flask) -> None:
    from modules.approval_routes import bp as approvals_bp
    from modules.authoring_routes import bp as authoring_bp
    from modules.media.routes import bp as media_bp
    from modules.rendering import render_markdown_cached
    from modules.routes import bp as courses_bp
    from modules.steps import LessonSteps
    from quizzes.accommodation_routes import bp as accommodations_bp
    from quizzes.authoring_routes import bp as quiz_authoring_bp
    from quizzes.authoring_routes import module_links
    from quizzes.final_exam import FinalExamSteps, final_exam_link
    from quizzes.final_exam_routes import bp as final_exam_bp
    from quizzes.hotspot_routes import bp as hotspot_exchange_bp
    from quizzes.report_routes import bp as quiz_reports_bp
    from quizzes.routes import bp as quizzes_bp
    from quizzes.steps import ModuleQuizSteps
    from training.auth.admin_routes import bp as admin_bp
    from training.auth.recovery_routes import bp as account_bp
    from training.auth.routes import bp as auth_bp
    from training.certificates.events import connect_events
    from training.certificates.openbadges_routes import bp as openbadges_bp
    from training.certificates.routes import bp as certificates_bp
    from training.certificates.verify_routes import bp as verify_bp
    from training.jurisdictions.routes import bp as jurisdictions_bp
    from training.jurisdictions.routes import verify_bp as pack_verify_bp
    from training.notifications.routes import bp as notifications_bp
    from training.personal_data.routes import bp as personal_data_bp
    from training.practical import staff_routes  # noqa: F401 - adds the staff pages to the blueprint
    from training.practical.providers import PROVIDERS as practical_providers
    from training.practical.routes import bp as practical_bp
    from training.progress.routes import bp as progress_bp
    from training.records.api_routes import bp as api_bp
    from training.records.roster_routes import bp as rosters_bp
    from training.records.routes import bp as records_bp
    from training.site.public_routes import bp as public_bp
    from training.site.routes import bp as site_bp
    from training.site.targets import target_url
    from training.steps import register_step_provider

    for blueprint in (
        site_bp, auth_bp, admin_bp, courses_bp, authoring_bp, quizzes_bp, quiz_authoring_bp, quiz_reports_bp,
        progress_bp, certificates_bp, verify_bp, records_bp, api_bp,
        account_bp, notifications_bp, personal_data_bp, practical_bp,
        jurisdictions_bp, pack_verify_bp, approvals_bp, rosters_bp, openbadges_bp, public_bp,
        media_bp, hotspot_exchange_bp, final_exam_bp, accommodations_bp,
    ):
        app.register_blueprint(blueprint)
    app.add_template_filter(render_markdown_cached, "markdown")
    app.add_template_global(module_links, "module_links")
    app.add_template_global(target_url, "target_url")
    # the public course page lists the practical's rubric
    from training.practical.rubric import course_skills
    from training.site.public_routes import register_public_course_section

    app.add_template_global(course_skills, "practical_skills")
    register_public_course_section(app, "practical/_public_skills.html")
    from training.practical.public import register_public_sections

    register_public_sections(app)
    app.add_template_global(final_exam_link, "final_exam_link")
    # the practical's attendance, rubric and supervised sessions replace the former free-typed sign-off
    for provider in (LessonSteps(), ModuleQuizSteps(), *practical_providers, FinalExamSteps()):
        register_step_provider(app, provider)
    from training.personal_data.export import register_personal_data_section
    from training.practical.personal_data import collect_practical

    register_personal_data_section(app, "practical", collect_practical)
    connect_events(app)
    register_jobs(app)

    from training.site.errors import register_error_handlers

    register_error_handlers(app)


def register_jobs(app: Flask) -> None:
    """Scheduled work, run by `flask jobs worker` (see training/notifications/jobs.py), so no page read has to do it.

    The runner commits each job's work after it returns (``run_job``).
    """
    from datetime import timedelta

    from quizzes.attempts import close_expired_attempts
    from training.auth.throttle import prune_login_counters
    from training.notifications.jobs import register_periodic_job

    register_periodic_job(app, "close-expired-attempts", close_expired_attempts, every=timedelta(minutes=1))
    register_periodic_job(app, "prune-login-counters", prune_login_counters, every=timedelta(hours=1))


def register_commands(app: Flask) -> None:
    from modules.cli import content_cli
    from quizzes.cli import quizzes_cli
    from training.audit.cli import audit_cli
    from training.auth.cli import users_cli
    from training.certificates.cli import certificates_cli
    from training.jurisdictions.cli import jurisdictions_cli
    from training.notifications.cli import jobs_cli, mail_cli
    from training.seed import seed_demo_command

    for command in (users_cli, content_cli, quizzes_cli, audit_cli, certificates_cli, seed_demo_command):
        app.cli.add_command(command)
    app.cli.add_command(jurisdictions_cli)
    for command in (jobs_cli, mail_cli):
        app.cli.add_command(command)
