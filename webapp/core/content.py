"""Content loading shared by the lessons and the question bank: the version hash of an item, and
keeping content rows in step with the files (stable ids, never deleted)."""

import hashlib
import json
from collections import Counter

from webapp.core.time import utcnow
from webapp.extensions import db


def content_hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_rows(model, wanted: dict[str, dict], existing: dict) -> Counter:
    """Make content rows match the files: add, update what changed (hash or position), retire
    what is gone. Rows are never deleted: progress and history point at their stable ids."""
    counts = Counter()
    for row_id, values in wanted.items():
        row = existing.pop(row_id, None)
        if row is None:
            db.session.add(model(id=row_id, **values))
            counts["added"] += 1
        elif row.retired or any(
            getattr(row, key) != values[key]
            for key in ("content_hash", "position")
            if key in values
        ):
            for key, value in values.items():
                setattr(row, key, value)
            row.retired = False
            if hasattr(row, "updated_at"):
                row.updated_at = utcnow()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    for row in existing.values():
        if not row.retired:
            row.retired = True
            counts["retired"] += 1
    db.session.commit()
    return counts
