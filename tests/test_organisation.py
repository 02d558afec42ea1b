"""Admin builds the organisation; teachers add trainees and print login cards."""

import re

import sqlalchemy as sa

from webapp.accounts import passphrases
from webapp.accounts.models import Group, Role, Site, User
from webapp.core.models import ProcessedRequest
from webapp.extensions import db
from webapp.privacy.models import AuditEvent


def test_admin_creates_site_group_and_teacher(client, make_user, login):
    login(make_user(Role.ADMIN))
    assert client.post("/sites", data={"name": "Aubervilliers"}).status_code == 303
    site = db.session.scalar(sa.select(Site))
    response = client.post(
        "/groups/new",
        data={
            "site_id": site.id,
            "name": "Cohorte A",
            "starts_on": "2026-09-01",
            "ends_on": "2027-06-30",
            "title": "EPR",
        },
    )
    assert response.status_code == 303
    group = db.session.scalar(sa.select(Group))
    assert group.title == "EPR"
    response = client.post(
        "/staff/new",
        data={
            "display_name": "Karim Haddad",
            "username": "karim",
            "role": "teacher",
            "site_id": site.id,
            "group_ids": [group.id],
        },
    )
    assert response.status_code == 200
    assert "login-card" in response.text
    teacher = db.session.scalar(sa.select(User).where(User.username == "karim"))
    assert teacher.role is Role.TEACHER
    assert [g.name for g in teacher.groups] == ["Cohorte A"]
    phrase = re.search(r'class="login-card__secret">([a-z-]+)</dd>\s*</dl>', response.text).group(1)
    assert passphrases.verify(teacher.password_hash, phrase)


def test_group_dates_must_be_ordered(client, make_user, login):
    login(make_user(Role.ADMIN))
    client.post("/sites", data={"name": "Amiens"})
    site = db.session.scalar(sa.select(Site))
    response = client.post(
        "/groups/new",
        data={"site_id": site.id, "name": "B", "starts_on": "2027-01-01", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert 'id="ends_on-error"' in response.text
    response = client.post(
        "/groups/new", data={"site_id": site.id, "name": "B", "starts_on": "hier", "ends_on": ""}
    )
    assert 'id="starts_on-error"' in response.text


def test_duplicate_site_and_username_get_clear_messages(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.ADMIN, username="boss"))
    response = client.post("/sites", data={"name": group.site.name})
    assert 'id="name-error"' in response.text
    response = client.post(
        "/staff/new",
        data={"display_name": "X", "username": "boss", "role": "teacher", "site_id": group.site_id},
    )
    assert 'id="username-error"' in response.text
    response = client.post(
        "/staff/new",
        data={
            "display_name": "X",
            "username": "Bad Name!",
            "role": "teacher",
            "site_id": group.site_id,
        },
    )
    assert 'id="username-error"' in response.text


def test_teacher_pastes_a_list_and_gets_cards(client, make_user, make_group, login):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    login(teacher)
    names = "Aïcha Ben Ali\n\n  fatou   diallo \nAïcha Ben Ali\nOlek Wiśniewski\n"
    response = client.post(
        f"/groups/{group.id}/trainees/new", data={"names": names, "request_id": "batch-1"}
    )
    assert response.status_code == 200
    trainees = db.session.scalars(
        sa.select(User).where(User.role == Role.TRAINEE).order_by(User.id)
    ).all()
    assert [t.username for t in trainees] == ["aicha.a", "fatou.d", "olek.w"]
    assert all(group in t.groups for t in trainees)
    assert response.text.count('class="login-card"') == 3
    assert response.text.count("<svg") >= 3  # a QR code per card
    assert "/login?u=aicha.a" in response.text
    cards = re.findall(r'class="login-card__secret">([^<]+)</dd>', response.text)
    assert passphrases.verify(trainees[0].password_hash, cards[1])
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "trainee_created")
        )
        == 3
    )


def test_same_request_twice_creates_no_duplicates(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    data = {"names": "Samir Benali\nKevin Martin", "request_id": "tap-twice"}
    first = client.post(f"/groups/{group.id}/trainees/new", data=data)
    second = client.post(f"/groups/{group.id}/trainees/new", data=data)
    assert second.status_code == 200
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.role == Role.TRAINEE)
    )
    assert count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcessedRequest)) == 1
    # The cards shown the second time are the ones that work.
    samir = db.session.scalar(sa.select(User).where(User.username == "samir.b"))
    db.session.refresh(samir)
    phrase = re.findall(r'class="login-card__secret">([^<]+)</dd>', second.text)[1]
    assert passphrases.verify(samir.password_hash, phrase)
    assert first.text != second.text


def test_usernames_stay_unique(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    new_trainees = f"/groups/{group.id}/trainees/new"
    client.post(new_trainees, data={"names": "Samir Benali", "request_id": "a"})
    client.post(new_trainees, data={"names": "Samir Bouzid", "request_id": "b"})
    names = db.session.scalars(sa.select(User.username).where(User.role == Role.TRAINEE)).all()
    assert sorted(names) == ["samir.b", "samir.b2"]


def test_empty_or_huge_name_list_gets_a_message(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    response = client.post(f"/groups/{group.id}/trainees/new", data={"names": "  \n "})
    assert 'id="names-error"' in response.text
    many = "\n".join(f"Person {n}" for n in range(61))
    response = client.post(f"/groups/{group.id}/trainees/new", data={"names": many})
    assert 'id="names-error"' in response.text


def test_teacher_reissues_cards_for_ticked_trainees(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    trainee = make_user(group=group)
    old_hash = trainee.password_hash
    response = client.post(f"/groups/{group.id}/cards", data={"trainee": [str(trainee.id)]})
    assert response.text.count('class="login-card"') == 1
    db.session.refresh(trainee)
    assert trainee.password_hash != old_hash
    nothing = client.post(f"/groups/{group.id}/cards", data={})
    assert nothing.status_code == 303


def test_admin_attaches_and_detaches_staff(app, client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.ADMIN))
    teacher = make_user(Role.TEACHER, display_name="Karim Haddad")
    trainee = make_user(display_name="Samir Benali")
    page = client.get(f"/groups/{group.id}").text
    assert "Karim Haddad" in page and "Samir Benali" not in page
    response = client.post(
        f"/groups/{group.id}/staff", data={"user_id": teacher.id, "action": "attach"}
    )
    assert response.status_code == 303
    db.session.refresh(group)
    assert teacher in group.members
    # The teacher now sees the group.
    http = app.test_client()
    http.post("/login", data={"username": teacher.username, "passphrase": "tulipe-orange-camion"})
    assert http.get(f"/groups/{group.id}").status_code == 200
    client.post(f"/groups/{group.id}/staff", data={"user_id": teacher.id, "action": "detach"})
    assert http.get(f"/groups/{group.id}").status_code == 404
    # Trainees are not staff: attaching one is refused.
    refused = client.post(
        f"/groups/{group.id}/staff", data={"user_id": trainee.id, "action": "attach"}
    )
    assert refused.status_code == 404


def test_distinct_users_never_compare_equal(make_user):
    # Membership checks (`person in group.members`) rely on identity, not on session tokens.
    first, second = make_user(), make_user()
    assert first != second
    assert first not in [second]


# --- issue 11, hole 2: staff powers are checked against current attachments ------------------


def _create(http, group, names, request_id):
    return http.post(
        f"/groups/{group.id}/trainees/new", data={"names": names, "request_id": request_id}
    )


def test_detached_teacher_cannot_replay_a_creation_on_another_group(
    app, client, make_user, make_group, login
):
    """The attack: detached from group A, replay A's request id on group B's form."""
    group_a, group_b = make_group(), make_group()
    teacher = make_user(Role.TEACHER, group=group_a)
    group_b.members.append(teacher)
    db.session.commit()
    login(teacher)
    _create(client, group_a, "Samir Benali", "creation-1")
    samir = db.session.scalar(sa.select(User).where(User.username == "samir.b"))
    hash_before = samir.password_hash
    group_a.members.remove(teacher)  # the admin detaches the teacher from group A
    db.session.commit()

    replay = _create(client, group_b, "Anyone", "creation-1")
    assert "samir.b" not in replay.text
    db.session.refresh(samir)
    assert samir.password_hash == hash_before  # no card reissued
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "card_reissued")
        )
        == 0
    )


def test_replay_on_the_same_group_after_detachment_is_refused(
    app, client, make_user, make_group, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    login(teacher)
    _create(client, group, "Samir Benali", "creation-2")
    samir = db.session.scalar(sa.select(User).where(User.username == "samir.b"))
    hash_before = samir.password_hash
    # Samir moves to another group; the teacher is no longer his teacher.
    other = make_group()
    samir.groups = [other]
    db.session.commit()
    replay = _create(client, group, "Samir Benali", "creation-2")
    assert replay.status_code == 404
    db.session.refresh(samir)
    assert samir.password_hash == hash_before


def test_request_ids_are_scoped_to_user_and_target_group(client, make_user, make_group, login):
    group_a, group_b = make_group(), make_group()
    teacher = make_user(Role.TEACHER, group=group_a)
    group_b.members.append(teacher)
    db.session.commit()
    login(teacher)
    _create(client, group_a, "Samir Benali", "same-id")
    second = _create(client, group_b, "Kevin Martin", "same-id")
    assert "kevin.m" in second.text and "samir.b" not in second.text
    kevin = db.session.scalar(sa.select(User).where(User.username == "kevin.m"))
    assert [g.id for g in kevin.groups] == [group_b.id]
    # The raw request id is not a key anyone else can look up.
    assert db.session.get(ProcessedRequest, "same-id") is None


def test_request_ids_expire_after_a_day(client, make_user, make_group, login):
    from datetime import timedelta

    from webapp.core.time import utcnow

    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    _create(client, group, "Samir Benali", "old-id")
    day_ago = utcnow() - timedelta(hours=25)
    db.session.execute(sa.update(ProcessedRequest).values(created_at=day_ago))
    db.session.commit()
    again = _create(client, group, "Kevin Martin", "old-id")
    assert "kevin.m" in again.text  # handled as a new request, not a replay of Samir's cards
    assert "samir.b" not in again.text


def test_card_reissue_and_reset_code_use_current_attachments(
    app, client, make_user, make_group, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    trainee = make_user(group=group)
    login(teacher)
    group.members.remove(teacher)
    db.session.commit()
    assert (
        client.post(f"/groups/{group.id}/cards", data={"trainee": [str(trainee.id)]}).status_code
        == 404
    )
    assert client.post(f"/trainees/{trainee.id}/reset-code").status_code == 404
    assert (
        client.post(f"/revision/trainees/{trainee.id}/exam-time", data={"minutes": 40}).status_code
        == 404
    )
