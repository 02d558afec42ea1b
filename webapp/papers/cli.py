"""`flask --app webapp papers ...`: master key rotation and the store's figures."""

import click
from flask.cli import AppGroup

from webapp.papers import crypto, services

papers_cli = AppGroup("papers", help="My papers: the encrypted document safe.")


@papers_cli.command("new-master-key")
def new_master_key():
    """Print a fresh master key (32 random bytes, URL-safe base64) for PAPERS_MASTER_KEY."""
    click.echo(crypto.new_master_key())


@papers_cli.command("rotate-master-key")
def rotate_master_key():
    """Re-wrap every data key with the current PAPERS_MASTER_KEY.

    Procedure (README, "My papers"): 1. make a new key (`papers new-master-key`);
    2. set PAPERS_MASTER_KEY to it and PAPERS_OLD_MASTER_KEYS to the old one, restart (both
    open papers meanwhile); 3. run this command; 4. remove the old key from
    PAPERS_OLD_MASTER_KEYS and restart. The documents themselves are not re-encrypted."""
    try:
        done, current = services.rewrap_all()
    except RuntimeError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Data keys: {done} re-wrapped, {current} already under the current master key.")


@papers_cli.command("figures")
def figures():
    """Documents kept, their bytes, and what encryption adds (no personal data printed)."""
    found = services.storage_figures()
    click.echo(
        f"{found.documents} documents of {found.trainees} trainees: {found.sent} bytes sent, "
        f"{found.kept} kept after compression, {found.stored} stored encrypted "
        f"(+{found.overhead} bytes: {found.per_document:.0f} per document, "
        f"{found.percent:.3f}%)"
    )
