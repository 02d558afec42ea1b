"""Command-line tools: `flask --app webapp demo load`, `flask --app webapp audio build`."""

import os
import statistics
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp import demo
from webapp.core import audio

demo_cli = AppGroup("demo", help="Demo data for a newcomer to explore.")
audio_cli = AppGroup("audio", help="Recorded read-aloud for phones without a French voice.")


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


@demo_cli.command("scale")
@click.option("--trainees", type=click.IntRange(1), required=True, help="How many trainees.")
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same data.")
@click.option("--yes", is_flag=True, help="Add them even though the database has accounts.")
@click.option(
    "--workers",
    default=os.cpu_count() or 1,
    show_default=True,
    help="Processes writing side by side (PostgreSQL; SQLite takes one).",
)
@click.option("--resume", is_flag=True, help="Finish a run that was interrupted today.")
def scale_demo(trainees, seed, yes, workers, resume):
    """Generate a synthetic network (sites, groups, staff, a year of activity) for benchmarks."""
    from webapp import demo_scale

    if demo_scale.synthetic_count() and not resume:
        raise click.ClickException(
            "Synthetic accounts are already here: use a new database (or --resume to finish "
            "an interrupted run)."
        )
    if demo_scale.account_count() and not (yes or resume):
        # Synthetic accounts share one public passphrase: never beside real people by mistake.
        raise click.ClickException(
            "This database has accounts already. Generate into an empty database, or pass "
            "--yes if its accounts are not real people."
        )
    started = time.monotonic()
    counts = demo_scale.generate(trainees, seed, workers=workers, resume=resume)
    elapsed = time.monotonic() - started
    for table, rows in counts.items():
        click.echo(f"  {table:<18}{rows:>12,}")
    click.echo(
        f"{sum(counts.values()):,} rows in {elapsed:.0f} s. Every synthetic account signs in "
        f"with the passphrase {demo_scale.PASSPHRASE} (usernames {demo_scale.PREFIX}1, "
        f"{demo_scale.PREFIX}prof1...)."
    )


@audio_cli.command("build")
@click.option("--lesson", "lesson_ids", multiple=True, help="Only this lesson (repeatable).")
@click.option("--no-bank", is_flag=True, help="Leave the question bank out.")
@click.option("--workers", default=2, show_default=True, help="Recordings made at once.")
def build_audio(lesson_ids, no_bank, workers):
    """Record every text the loaded lessons and bank read aloud; existing recordings are kept."""
    from webapp.career import interview
    from webapp.lessons import services as lessons
    from webapp.revision import services as revision
    from webapp.steps import services as steps

    if not audio.available():
        click.echo("espeak-ng or opusenc is missing (`make voice` installs them).", err=True)
        sys.exit(1)
    folder = current_app.config["AUDIO_DIR"]
    by_lesson = lessons.spoken_texts()
    if lesson_ids:
        by_lesson = {key: texts for key, texts in by_lesson.items() if key in lesson_ids}
    texts = [text for lesson_texts in by_lesson.values() for text in lesson_texts]
    if not no_bank:
        texts += revision.spoken_texts()
    texts += steps.spoken_texts()
    texts += interview.spoken_texts()
    started = time.monotonic()
    built = audio.build(texts, folder, workers=workers)
    sizes = [audio.size(lesson_texts, folder) for lesson_texts in by_lesson.values()]
    click.echo(
        f"Audio: {built.texts} recordings ({built.made} made now) in "
        f"{time.monotonic() - started:.1f} s, {built.bytes / 1024:.0f} KB in {folder}"
    )
    if sizes:
        click.echo(
            f"Per lesson: min {min(sizes) / 1024:.0f} KB, median "
            f"{statistics.median(sizes) / 1024:.0f} KB, max {max(sizes) / 1024:.0f} KB "
            f"({len(sizes)} lessons)"
        )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Copy the whole database (papers included, still encrypted) to PATH, a new file."""
    from webapp.core import backup

    try:
        written = backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {written} ({written.stat().st_size} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database now.")
def restore_command(path, yes):
    """Replace the whole database with the backup at PATH (stop the app first)."""
    from webapp.core import backup

    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored from {path}")


def init_app(app: Flask) -> None:
    from webapp.lessons.cli import lessons_cli
    from webapp.papers.cli import papers_cli
    from webapp.privacy.cli import privacy_cli
    from webapp.revision.cli import bank_cli
    from webapp.steps.cli import steps_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(audio_cli)
    app.cli.add_command(lessons_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(steps_cli)
    app.cli.add_command(papers_cli)
