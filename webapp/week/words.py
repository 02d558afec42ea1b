"""My week in words a trainee reads and hears: changes, days, items (template functions)."""

from webapp.core.i18n import format_date, format_time, ngettext
from webapp.core.i18n import gettext as _
from webapp.week import names, rules


def change_lines(changes) -> list[str]:
    """Each change in one whole sentence a trainee reads and hears."""
    lines = []
    for change in changes:
        kind = names.KINDS[change.kind][1]
        day = format_date(rules.in_paris(change.first_at).date(), "EEEE d MMMM")
        if change.what == "added":
            lines.append(
                ngettext(
                    "Changed: %(num)d session added (%(kind)s) on %(day)s",
                    "Changed: %(num)d sessions added (%(kind)s) from %(day)s",
                    change.count,
                    kind=kind,
                    day=day,
                )
            )
        elif change.what == "changed":
            lines.append(
                _("Changed: %(kind)s on %(day)s has a new time or place", kind=kind, day=day)
            )
        else:
            lines.append(_("Changed: %(kind)s on %(day)s is cancelled", kind=kind, day=day))
    return lines


def item_picture(item) -> str:
    if item.step:
        return "📋"
    return (names.APPOINTMENTS if item.own else names.KINDS)[item.kind][0]


def item_name(item) -> str:
    if item.step:
        return _("Reminder: %(step)s", step=item.title)
    name = str((names.APPOINTMENTS if item.own else names.KINDS)[item.kind][1])
    return f"{name} · {item.title}" if item.title else name


def day_sentence(day) -> str:
    """A day read aloud: its date, then each item's time, what and where."""
    parts = [format_date(day.day, "EEEE d MMMM")]
    for item in day.items:
        if item.step:  # a whole day's reminder: no time
            parts.append(item_name(item))
            continue
        parts.append(
            _(
                "%(time)s: %(what)s, %(place)s",
                time=format_time(item.starts_at, "short"),
                what=item_name(item),
                place=item.place or "—",
            )
        )
        if item.bring:
            parts.append(_("To bring: %(what)s", what=item.bring))
    if not day.items:
        parts.append(_("Nothing planned."))
    return ". ".join(parts)


def days_sentence(days) -> str:
    return ". ".join(day_sentence(day) for day in days)
