"""The layers hold (ARCHITECTURE.md): the core imports no feature, and a feature reads another
only through the modules listed here, its services above all. A new edge fails this test until
it is added to the table on purpose, with its reason; an edge that is no longer used fails too,
so the table stays the truth."""

import ast
from pathlib import Path

WEBAPP = Path(__file__).parents[1] / "webapp"
FEATURES = sorted(
    path.name
    for path in WEBAPP.iterdir()
    if (path / "__init__.py").exists() and path.name not in ("core", "migrations")
)

# Accounts is the floor every feature stands on: who is signed in, roles, groups.
ACCOUNTS = {"auth", "models", "services"}
# (importer, imported): the modules of `imported` that `importer` may use.
ALLOWED = {
    **{(feature, "accounts"): ACCOUNTS for feature in FEATURES if feature != "accounts"},
    ("privacy", "accounts"): ACCOUNTS | {"throttle"},  # erasure forgets sign-in counts
    # The home screen gathers each feature's card, and takes the budget's quick add.
    ("home", "budget"): {"forms", "services"},
    ("home", "candidates"): {"services"},  # the welcome path of the first 4 weeks
    ("home", "dashboard"): {"services"},
    ("home", "journal"): {"services"},
    ("home", "lessons"): {"services"},
    ("home", "papers"): {"services"},
    ("home", "placements"): {"services"},  # the placement going on, or the next one
    ("home", "privacy"): {"services"},
    ("home", "week"): {"services"},
    # Reads of personal data are audited; erasure and export ask each feature.
    ("accounts", "privacy"): {"services"},
    ("budget", "privacy"): {"services"},
    ("dashboard", "privacy"): {"services"},
    ("journal", "privacy"): {"services"},
    ("live", "privacy"): {"services"},
    ("papers", "privacy"): {"services"},
    ("revision", "privacy"): {"services"},
    ("week", "privacy"): {"services"},
    ("steps", "privacy"): {"services"},
    ("placements", "privacy"): {"services"},
    ("privacy", "placements"): {"services"},
    ("privacy", "budget"): {"services"},
    ("privacy", "journal"): {"services"},
    ("privacy", "lessons"): {"services"},
    ("privacy", "live"): {"services", "sets"},  # the purge forgets unused set pictures
    ("privacy", "papers"): {"services"},
    ("privacy", "revision"): {"services"},
    ("privacy", "week"): {"services"},
    ("privacy", "steps"): {"services"},
    ("privacy", "career"): {"services"},
    # A group's exam length; the teacher's screens read every feature's figures.
    ("accounts", "revision"): {"services"},
    ("dashboard", "budget"): {"services"},
    ("dashboard", "journal"): {"services"},
    ("dashboard", "lessons"): {"services"},
    ("dashboard", "live"): {"services"},
    ("dashboard", "revision"): {"services"},
    ("dashboard", "week"): {"services"},  # Today flags repeated absences
    ("dashboard", "candidates"): {"services"},  # Today flags hearings and files waiting
    ("candidates", "privacy"): {"services"},  # staff reads of candidates are audited
    ("privacy", "candidates"): {"services"},  # the purge forgets candidates never accepted
    # My week shows the reminders a trainee set on their steps after release.
    ("week", "steps"): {"services"},
    # ... and the placements a teacher recorded for them.
    ("week", "placements"): {"services"},
    # Today shows the shared steps that have waited the longest.
    ("dashboard", "steps"): {"services"},
    # Today shows placements whose tutor gave a poor evaluation.
    ("dashboard", "placements"): {"services"},
    # The CV names the CCP competencies mastered in revision and shown in mock exams.
    ("career", "revision"): {"services"},
    # The CV lists the placements the trainee's teachers recorded.
    ("career", "placements"): {"services"},
    # The offline copies of lessons and of today's questions.
    ("pwa", "lessons"): {"services"},
    ("pwa", "revision"): {"services"},
    # A live room asks revision for its questions, and live answers feed revision.
    ("live", "revision"): {"bank", "services"},
    # A question set's own questions are checked by the bank's own validator.
}


def imports(path: Path) -> set[tuple[str, str]]:
    """(package, module) of every `webapp.<package>.<module>` this file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("webapp."):
            parts = node.module.split(".")
            if len(parts) > 2:
                found.add((parts[1], parts[2]))
            else:  # from webapp.budget import services, forms
                found.update((parts[1], alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "webapp" and len(parts) > 2:
                    found.add((parts[1], parts[2]))
    return found


def edges() -> dict[tuple[str, str], set[str]]:
    used: dict[tuple[str, str], set[str]] = {}
    for package in ["core", *FEATURES]:
        for path in (WEBAPP / package).rglob("*.py"):
            for target, module in imports(path):
                if target != package and target in ["core", *FEATURES]:
                    used.setdefault((package, target), set()).add(module)
    return used


def test_the_core_imports_no_feature():
    assert {target for (source, target) in edges() if source == "core"} <= {"core"}


def test_features_read_each_other_only_through_the_allowed_modules():
    used = edges()
    forbidden = {
        f"{source} -> {target}.{module}"
        for (source, target), modules in used.items()
        if target != "core"
        for module in modules - ALLOWED.get((source, target), set()) - {"bp"}
    }
    assert forbidden == set(), "add the edge to ALLOWED with its reason, or go through services"


def test_the_table_lists_no_edge_that_is_gone():
    used = edges()
    stale = {
        f"{source} -> {target}"
        for (source, target), modules in ALLOWED.items()
        if target != "accounts" and not used.get((source, target))
    }
    assert stale == set()


def test_each_feature_names_its_template_globals_in_one_call():
    """Hidden globals rot: a feature adds names to every template only through its one call to
    core.templating.feature_globals, so a reader finds them all in one place."""
    for package in FEATURES:
        calls = 0
        for path in (WEBAPP / package).rglob("*.py"):
            text = path.read_text("utf-8")
            assert "add_app_template_global" not in text, path
            assert "jinja_env.globals" not in text, path
            calls += text.count("\nfeature_globals(")
        assert calls <= 1, package
