"""Rules for accounts: who may see whom, creating accounts, login cards and reset codes."""

import hashlib
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from webapp.accounts import passphrases, throttle
from webapp.accounts.auth import end_all_sessions, end_other_sessions
from webapp.accounts.models import Group, ResetCode, Role, Site, User, group_membership
from webapp.core.errors import NotYours
from webapp.core.models import ProcessedRequest
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.privacy.services import audit, events_about

RESET_CODE_LIFETIME = timedelta(minutes=15)
# A request id answers a double tap or an offline replay, not a replay a day later.
REQUEST_ID_LIFETIME = timedelta(hours=24)
# No look-alike characters (0/O, 1/I/L), so a code read aloud or copied by hand works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class LoginCard:
    username: str
    display_name: str
    passphrase: str
    card_token: str | None = None  # in the card's QR code; None on staff cards


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
        raise NotYours
    return group


def may_act_on(staff_id: int | None, trainee_id: int) -> bool:
    """True if a teacher shares a group with the trainee *now* (read from the database at the
    moment of use, never from what was true when a request id, code or link was made)."""
    if staff_id is None:
        return False
    staff = db.session.get(User, staff_id)
    if staff is None or staff.role is not Role.TEACHER:
        return False
    shared_group = (
        sa.select(group_membership.c.group_id)
        .where(group_membership.c.user_id == staff_id)
        .intersect(
            sa.select(group_membership.c.group_id).where(group_membership.c.user_id == trainee_id)
        )
    )
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(shared_group.subquery())))


def trainee_for(staff: User, trainee_id: int) -> User:
    """A trainee in one of the teacher's groups, else 404. Volunteers and admins get 404."""
    if staff.role is not Role.TEACHER:
        raise NotYours
    trainee = db.session.get(User, trainee_id)
    if trainee is None or trainee.role is not Role.TRAINEE or not may_act_on(staff.id, trainee_id):
        raise NotYours
    return trainee


def all_staff() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role != Role.TRAINEE)
            .options(sa.orm.selectinload(User.groups), sa.orm.selectinload(User.site))
            .order_by(User.display_name)
        )
    )


def set_attachment(admin: User, group: Group, person: User, attach: bool) -> None:
    """Attach a staff member to a group (they then see it), or detach them."""
    if attach and person not in group.members:
        group.members.append(person)
    elif not attach and person in group.members:
        group.members.remove(person)
    audit(admin, "staff_attached" if attach else "staff_detached", person, f"group={group.id}")
    db.session.commit()


def teachers_of_trainee(trainee: User) -> list[User]:
    """The teachers attached now to one of the trainee's groups: who may see what the trainee
    chooses to share (journal, steps, papers)."""
    return list(db.session.scalars(_TEACHERS_OF_TRAINEE, {"trainee_id": trainee.id}))


# Built once: the journal, steps and papers pages ask it at every visit (building a statement
# cost SQLAlchemy more than running it).
_TEACHERS_OF_TRAINEE = (
    sa.select(User)
    .join(group_membership, group_membership.c.user_id == User.id)
    .where(
        group_membership.c.group_id.in_(
            sa.select(group_membership.c.group_id).where(
                group_membership.c.user_id == sa.bindparam("trainee_id")
            )
        ),
        User.role == Role.TEACHER,
    )
    .distinct()
    .order_by(User.display_name, User.id)
)


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
    taken = set(db.session.scalars(sa.select(User.username).where(User.username.like(f"{base}%"))))
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
    fresh passphrases, since the first ones were never stored) instead of new duplicates. It
    counts only for the same teacher, the same action and the same group, for a day, and only
    while the teacher may still act on those trainees: anything else is a 404.
    """
    key = _request_key(request_id, teacher, "create_trainees", f"group={group.id}")
    done = _processed(key)
    if done is not None:
        trainees = _users_by_id(json.loads(done.result))
        if not all(
            group in trainee.groups and may_act_on(teacher.id, trainee.id) for trainee in trainees
        ):
            raise NotYours
        return reissue_cards(teacher, trainees)
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
        token = new_card_token(user)
        user.groups.append(group)
        db.session.add(user)
        db.session.flush()  # usernames of the next names must see this one
        users.append(user)
        cards.append(LoginCard(user.username, user.display_name, phrase, token))
        audit(teacher, "trainee_created", user, f"group={group.id}")
    _remember(key, teacher, [user.id for user in users])
    db.session.commit()
    return cards


def create_staff(
    admin: User, display_name: str, username: str, role: Role, site: Site, groups: list[Group]
) -> LoginCard:
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
    cards = [_new_card(teacher, trainee, "card_reissued") for trainee in trainees]
    db.session.commit()
    return cards


def _new_card(actor: User, user: User, action: str) -> LoginCard:
    phrase = passphrases.generate()
    user.password_hash = passphrases.hash_passphrase(phrase)
    token = new_card_token(user)  # the old card's QR stops working with its passphrase
    end_all_sessions(user)
    audit(actor, action, user)
    return LoginCard(user.username, user.display_name, phrase, token)


def _users_by_id(ids: list[int]) -> list[User]:
    found = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return [found[user_id] for user_id in ids if user_id in found]


def _request_key(request_id: str, user: User, action: str, target: str) -> str | None:
    """The stored key of a request id: scoped to (user, action, target), so the same id sent by
    someone else, for another action or on another group's form is a different request."""
    if not request_id:
        return None
    return hashlib.sha256(f"{user.id}|{action}|{target}|{request_id}".encode()).hexdigest()


def _processed(key: str | None) -> ProcessedRequest | None:
    """The stored result of a request seen in the last REQUEST_ID_LIFETIME; older ones go."""
    row = db.session.get(ProcessedRequest, key) if key else None
    if row is not None and as_utc(row.created_at) <= utcnow() - REQUEST_ID_LIFETIME:
        db.session.delete(row)
        db.session.flush()
        return None
    return row


def _remember(key: str | None, user: User, result) -> None:
    if key:
        db.session.add(ProcessedRequest(client_id=key, user_id=user.id, result=json.dumps(result)))


def replayed(request_id: str, user: User, action: str, target: str):
    """What an earlier request with this id produced for the same user, action and target in
    the last REQUEST_ID_LIFETIME (a double tap, an offline replay), else None. The same id from
    someone else, for another action or target, or older, is a new request: it never reaches
    another person's result. For features that make a row once per request id."""
    row = _processed(_request_key(request_id, user, action, target))
    return json.loads(row.result) if row is not None else None


def remember(request_id: str, user: User, action: str, target: str, result) -> None:
    """Store what this request produced (no commit: with the row it made, in one transaction,
    so two requests with the same id at once make one row: the second commit fails)."""
    _remember(_request_key(request_id, user, action, target), user, result)


def commit_once(request_id: str, user: User, action: str, target: str, row):
    """Commit a new row made for this request, remembered under its id. If the same request
    won a race a moment ago (the commit fails on the request log), return that one's row."""
    db.session.flush()
    remember(request_id, user, action, target, row.id)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        done = replayed(request_id, user, action, target)
        if done is None:
            raise
        return db.session.get(type(row), done)
    return row


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
    db.session.add(
        ResetCode(
            user_id=trainee.id,
            code_hash=_code_digest(trainee.id, code),
            issued_by_id=teacher.id,
            expires_at=now + RESET_CODE_LIFETIME,
        )
    )
    # The trainee is with the teacher, maybe with a new phone: someone's wrong codes must not
    # stand in the way. A fresh code of 8 characters is no easier to guess for it.
    throttle.clear("reset", trainee.username)
    audit(teacher, "reset_code_issued", trainee)
    db.session.commit()
    return code


def redeem_reset_code(username: str, code: str, new_passphrase: str) -> User | str | None:
    """Set a new passphrase if the code is valid for username; the code is then spent.

    Returns the user, None for a wrong code, or the reason the new passphrase is refused (the
    code is then kept). A code works only while its teacher may still act on the trainee.
    """
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
    if (
        row is None
        or as_utc(row.expires_at) <= utcnow()
        or not may_act_on(row.issued_by_id, user.id)
    ):
        return None
    if problem := passphrases.problem(new_passphrase, user.username, user.display_name):
        return str(problem)
    row.used_at = utcnow()
    user.password_hash = passphrases.hash_passphrase(new_passphrase)
    end_all_sessions(user)
    # The teacher's power was used: the trainee is told whose code it was at next sign-in.
    audit(db.session.get(User, row.issued_by_id), "reset_code_used", user)
    db.session.commit()
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, passphrase: str) -> User | None:
    """The user if the passphrase is theirs. Known or unknown username, the work is the same:
    one lookup and one argon2 verification (against a dummy hash for an unknown name)."""
    user = find_user(username)
    if passphrases.verify(user.password_hash if user else None, passphrase):
        return user
    return None


# --- signing in, slowed down but never locked -----------------------------------------------


@dataclass
class Attempt:
    user: User | None = None
    wait_until: int | None = None  # set when the try was not checked: slow down until then
    problem: str | None = None  # reset: why the new passphrase was refused (code kept)


def _audit_failure(user: User | None, action: str, gate: throttle.Gate) -> None:
    # Never the passphrase or the code; for an unknown name, not the name either.
    audit(None, action, user, "" if user else "unknown_account")
    for count in gate.failed():
        audit(None, "sign_in_slowed_down", user, f"count={count}")


def sign_in(username: str, passphrase: str, devices: dict[int, str], address: str) -> Attempt:
    """Check a sign-in try through the throttle; audit it (never the passphrase)."""
    username = username.strip().lower()
    user = find_user(username)
    gate = throttle.Gate("login", username, devices.get(user.id) if user else None, address)
    if (until := gate.enter()) is not None:
        return Attempt(wait_until=until)
    verdict = passphrases.check(user.password_hash if user else None, passphrase)
    if user is not None and verdict.matched:
        if verdict.rehash:  # a hash made before normalising: store the normalised one from now
            user.password_hash = passphrases.hash_passphrase(passphrase)
        gate.passed()
        audit(user, "sign_in", user, "known_device" if gate.device else "")
        db.session.commit()
        return Attempt(user=user)
    _audit_failure(user, "sign_in_failed", gate)
    db.session.commit()
    return Attempt()


# --- the card's QR code: signing in with the card alone -------------------------------------


def _card_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_card_token(user: User) -> str | None:
    """A fresh token for the QR code of a trainee's new card (the previous card's stops
    working); only its hash is kept. Staff cards get none: a card alone never opens a staff
    account, whose screens show other people's data."""
    if user.role is not Role.TRAINEE:
        user.card_token_hash = None
        return None
    token = secrets.token_urlsafe(32)  # 256 random bits
    user.card_token_hash = _card_digest(token)
    return token


def revoke_card_token(teacher: User, trainee: User) -> None:
    """Turn off the QR code of the trainee's printed card; the passphrase on it still works."""
    trainee.card_token_hash = None
    audit(teacher, "card_qr_revoked", trainee)
    db.session.commit()


def card_holder(token: str) -> User | None:
    """The trainee whose current card carries token; None for a revoked, unknown or staff one."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(sa.select(User).where(User.card_token_hash == _card_digest(token)))
    return user if user is not None and user.role is Role.TRAINEE else None


def sign_in_with_card(token: str, devices: dict[int, str], address: str) -> Attempt:
    """Sign in with the card's QR code, through the same throttle as a passphrase: the account's
    (or this device's) count when the card is known, the address's count in every case. Audited
    without the token."""
    user = card_holder(token)
    gate = throttle.Gate(
        "login", user.username if user else "", devices.get(user.id) if user else None, address
    )
    if (until := gate.enter()) is not None:
        return Attempt(wait_until=until)
    if user is not None:
        gate.passed()
        audit(user, "sign_in", user, "card" + (" known_device" if gate.device else ""))
        db.session.commit()
        return Attempt(user=user)
    _audit_failure(None, "card_sign_in_failed", gate)
    db.session.commit()
    return Attempt()


def reset_with_code(
    username: str, code: str, new_passphrase: str, devices: dict[int, str], address: str
) -> Attempt:
    """Use a teacher's reset code through the throttle (its own count, not the sign-in one)."""
    username = username.strip().lower()
    user = find_user(username)
    gate = throttle.Gate("reset", username, devices.get(user.id) if user else None, address)
    if (until := gate.enter()) is not None:
        return Attempt(wait_until=until)
    result = redeem_reset_code(username, code, new_passphrase)
    if isinstance(result, User):
        gate.passed()
        throttle.clear("login", username)  # the new passphrase works at once, on any device
        db.session.commit()
        return Attempt(user=result)
    if isinstance(result, str):  # the code was right: only the new passphrase is refused
        gate.passed()
        db.session.commit()
        return Attempt(problem=result)
    _audit_failure(user, "reset_code_failed", gate)
    db.session.commit()
    return Attempt()


def change_passphrase(user: User, new_passphrase: str) -> None:
    """Set a new passphrase; every other device is signed out, this one stays."""
    user.password_hash = passphrases.hash_passphrase(new_passphrase)
    end_other_sessions(user)
    audit(user, "passphrase_changed", user)
    db.session.commit()


# --- what a trainee is told at sign-in ------------------------------------------------------

# Account actions a staff member took that let someone else sign in as the user.
NOTICE_ACTIONS = ("card_reissued", "reset_code_used")


@dataclass(frozen=True)
class Notice:
    action: str
    by: str  # the staff member's display name, "" if their account is gone
    at: datetime


def take_notices(user: User) -> list[Notice]:
    """Account actions by staff since the user's last sign-in, each returned once.

    Before a first sign-in there is nothing to tell: the card the user holds is the one the
    staff gave them, and there was no private data yet.
    """
    now, since = utcnow(), user.notices_seen_at
    user.notices_seen_at = now
    if since is None:
        db.session.commit()
        return []
    rows = events_about(user.id, NOTICE_ACTIONS, since)
    db.session.commit()
    return [Notice(action, actor_name, at) for action, actor_name, at in rows]
