"""Passerelle: the application factory."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import config
from webapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

HERE = os.path.dirname(__file__)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an app; test_config overrides the environment."""
    app = Flask(
        __name__,
        static_folder=os.path.join(HERE, os.pardir, "static"),
        instance_path=os.environ.get(
            "PASSERELLE_INSTANCE", os.path.join(HERE, os.pardir, "instance")
        ),
    )
    from webapp.core.templating import TemplateEnvironment

    app.jinja_environment = TemplateEnvironment  # before anything creates app.jinja_env
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config))
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind nginx (README): the client's address and https come from the trusted proxies'
        # X-Forwarded-For / -Proto. The host is not taken from them: links use PUBLIC_URL.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from webapp.core import (
        database,
        i18n,
        inputs,
        metrics,
        outbox,
        requestlog,
        security,
        templating,
    )

    db.init_app(app)
    database.tune_connections(app)
    migrate.init_app(app, db, directory=os.path.join(HERE, "migrations"))
    csrf.init_app(app)
    outbox.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=os.path.join(HERE, os.pardir, "translations"),
    )
    login_manager.init_app(app)
    security.init_app(app)
    requestlog.init_app(app)
    metrics.init_app(app)
    templating.init_app(app)
    i18n.init_app(app)
    inputs.init_app(app)

    from webapp import (
        accounts,
        budget,
        candidates,
        career,
        core,
        dashboard,
        home,
        journal,
        lessons,
        live,
        papers,
        placements,
        privacy,
        pwa,
        revision,
        steps,
        week,
    )
    from webapp.accounts import auth
    from webapp.budget import models as _budget_models  # noqa: F401  (tables for migrations)
    from webapp.candidates import models as _candidates_models  # noqa: F401
    from webapp.career import models as _career_models  # noqa: F401
    from webapp.core import errors
    from webapp.core import models as _core_models  # noqa: F401
    from webapp.dashboard import models as _dashboard_models  # noqa: F401
    from webapp.journal import models as _journal_models  # noqa: F401
    from webapp.lessons import models as _lesson_models  # noqa: F401
    from webapp.live import models as _live_models  # noqa: F401
    from webapp.papers import models as _papers_models  # noqa: F401
    from webapp.placements import models as _placements_models  # noqa: F401
    from webapp.privacy import models as _privacy_models  # noqa: F401
    from webapp.revision import models as _revision_models  # noqa: F401
    from webapp.steps import models as _steps_models  # noqa: F401
    from webapp.week import models as _week_models  # noqa: F401

    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(core.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(lessons.bp)
    app.register_blueprint(revision.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(budget.bp)
    app.register_blueprint(journal.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(week.bp)
    app.register_blueprint(steps.bp)
    app.register_blueprint(papers.bp)
    app.register_blueprint(candidates.bp)
    app.register_blueprint(placements.bp)
    app.register_blueprint(career.bp)

    from webapp import cli

    cli.init_app(app)
    return app
