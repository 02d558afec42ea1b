"""Command-line tools: `flask --app webapp demo load`."""

import click
from flask import Flask
from flask.cli import AppGroup

from webapp import demo

demo_cli = AppGroup("demo", help="Demo data for a newcomer to explore.")


@demo_cli.command("load")
def load_demo():
    """Create the demo site, group and accounts once, and print how to sign in."""
    accounts = demo.load()
    if accounts is None:
        click.echo("Demo data is already loaded. Demo accounts (username / passphrase):")
        accounts = demo.ACCOUNTS
    else:
        click.echo("Demo data loaded. Demo accounts (username / passphrase):")
    for username, _name, role, phrase in accounts:
        click.echo(f"  {role:<10} {username:<16} {phrase}")


def init_app(app: Flask) -> None:
    from webapp.lessons.cli import bank_cli, lessons_cli
    from webapp.privacy.cli import privacy_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(lessons_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(privacy_cli)
