"""Rules for accounts: who may see whom, creating accounts, login cards and reset codes."""

import hashlib
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort

from webapp.accounts import passphrases
from webapp.accounts.auth import end_all_sessions
from webapp.accounts.models import Group, ResetCode, Role, Site, User, group_membership
from webapp.core.models import ProcessedRequest
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.privacy.services import audit

RESET_CODE_LIFETIME = timedelta(minutes=15)
# No look-alike characters (0/O, 1/I/L), so a code read aloud or copied by hand works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class LoginCard:
    username: str
    display_name: str
    passphrase: str


# --- scopes ---------------------------------------------------------------------------------


def groups_for(staff: User) -> list[Group]:
    """Groups a staff member works with: all for admin, their attachments for others."""
    query = sa.select(Group).options(sa.orm.joinedload(Group.site)).order_by(Group.starts_on)
    if staff.role is not Role.ADMIN:
        query = query.join(group_membership).where(group_membership.c.user_id == staff.id)
    return list(db.session.scalars(query))


def group_for(staff: User, group_id: int) -> Group:
    """The group if staff is attached to it (admins too), else 404."""
    group = db.session.get(Group, group_id)
    if group is None or (
        staff.role is not Role.ADMIN and staff.id not in {member.id for member in group.members}
    ):
        abort(404)
    return group


def trainee_for(staff: User, trainee_id: int) -> User:
    """A trainee in one of the teacher's groups, else 404. Volunteers and admins get 404."""
    if staff.role is not Role.TEACHER:
        abort(404)
    shared_group = (
        sa.select(group_membership.c.group_id)
        .where(group_membership.c.user_id == staff.id)
        .intersect(
            sa.select(group_membership.c.group_id).where(group_membership.c.user_id == trainee_id)
        )
    )
    trainee = db.session.get(User, trainee_id)
    if trainee is None or trainee.role is not Role.TRAINEE or db.session.scalar(
        sa.select(sa.func.count()).select_from(shared_group.subquery())
    ) == 0:
        abort(404)
    return trainee


def all_staff() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role != Role.TRAINEE)
        .options(sa.orm.selectinload(User.groups), sa.orm.selectinload(User.site))
        .order_by(User.display_name)
    ))


def set_attachment(admin: User, group: Group, person: User, attach: bool) -> None:
    """Attach a staff member to a group (they then see it), or detach them."""
    if attach and person not in group.members:
        group.members.append(person)
    elif not attach and person in group.members:
        group.members.remove(person)
    audit(admin, "staff_attached" if attach else "staff_detached", person, f"group={group.id}")
    db.session.commit()


def trainees_of(group: Group) -> list[User]:
    return [member for member in group.members if member.role is Role.TRAINEE]


def staff_of(group: Group) -> list[User]:
    return [member for member in group.members if member.role is not Role.TRAINEE]


# --- creating accounts ----------------------------------------------------------------------


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


def suggest_username(display_name: str) -> str:
    """First name and initial of the last name ("Aïcha Ben Ali" -> "aicha.b"), made unique."""
    parts = [_ascii_slug(part) for part in display_name.split()]
    parts = [part for part in parts if part] or ["user"]
    base = parts[0][:20] + (f".{parts[-1][0]}" if len(parts) > 1 else "")
    taken = set(
        db.session.scalars(sa.select(User.username).where(User.username.like(f"{base}%")))
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def username_taken(username: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.username == username)) is not None


def create_trainees(teacher: User, group: Group, names: list[str], request_id: str):
    """Create trainee accounts in group and return their login cards.

    The request id makes a double tap or a replay safe: the same accounts are returned (with
    fresh passphrases, since the first ones were never stored) instead of new duplicates.
    """
    done = _processed(request_id, teacher)
    if done is not None:
        return reissue_cards(teacher, _users_by_id(json.loads(done.result)))
    cards, users = [], []
    for name in names:
        phrase = passphrases.generate()
        user = User(
            username=suggest_username(name),
            display_name=name,
            role=Role.TRAINEE,
            password_hash=passphrases.hash_passphrase(phrase),
            site_id=group.site_id,
        )
        user.groups.append(group)
        db.session.add(user)
        db.session.flush()  # usernames of the next names must see this one
        users.append(user)
        cards.append(LoginCard(user.username, user.display_name, phrase))
        audit(teacher, "trainee_created", user, f"group={group.id}")
    _remember(request_id, teacher, [user.id for user in users])
    db.session.commit()
    return cards


def create_staff(admin: User, display_name: str, username: str, role: Role, site: Site,
                 groups: list[Group]) -> LoginCard:
    phrase = passphrases.generate(word_count=4)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=passphrases.hash_passphrase(phrase),
        site_id=site.id,
        groups=groups,
    )
    db.session.add(user)
    db.session.flush()
    audit(admin, "staff_created", user, f"role={role.value}")
    db.session.commit()
    return LoginCard(user.username, user.display_name, phrase)


def reissue_cards(teacher: User, trainees: list[User]) -> list[LoginCard]:
    """New passphrases for trainees who lost their card; the old cards stop working."""
    cards = [_new_card(teacher, trainee, "login_card_reissued") for trainee in trainees]
    db.session.commit()
    return cards


def _new_card(actor: User, user: User, action: str) -> LoginCard:
    phrase = passphrases.generate()
    user.password_hash = passphrases.hash_passphrase(phrase)
    end_all_sessions(user)
    audit(actor, action, user)
    return LoginCard(user.username, user.display_name, phrase)


def _users_by_id(ids: list[int]) -> list[User]:
    found = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return [found[user_id] for user_id in ids if user_id in found]


def _processed(request_id: str, user: User) -> ProcessedRequest | None:
    row = db.session.get(ProcessedRequest, request_id) if request_id else None
    return row if row is not None and row.user_id == user.id else None


def _remember(request_id: str, user: User, result) -> None:
    if request_id:
        db.session.add(ProcessedRequest(client_id=request_id, user_id=user.id,
                                        result=json.dumps(result)))


# --- reset codes ----------------------------------------------------------------------------


def _code_digest(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code.strip().upper()}".encode()).hexdigest()


def issue_reset_code(teacher: User, trainee: User) -> str:
    """A random single-use code valid 15 minutes; earlier unused codes are withdrawn."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    now = utcnow()
    db.session.execute(
        sa.update(ResetCode)
        .where(ResetCode.user_id == trainee.id, ResetCode.used_at.is_(None))
        .values(used_at=now)
    )
    db.session.add(ResetCode(user_id=trainee.id, code_hash=_code_digest(trainee.id, code),
                             issued_by_id=teacher.id, expires_at=now + RESET_CODE_LIFETIME))
    audit(teacher, "reset_code_issued", trainee)
    db.session.commit()
    return code


def redeem_reset_code(username: str, code: str, new_passphrase: str) -> User | None:
    """Set a new passphrase if the code is valid for username; the code is then spent."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        return None
    row = db.session.scalar(
        sa.select(ResetCode).where(
            ResetCode.user_id == user.id,
            ResetCode.code_hash == _code_digest(user.id, code),
            ResetCode.used_at.is_(None),
        )
    )
    if row is None or as_utc(row.expires_at) <= utcnow():
        return None
    row.used_at = utcnow()
    user.password_hash = passphrases.hash_passphrase(new_passphrase)
    end_all_sessions(user)
    audit(user, "reset_code_used", user)
    db.session.commit()
    return user


def authenticate(username: str, passphrase: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if passphrases.verify(user.password_hash if user else None, passphrase):
        return user
    return None
