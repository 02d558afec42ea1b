"""Rules for the budget: categories, the month (recurring items written in), CSV, sharing."""

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from webapp.budget import money
from webapp.budget.models import Entry, OwnCategory, RecurringItem, SharedMonth
from webapp.core.records import already_sent, owned, save_once
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


def categories(user) -> dict[str, Category]:
    """The built-in categories and the user's own (one query)."""
    found = {key: Category(key, pic, name, income) for key, (pic, name, income) in CATEGORIES.items()}
    for own in db.session.scalars(sa.select(OwnCategory).where(OwnCategory.user_id == user.id)):
        found[f"c{own.id}"] = Category(f"c{own.id}", own.picture, own.name, False)
    return found


def add_category(user, name: str) -> OwnCategory:
    own = OwnCategory(user_id=user.id, name=name.strip()[:30], picture="🏷️")
    db.session.add(own)
    db.session.commit()
    return own


# --- the month ------------------------------------------------------------------------------


def write_recurring(user, month: date, items: list[RecurringItem]) -> None:
    """Write each recurring item into the month once (its client id is per item and month)."""
    first, last = money.month_bounds(month)
    items = [item for item in items if item.starts_on <= last]
    if not items:
        return
    wanted = {f"rec-{item.id}-{first:%Y-%m}": item for item in items}
    done = set(db.session.scalars(sa.select(Entry.client_id).where(Entry.client_id.in_(wanted))))
    for client_id, item in wanted.items():
        if client_id not in done:
            db.session.add(Entry(user_id=user.id, client_id=client_id, income=item.income,
                                 cents=item.cents, day=first.replace(day=min(item.day_of_month,
                                                                             last.day)),
                                 category=item.category, note=item.note, recurring_id=item.id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another request wrote them at the same moment
        db.session.rollback()


def month_entries(user, month: date) -> list[Entry]:
    first, last = money.month_bounds(month)
    return list(db.session.scalars(sa.select(Entry).where(
        Entry.user_id == user.id, Entry.day >= first, Entry.day <= last)
        .order_by(Entry.day.desc(), Entry.id.desc())))


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


def figures(entries: list[Entry], items: list[RecurringItem], today: date,
            month: date) -> money.MonthFigures:
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
    rows = db.session.execute(sa.select(Entry.day, Entry.cents).where(
        Entry.user_id == user.id, Entry.category == category, Entry.day >= firsts[0],
        Entry.day <= money.month_bounds(until)[1]))
    totals = dict.fromkeys(firsts, 0)
    for day, cents in rows:
        totals[day.replace(day=1)] += cents
    return list(totals.items())


# --- entries --------------------------------------------------------------------------------


def add_entry(user, client_id: str, income: bool, cents: int, day: date, category: str,
              note: str) -> Entry:
    """Record an entry once per client id (a double tap or an offline replay adds nothing)."""
    if done := already_sent(Entry, client_id, user):
        return done
    return save_once(Entry(user_id=user.id, client_id=client_id, income=income, cents=cents,
                           day=day, category=category, note=note.strip()[:140]), Entry, client_id)


def own_entry(user, entry_id: int) -> Entry:
    return owned(Entry, entry_id, user)


def add_recurring(user, income: bool, cents: int, day_of_month: int, category: str, note: str,
                  today: date) -> RecurringItem:
    item = RecurringItem(user_id=user.id, income=income, cents=cents, day_of_month=day_of_month,
                         category=category, note=note.strip()[:140], starts_on=today.replace(day=1))
    db.session.add(item)
    db.session.commit()
    return item


def recurring_items(user) -> list[RecurringItem]:
    return list(db.session.scalars(sa.select(RecurringItem).where(
        RecurringItem.user_id == user.id, RecurringItem.active.is_(True))
        .order_by(RecurringItem.day_of_month)))


def stop_recurring(user, item_id: int) -> None:
    item = owned(RecurringItem, item_id, user)
    item.active = False
    db.session.commit()


# --- CSV, as a French spreadsheet reads it --------------------------------------------------

CSV_HEADER = ["date", "type", "montant", "categorie", "note"]


def to_csv(entries: list[Entry], names: dict[str, "Category"]) -> str:
    """UTF-8 with a BOM, semicolons and decimal commas: what a French spreadsheet expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in sorted(entries, key=lambda e: (e.day, e.id)):
        category = names.get(entry.category)
        writer.writerow([entry.day.strftime("%d/%m/%Y"), "revenu" if entry.income else "dépense",
                         f"{entry.cents // 100},{entry.cents % 100:02d}",
                         str(category.name) if category else entry.category, entry.note])
    return "\ufeff" + out.getvalue()


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
    """Each line of an export-format CSV, with what is wrong with it, if anything."""
    by_name = {key: key for key in names}
    # A file exported in another language (or by another trainee) still finds its categories.
    for language in ("fr", "en", "ar"):
        with force_locale(language):
            by_name.update({str(c.name).casefold().replace("’", "'"): key
                            for key, c in names.items()})
    rows = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    for number, fields in enumerate(reader, start=1):
        if number == 1 and [f.strip().lower() for f in fields[:3]] == CSV_HEADER[:3]:
            continue
        if not any(field.strip() for field in fields):
            continue
        row = ImportRow(line=number)
        rows.append(row)
        if len(fields) < 4:
            row.error = "columns"
            continue
        try:
            day, month_, year = (int(part) for part in fields[0].strip().split("/"))
            row.day = date(year, month_, day)
        except ValueError:
            row.error = "date"
            continue
        kind = fields[1].strip().casefold()
        if kind not in ("revenu", "dépense", "depense", "income", "expense"):
            row.error = "type"
            continue
        row.income = kind in ("revenu", "income")
        try:
            row.cents = money.parse_amount(fields[2])
        except money.AmountError:
            row.error = "amount"
            continue
        row.category = by_name.get(fields[3].strip().casefold().replace("’", "'"), "other")
        row.note = (fields[4] if len(fields) > 4 else "").strip()[:140]
    return rows


def import_rows(user, rows: list[ImportRow]) -> int:
    """Add the valid rows; a row imported twice (same content, same line) is added once."""
    added = 0
    for row in rows:
        if row.error:
            continue
        key = hashlib.sha256(f"{user.id}|{row.line}|{row.day}|{row.income}|{row.cents}|"
                             f"{row.category}|{row.note}".encode()).hexdigest()[:40]
        before = db.session.scalar(sa.select(Entry.id).where(Entry.client_id == f"csv-{key}"))
        if before is None:
            add_entry(user, f"csv-{key}", row.income, row.cents, row.day, row.category, row.note)
            added += 1
    return added


# --- sharing a month's summary with the teachers --------------------------------------------


def is_shared(user, month: date) -> bool:
    return db.session.get(SharedMonth, (user.id, month.replace(day=1))) is not None


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
    months = db.session.scalars(sa.select(SharedMonth.month).where(
        SharedMonth.user_id == trainee.id).order_by(SharedMonth.month.desc())).all()
    names = categories(trainee)
    items = recurring_items(trainee)
    for month in months:
        entries = month_entries(trainee, month)
        summary = figures(entries, items, today, month)
        totals = totals_by_category(entries)
        summaries.append({"month": month, "figures": summary,
                          "totals": [(names.get(key), cents) for key, cents in totals.most_common()]})
    return summaries


# --- data rights: export, delete, erase -----------------------------------------------------


def export_for(user) -> dict:
    """Everything the budget holds about user, as plain values (for "My data")."""
    names = categories(user)

    def name(key):
        return str(names[key].name) if key in names else key

    entries = db.session.scalars(sa.select(Entry).where(Entry.user_id == user.id)
                                 .order_by(Entry.day, Entry.id))
    items = db.session.scalars(sa.select(RecurringItem).where(RecurringItem.user_id == user.id)
                               .order_by(RecurringItem.id))
    own = db.session.scalars(sa.select(OwnCategory).where(OwnCategory.user_id == user.id)
                             .order_by(OwnCategory.id))
    shared = db.session.scalars(sa.select(SharedMonth.month).where(SharedMonth.user_id == user.id)
                                .order_by(SharedMonth.month))
    return {
        "entries": [{"day": e.day.isoformat(), "income": e.income, "cents": e.cents,
                     "category": name(e.category), "note": e.note,
                     "recurring": e.recurring_id is not None} for e in entries],
        "recurring": [{"income": i.income, "cents": i.cents, "day_of_month": i.day_of_month,
                       "category": name(i.category), "note": i.note, "active": i.active,
                       "starts_on": i.starts_on.isoformat()} for i in items],
        "own_categories": [{"name": c.name, "picture": c.picture} for c in own],
        "shared_months": [month.strftime("%Y-%m") for month in shared],
    }


def own_categories(user) -> list[OwnCategory]:
    return list(db.session.scalars(sa.select(OwnCategory).where(OwnCategory.user_id == user.id)
                                   .order_by(OwnCategory.name)))


def own_category(user, category_id: int) -> OwnCategory:
    return owned(OwnCategory, category_id, user)


def delete_category(user, category_id: int) -> None:
    """Delete an own category; its entries and recurring items move to "Other"."""
    own = own_category(user, category_id)
    key = f"c{own.id}"
    for model in (Entry, RecurringItem):
        db.session.execute(sa.update(model).where(model.user_id == user.id, model.category == key)
                           .values(category="other"))
    db.session.delete(own)
    db.session.commit()


def erase_user(user_id: int) -> None:
    """Remove every budget row of user_id (no commit: the caller erases in one transaction)."""
    for model in (Entry, RecurringItem, OwnCategory, SharedMonth):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
