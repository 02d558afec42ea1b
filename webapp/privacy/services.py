"""Write audit events; callers commit with the change they audit."""

from webapp.extensions import db
from webapp.privacy.models import AuditEvent


def audit(actor, action: str, subject=None, detail: str = "") -> None:
    """Record that actor did action to subject (added to the current transaction)."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            subject_id=subject.id if subject else None,
            detail=detail[:200],
        )
    )


def audit_read(actor, action: str, subject) -> None:
    """Record at once that a staff member looked at a trainee's data (a read has no other write)."""
    audit(actor, action, subject)
    db.session.commit()
