"""Command-line set-up a newcomer relies on: demo data once, a secret key generated once."""

import sqlalchemy as sa

from webapp import config
from webapp.accounts import passphrases
from webapp.accounts.models import Role, User
from webapp.extensions import db


def test_demo_load_creates_accounts_once_and_prints_them(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0
    assert "prof" in first.output and "tomate-piano-nuage" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    roles = db.session.scalars(sa.select(User.role)).all()
    assert roles.count(Role.TRAINEE) == 5
    assert {Role.ADMIN, Role.TEACHER, Role.VOLUNTEER} <= set(roles)
    teacher = db.session.scalar(sa.select(User).where(User.username == "prof"))
    assert passphrases.verify(teacher.password_hash, "tomate-piano-nuage")
    assert len(teacher.groups[0].members) == 7  # teacher, volunteer and five trainees


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment(str(tmp_path))["SECRET_KEY"]
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.from_environment(str(tmp_path))["SECRET_KEY"] == first
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config.from_environment(str(tmp_path))["SECRET_KEY"] == "from-the-environment"


def test_database_url_and_defaults_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/passerelle.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
