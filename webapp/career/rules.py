"""Application statuses: the ones a trainee sets, and "no answer" computed from the date sent."""

from datetime import date, timedelta

from webapp.core.i18n import lazy_gettext as _l

STATUSES = {
    "to_send": _l("To send"),
    "sent": _l("Sent"),
    "interview": _l("Interview"),
    "yes": _l("Answer: yes"),
    "no": _l("Answer: no"),
}
NO_ANSWER = "no_answer"
STATUS_NAMES = STATUSES | {NO_ANSWER: _l("No answer after 2 weeks")}
WAIT = timedelta(days=14)
IN_PROGRESS = ("to_send", "sent", "interview")


def shown_status(status: str, sent_on: date | None, today: date) -> str:
    """What the list says: a sent application still without an answer 2 weeks after the date
    it was sent is "no answer" (time to call, or to move on)."""
    if status == "sent" and sent_on is not None and today - sent_on >= WAIT:
        return NO_ANSWER
    return status
