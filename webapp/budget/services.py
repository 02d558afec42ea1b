"""Rules for the budget: categories, the month (recurring items computed in), CSV, sharing."""

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from webapp.budget import money
from webapp.budget.models import Entry, OwnCategory, RecurringItem, SharedMonth
from webapp.core import text as clean_text
from webapp.core.database import rows_of
from webapp.core.dates import plausible
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import already_sent, owned, save_once, sent_client_id
from webapp.core.spreadsheet import read_cell
from webapp.extensions import db

# key: (pictogram, name, for income?). Spending first: it is what people add most often.
CATEGORIES = {
    "rent": ("🏠", _l("Rent"), False),
    "energy": ("💡", _l("Energy"), False),
    "phone": ("📱", _l("Phone"), False),
    "transport": ("🚌", _l("Transport"), False),
    "food": ("🛒", _l("Food"), False),
    "clothes": ("👕", _l("Clothes"), False),
    "health": ("💊", _l("Health"), False),
    "family": ("👪", _l("Family"), False),
    "leisure": ("⚽", _l("Leisure"), False),
    "debts": ("⚖️", _l("Debts and fines"), False),
    "savings": ("🐷", _l("Savings"), False),
    "other": ("📦", _l("Other"), False),
    "salary": ("💶", _l("Salary"), True),
    "activity": ("🤝", _l("Prime d'activité"), True),
    "housing_aid": ("🏠", _l("Housing aid"), True),
    "rsa": ("🧾", _l("RSA"), True),
    "income": ("➕", _l("Other income"), True),
}


@dataclass(frozen=True)
class Category:
    key: str
    picture: str
    name: str
    income: bool


# The built-in categories, made once (their names are translated when shown).
BUILT_IN = {
    key: Category(key, pic, name, income) for key, (pic, name, income) in CATEGORIES.items()
}


def categories(user) -> dict[str, Category]:
    """The built-in categories and the user's own (one query)."""
    found = dict(BUILT_IN)
    for own in rows_of(_OWN_CATEGORIES, {"user_id": user.id}):  # rows: names only, no objects
        found[f"c{own.id}"] = Category(f"c{own.id}", own.picture, own.name, False)
    return found


# Built once, like the statements below that pages run at every view: building a statement
# (and its cache key) cost SQLAlchemy about three times what running it did.
_OWN_CATEGORIES = sa.select(OwnCategory.id, OwnCategory.picture, OwnCategory.name).where(
    OwnCategory.user_id == sa.bindparam("user_id")
)


# A closed select shows this many characters of a name whole on a 360 px phone (its text never
# wraps; measured by tests/browser/test_forms_browser.py in French, English and Arabic).
SHORT_NAME = 22


def short_name(name: str, limit: int = SHORT_NAME) -> str:
    """A name a phone's closed select shows whole: a gloss in brackets goes first, then words from
    the end, with "…" to say so. The budget pages' lists show the full name, wrapped."""
    name = str(name).strip()
    if len(name) <= limit:
        return name
    bare = re.sub(r"\s*\([^)]*\)$", "", name) or name
    if len(bare) <= limit:
        return bare
    kept = ""
    for word in bare.split():
        if len(f"{kept} {word}".strip()) > limit - 1:
            break
        kept = f"{kept} {word}".strip()
    return f"{kept or bare[: limit - 1]}…"


def add_category(user, name: str) -> OwnCategory:
    own = OwnCategory(user_id=user.id, name=name.strip()[:30], picture="🏷️")
    db.session.add(own)
    db.session.commit()
    return own


# --- the month ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """A recurring item's line in a month, computed for display: a GET never writes it.

    It has the attributes of an Entry that the month, the figures and the export read.
    """

    day: date
    cents: int
    income: bool
    category: str
    note: str
    recurring_id: int
    client_id: str
    id: None = None


# Prefixes of the client ids the app makes itself (recurring lines, imported rows): a phone
# never sends one (see core.records.sent_client_id).
APP_IDS = ("rec-", "csv-")


def _months(first: date, last: date):
    current = first.replace(day=1)
    while current <= last:
        yield current
        current = money.month_bounds(current)[1] + timedelta(days=1)


def planned(
    items: list[RecurringItem], first: date, last: date, stored_ids: set[str]
) -> list[Planned]:
    """Each item's line in each month from first to last that is not stored yet."""
    lines = []
    for item in items:
        for month in _months(max(first, item.starts_on), last):
            client_id = f"rec-{item.id}-{month:%Y-%m}"
            day = month.replace(day=min(item.day_of_month, money.month_bounds(month)[1].day))
            if client_id not in stored_ids and first <= day <= last:
                lines.append(
                    Planned(
                        day, item.cents, item.income, item.category, item.note, item.id, client_id
                    )
                )
    return lines


def month_lines(user, month: date, items: list[RecurringItem]) -> list[Entry | Planned]:
    """The month's entries and the recurring lines still to be stored, newest first."""
    entries = month_entries(user, month)
    first, last = money.month_bounds(month)
    lines = entries + planned(items, first, last, {e.client_id for e in entries})
    return sorted(lines, key=lambda e: (e.day, e.id or 0), reverse=True)


def _store_planned(user, item: RecurringItem, until: date) -> None:
    """Write the item's lines up to a day (called by a POST, never by a page view)."""
    stored = set(
        db.session.scalars(sa.select(Entry.client_id).where(Entry.recurring_id == item.id))
    )
    for line in planned([item], item.starts_on, until, stored):
        db.session.add(
            Entry(
                user_id=user.id,
                client_id=line.client_id,
                income=line.income,
                cents=line.cents,
                day=line.day,
                category=line.category,
                note=line.note,
                recurring_id=item.id,
            )
        )


def month_entries(user, month: date) -> list[Entry]:
    first, last = money.month_bounds(month)
    return list(
        db.session.scalars(_MONTH_ENTRIES, {"user_id": user.id, "first": first, "last": last})
    )


_MONTH_ENTRIES = (
    sa.select(Entry)
    .where(
        Entry.user_id == sa.bindparam("user_id"),
        Entry.day >= sa.bindparam("first"),
        Entry.day <= sa.bindparam("last"),
    )
    .order_by(Entry.day.desc(), Entry.id.desc())
)


def next_income(entries: list[Entry], items: list[RecurringItem], today: date) -> date | None:
    """The next income after today: this month's, else a recurring income next month."""
    later = sorted(e.day for e in entries if e.income and e.day > today)
    if later:
        return later[0]
    days = [item.day_of_month for item in items if item.income]
    if not days:
        return None
    first_next = money.month_bounds(today)[1] + timedelta(days=1)
    _first, last_next = money.month_bounds(first_next)
    return first_next.replace(day=min(min(days), last_next.day))


def figures(
    entries: list[Entry], items: list[RecurringItem], today: date, month: date
) -> money.MonthFigures:
    """The month's figures; the next income matters only for the current month."""
    lines = [money.Line(e.day, e.cents, e.income, e.recurring_id is not None) for e in entries]
    first, last = money.month_bounds(month)
    upcoming = next_income(entries, items, today) if first <= today <= last else None
    return money.month_figures(lines, today, upcoming, month)


def totals_by_category(entries: list[Entry]) -> Counter:
    totals = Counter()
    for entry in entries:
        totals[entry.category] += entry.cents
    return totals


def category_history(user, category: str, until: date, months: int = 6) -> list[tuple[date, int]]:
    """Spending in one category over the last months, oldest first (one query)."""
    firsts = []
    current = until.replace(day=1)
    for _ in range(months):
        firsts.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    firsts.reverse()
    last = money.month_bounds(until)[1]
    rows = db.session.execute(
        sa.select(Entry.day, Entry.cents, Entry.client_id).where(
            Entry.user_id == user.id,
            Entry.category == category,
            Entry.day >= firsts[0],
            Entry.day <= last,
        )
    )
    totals = dict.fromkeys(firsts, 0)
    stored = set()
    for day, cents, client_id in rows:
        totals[day.replace(day=1)] += cents
        stored.add(client_id)
    items = [item for item in recurring_items(user) if item.category == category]
    for line in planned(items, firsts[0], last, stored):
        totals[line.day.replace(day=1)] += line.cents
    return list(totals.items())


# --- entries --------------------------------------------------------------------------------


def add_from_form(user, form) -> Entry:
    """A checked quick-add form (home screen or month), recorded once per its client id."""
    return add_entry(
        user,
        sent_client_id(form.client_id.data, APP_IDS),
        form.kind.data == "income",
        form.amount.cents,
        form.day.data,
        form.category.data,
        form.note.data or "",
    )


def add_entry(
    user, client_id: str, income: bool, cents: int, day: date, category: str, note: str
) -> Entry:
    """Record an entry once per client id (a double tap or an offline replay adds nothing)."""
    if done := already_sent(Entry, client_id, user):
        return done
    return save_once(
        Entry(
            user_id=user.id,
            client_id=client_id,
            income=income,
            cents=cents,
            day=day,
            category=category,
            note=note.strip()[:140],
        ),
        Entry,
        client_id,
    )


def own_entry(user, entry_id: int) -> Entry:
    return owned(Entry, entry_id, user)


def add_recurring(
    user, income: bool, cents: int, day_of_month: int, category: str, note: str, today: date
) -> RecurringItem:
    item = RecurringItem(
        user_id=user.id,
        income=income,
        cents=cents,
        day_of_month=day_of_month,
        category=category,
        note=note.strip()[:140],
        starts_on=today.replace(day=1),
    )
    db.session.add(item)
    db.session.commit()
    return item


def recurring_items(user) -> list[RecurringItem]:
    return list(db.session.scalars(_RECURRING_ITEMS, {"user_id": user.id}))


_RECURRING_ITEMS = (
    sa.select(RecurringItem)
    .where(RecurringItem.user_id == sa.bindparam("user_id"), RecurringItem.active.is_(True))
    .order_by(RecurringItem.day_of_month)
)


def stop_recurring(user, item_id: int, today: date) -> None:
    """Stop an item; the months it was paid in keep their line (written now, once)."""
    item = owned(RecurringItem, item_id, user)
    if item.active:
        _store_planned(user, item, today)
        item.active = False
        db.session.commit()


# --- CSV, as a French spreadsheet reads it --------------------------------------------------

CSV_HEADER = ["date", "type", "montant", "categorie", "note"]
MAX_IMPORT_LINES = 1_000


def export_rows(user, names: dict[str, "Category"], today: date) -> list[list]:
    """Every entry and the recurring lines up to the end of this month (as the month shows them;
    never later), as rows of a French spreadsheet (decimal commas): webapp.core.spreadsheet
    writes them with every cell made safe."""
    entries = list(db.session.scalars(sa.select(Entry).where(Entry.user_id == user.id)))
    items = recurring_items(user)
    if items:
        first = min(item.starts_on for item in items)
        entries += planned(
            items, first, money.month_bounds(today)[1], {e.client_id for e in entries}
        )
    rows = [CSV_HEADER]
    for entry in sorted(entries, key=lambda e: (e.day, e.id or 0)):
        category = names.get(entry.category)
        rows.append(
            [
                entry.day.strftime("%d/%m/%Y"),
                "revenu" if entry.income else "dépense",
                f"{entry.cents // 100},{entry.cents % 100:02d}",
                str(category.name) if category else entry.category,
                entry.note,
            ]
        )
    return rows


class TooManyLines(ValueError):
    """A file with more lines than one import takes (nothing of it is imported)."""


class NotCsv(ValueError):
    """A file the CSV reader cannot read (e.g. a cell of many thousand characters)."""


@dataclass
class ImportRow:
    line: int
    day: date | None = None
    income: bool = False
    cents: int = 0
    category: str = "other"
    note: str = ""
    error: str | None = None


def read_csv(text: str, names: dict[str, "Category"]) -> list[ImportRow]:
    """Each line of an export-format CSV, with what is wrong with it, if anything.

    Raises TooManyLines beyond MAX_IMPORT_LINES, NotCsv if the text is not CSV at all.
    """
    by_name = {key: key for key in names}
    # A file exported in another language (or by another trainee) still finds its categories.
    for language in ("fr", "en", "ar"):
        with force_locale(language):
            by_name.update(
                {str(c.name).casefold().replace("’", "'"): key for key, c in names.items()}
            )
    rows = []
    reader = csv.reader(io.StringIO(clean_text.multiline(text).lstrip("\ufeff")), delimiter=";")
    try:
        for number, fields in enumerate(reader, start=1):
            fields = [read_cell(clean_text.single_line(field)) for field in fields]
            if number == 1 and [f.strip().lower() for f in fields[:3]] == CSV_HEADER[:3]:
                continue
            if not any(field.strip() for field in fields):
                continue
            if len(rows) == MAX_IMPORT_LINES:
                raise TooManyLines(number)
            rows.append(_read_row(number, fields, by_name))
    except csv.Error as error:
        raise NotCsv() from error
    return rows


def _read_row(number: int, fields: list[str], by_name: dict[str, str]) -> ImportRow:
    row = ImportRow(line=number)
    if len(fields) < 4:
        row.error = "columns"
        return row
    try:
        day, month_, year = (int(part) for part in fields[0].strip().split("/"))
        row.day = date(year, month_, day)
    except (ValueError, OverflowError):
        row.error = "date"
        return row
    if not plausible(row.day):
        row.day, row.error = None, "date_range"
        return row
    kind = fields[1].strip().casefold()
    if kind not in ("revenu", "dépense", "depense", "income", "expense"):
        row.error = "type"
        return row
    row.income = kind in ("revenu", "income")
    try:
        row.cents = money.parse_amount(fields[2])
    except money.AmountError:
        row.error = "amount"
        return row
    row.category = by_name.get(fields[3].strip().casefold().replace("’", "'"), "other")
    row.note = (fields[4] if len(fields) > 4 else "").strip()[:140]
    return row


def import_rows(user, rows: list[ImportRow]) -> int:
    """Add the valid rows in one transaction; a row imported twice (same content, same line) is
    added once."""
    wanted = {}
    for row in rows:
        if not row.error:
            key = hashlib.sha256(
                f"{user.id}|{row.line}|{row.day}|{row.income}|{row.cents}|"
                f"{row.category}|{row.note}".encode()
            ).hexdigest()[:40]
            wanted[f"csv-{key}"] = row
    for _attempt in range(2):
        done = set()
        for chunk in range(0, len(wanted), 500):
            done.update(
                db.session.scalars(
                    sa.select(Entry.client_id).where(
                        Entry.client_id.in_(list(wanted)[chunk : chunk + 500])
                    )
                )
            )
        new = {client_id: row for client_id, row in wanted.items() if client_id not in done}
        db.session.add_all(
            [
                Entry(
                    user_id=user.id,
                    client_id=client_id,
                    income=row.income,
                    cents=row.cents,
                    day=row.day,
                    category=row.category,
                    note=row.note,
                )
                for client_id, row in new.items()
            ]
        )
        try:
            db.session.commit()
            return len(new)
        except sa.exc.IntegrityError:  # the same file confirmed twice at once: count again
            db.session.rollback()
    return 0


# --- sharing a month's summary with the teachers --------------------------------------------


def is_shared(user, month: date) -> bool:
    """One query, as Session.get made on the month page (which never loads the row before);
    Session.get built its statement at every call."""
    return (
        db.session.scalar(_SHARED, {"user_id": user.id, "month": month.replace(day=1)}) is not None
    )


_SHARED = sa.select(SharedMonth.user_id).where(
    SharedMonth.user_id == sa.bindparam("user_id"), SharedMonth.month == sa.bindparam("month")
)


def set_shared(user, month: date, shared: bool) -> None:
    row = db.session.get(SharedMonth, (user.id, month.replace(day=1)))
    if shared and row is None:
        db.session.add(SharedMonth(user_id=user.id, month=month.replace(day=1)))
    elif not shared and row is not None:
        db.session.delete(row)
    db.session.commit()


def shared_summaries(trainee, today: date) -> list[dict]:
    """What a teacher may see: per shared month, totals per category and the reste à vivre."""
    summaries = []
    months = db.session.scalars(
        sa.select(SharedMonth.month)
        .where(SharedMonth.user_id == trainee.id)
        .order_by(SharedMonth.month.desc())
    ).all()
    names = categories(trainee)
    items = recurring_items(trainee)
    for month in months:
        entries = month_lines(trainee, month, items)
        summary = figures(entries, items, today, month)
        totals = totals_by_category(entries)
        summaries.append(
            {
                "month": month,
                "figures": summary,
                "totals": [(names.get(key), cents) for key, cents in totals.most_common()],
            }
        )
    return summaries


# --- data rights: export, delete, erase -----------------------------------------------------


def export_for(user) -> dict:
    """Everything the budget holds about user, as plain values (for "My data")."""
    names = categories(user)

    def name(key):
        return str(names[key].name) if key in names else key

    entries = db.session.scalars(
        sa.select(Entry).where(Entry.user_id == user.id).order_by(Entry.day, Entry.id)
    )
    items = db.session.scalars(
        sa.select(RecurringItem).where(RecurringItem.user_id == user.id).order_by(RecurringItem.id)
    )
    own = db.session.scalars(
        sa.select(OwnCategory).where(OwnCategory.user_id == user.id).order_by(OwnCategory.id)
    )
    shared = db.session.scalars(
        sa.select(SharedMonth.month)
        .where(SharedMonth.user_id == user.id)
        .order_by(SharedMonth.month)
    )
    return {
        "entries": [
            {
                "day": e.day.isoformat(),
                "income": e.income,
                "cents": e.cents,
                "category": name(e.category),
                "note": e.note,
                "recurring": e.recurring_id is not None,
            }
            for e in entries
        ],
        "recurring": [
            {
                "income": i.income,
                "cents": i.cents,
                "day_of_month": i.day_of_month,
                "category": name(i.category),
                "note": i.note,
                "active": i.active,
                "starts_on": i.starts_on.isoformat(),
            }
            for i in items
        ],
        "own_categories": [{"name": c.name, "picture": c.picture} for c in own],
        "shared_months": [month.strftime("%Y-%m") for month in shared],
    }


def own_categories(user) -> list[OwnCategory]:
    return list(
        db.session.scalars(
            sa.select(OwnCategory).where(OwnCategory.user_id == user.id).order_by(OwnCategory.name)
        )
    )


def own_category(user, category_id: int) -> OwnCategory:
    return owned(OwnCategory, category_id, user)


def delete_category(user, category_id: int) -> None:
    """Delete an own category; its entries and recurring items move to "Other"."""
    own = own_category(user, category_id)
    key = f"c{own.id}"
    for model in (Entry, RecurringItem):
        db.session.execute(
            sa.update(model)
            .where(model.user_id == user.id, model.category == key)
            .values(category="other")
        )
    db.session.delete(own)
    db.session.commit()


def erase_user(user_id: int) -> None:
    """Remove every budget row of user_id (no commit: the caller erases in one transaction)."""
    for model in (Entry, RecurringItem, OwnCategory, SharedMonth):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
