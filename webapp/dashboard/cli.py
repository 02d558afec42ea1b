"""`flask --app webapp impact publish`: freeze the impact report's cells of ended quarters."""

import click
from flask.cli import AppGroup

from webapp.core.time import local_today

impact_cli = AppGroup("impact", help="The anonymous impact report.")


@impact_cli.command("publish")
def publish():
    """Freeze every cell of every ended quarter not published yet (safe to run daily)."""
    from webapp.dashboard import services

    count = services.publish_ended(local_today())
    click.echo(f"{count} cell(s) published.")
