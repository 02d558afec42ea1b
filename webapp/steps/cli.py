"""`flask --app webapp steps check|stats|load`: the steps-after-release file."""

import json

import click
from flask.cli import AppGroup

from webapp.core.content import report_problems
from webapp.steps import content

steps_cli = AppGroup("steps", help="The steps after release (webapp/steps/after-release.yaml).")


@steps_cli.command("check")
def check_steps():
    """Check the steps file; exit 1 and name file and line for each problem."""
    steps, problems = content.read_steps()
    report_problems(problems, "steps", len(steps))


@steps_cli.command("stats")
def steps_stats():
    """Counts of steps, sources, official sites and facts marked [check], as JSON."""
    steps, _problems = content.read_steps()
    click.echo(json.dumps(content.step_stats(steps), indent=2, ensure_ascii=False))


@steps_cli.command("load")
def load_steps():
    """Load the steps file into the database (idempotent; trainees' ticks keep their step)."""
    steps, problems = content.read_steps()
    if problems:
        report_problems(problems, "steps", len(steps))
    counts = content.load_steps(steps)
    click.echo("Steps: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
