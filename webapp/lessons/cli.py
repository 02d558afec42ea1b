"""`flask --app webapp lessons check|stats|load` (the bank's commands: revision/cli.py)."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.core.content import report_problems as _report
from webapp.lessons import content

lessons_cli = AppGroup("lessons", help="Lesson content files in webapp/lessons/.")


@lessons_cli.command("check")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check another content folder (default: webapp/lessons).",
)
def check_lessons(root):
    """Check every lesson file; exit 1 and name file and line for each problem."""
    lessons, problems = content.read_lessons(root or content.CONTENT_DIR)
    _report(problems, "lessons", len(lessons))


@lessons_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def lessons_stats(as_json):
    """Counts per module, level, CléA domain, theme and exercise type."""
    lessons, _problems = content.read_lessons()
    stats = content.lesson_stats(lessons)
    click.echo(
        json.dumps(stats, indent=2, ensure_ascii=False)
        if as_json
        else "\n".join(f"{key}: {value}" for key, value in stats.items())
    )


@lessons_cli.command("load")
def load_lessons():
    """Load lesson files into the database (idempotent; progress is kept by stable id)."""
    lessons, problems = content.read_lessons()
    if problems:
        _report(problems, "lessons", len(lessons))
    counts = content.load_lessons(lessons)
    click.echo("Lessons: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
