"""The educator dashboard: assignments, who needs help today, progress, trainee page, impact."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)


@bp.record_once
def _add_commands(state) -> None:
    from webapp.dashboard.cli import impact_cli

    state.app.cli.add_command(impact_cli)


from webapp.dashboard import routes  # noqa: E402,F401
