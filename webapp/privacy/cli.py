"""`flask --app webapp privacy purge`: remove what is kept no longer than needed (run daily)."""

import json

import click
from flask.cli import AppGroup

from webapp.privacy import services

privacy_cli = AppGroup("privacy", help="Data retention.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def purge(dry_run: bool, as_json: bool):
    """Expired sessions, spent reset codes, guests' nicknames, old request ids, the accounts of
    trainees whose group ended long ago (RETENTION_AFTER_GROUP_MONTHS) and old audit events
    (AUDIT_RETENTION_MONTHS). Running it twice removes nothing more."""
    counts = services.purge(dry_run=dry_run)
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, "counts": counts}, sort_keys=True))
        return
    verb = "would remove" if dry_run else "removed"
    for kind, count in counts.items():
        click.echo(f"{kind}: {verb} {count}")
