"""Back up and restore: a round trip gives back every row of every table, papers included."""

import sqlalchemy as sa

from tests.test_papers import add_id_card
from webapp.accounts.models import Role, User
from webapp.core import backup
from webapp.extensions import db
from webapp.papers.models import PaperDocument


def test_a_backup_restored_gives_back_every_row_and_refuses_to_overwrite(
    app, ctx, client, login, make_group, make_user, tmp_path
):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # every feature's rows
    trainee = make_user(group=make_group())
    login(trainee)
    assert add_id_card(client, client_id="backup-paper").status_code == 303
    before = backup.fingerprint()
    assert before["paper_document"][0] == 1 and before["user_account"][0] > 5
    assert sum(count for count, _digest in before.values()) > 100

    saved = tmp_path / "passerelle.backup"
    made = runner.invoke(args=["backup", str(saved)])
    assert made.exit_code == 0, made.output
    assert saved.stat().st_size > 0
    again = runner.invoke(args=["backup", str(saved)])
    assert again.exit_code != 0 and "exists already" in again.output  # never overwritten

    # Something is lost after the backup: a paper deleted, a person renamed.
    db.session.execute(sa.delete(PaperDocument))
    db.session.execute(sa.update(User).where(User.role == Role.ADMIN).values(display_name="X"))
    db.session.commit()
    assert backup.fingerprint() != before

    undone = runner.invoke(args=["restore", "--yes", str(saved)])
    assert undone.exit_code == 0, undone.output
    assert backup.fingerprint() == before
    assert client.get("/papers").status_code == 200  # the app reads the restored database
