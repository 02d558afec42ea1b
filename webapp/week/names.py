"""What My week's kinds and marks are called, with their pictograms."""

from webapp.core.i18n import lazy_gettext as _l

KINDS = {
    "centre": ("🏫", _l("Training centre")),
    "company": ("🏢", _l("Company placement")),
    "workshop": ("🍳", _l("Workshop")),
}
# The trainee's own appointments: the services the first months after release are made of.
APPOINTMENTS = {
    "spip": ("🤝", _l("Probation service (SPIP)")),
    "jap": ("⚖️", _l("Judge (JAP)")),
    "france_travail": ("💼", _l("France Travail")),
    "caf": ("💶", _l("CAF")),
    "doctor": ("🩺", _l("Doctor")),
    "housing": ("🏠", _l("Housing")),
    "family": ("👪", _l("Family")),
    "other": ("📌", _l("Other")),
}
# How long before an appointment its reminder rings (minutes).
REMINDERS = {
    0: _l("No reminder"),
    60: _l("1 hour before"),
    180: _l("3 hours before"),
    1440: _l("The day before"),
    2880: _l("Two days before"),
}
STATUS_NAMES = {
    "present": ("✅", _l("Present")),
    "late": ("⏰", _l("Late")),
    "absent": ("❌", _l("Absent")),
    "excused": ("📄", _l("Excused")),
}
