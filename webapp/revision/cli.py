"""`flask --app webapp bank check|stats|glossary|load`: the catering-title question bank."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.core import glossary
from webapp.core.content import report_problems as _report
from webapp.revision import bank

bank_cli = AppGroup("bank", help="The catering-title question bank in webapp/lessons/bank/.")


@bank_cli.command("check")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check another folder of question files (default: webapp/lessons/bank).",
)
def check_bank(root):
    """Check every question file; exit 1 and name file and line for each problem."""
    questions, problems = bank.read_bank(root or bank.BANK_DIR)
    if root is None:  # the glossary marks the bank's words: it is part of the bank's check
        words, found = glossary.read_glossary()
        problems = problems + found
        if not problems:
            click.echo(f"{len(words)} glossary words checked.")
    _report(problems, "questions", len(questions))


@bank_cli.command("glossary")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check another glossary file (default: webapp/lessons/glossary.yaml).",
)
def check_glossary(path):
    """Check the trade glossary; exit 1 and name the line of each problem."""
    words, problems = glossary.read_glossary(path or glossary.GLOSSARY_FILE)
    _report(problems, "glossary words", len(words))


@bank_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def bank_stats(as_json):
    """Counts per CCP, topic, competency, type and difficulty."""
    questions, _problems = bank.read_bank()
    stats = bank.bank_stats(questions)
    click.echo(
        json.dumps(stats, indent=2, ensure_ascii=False)
        if as_json
        else "\n".join(f"{key}: {value}" for key, value in stats.items())
    )


@bank_cli.command("load")
def load_bank():
    """Load question files into the database (idempotent; cards are kept by stable id)."""
    from webapp.revision.services import load_bank as load

    questions, problems = bank.read_bank()
    if problems:
        _report(problems, "questions", len(questions))
    counts = load(questions)
    click.echo("Questions: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
