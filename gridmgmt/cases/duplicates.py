"""Likely duplicate cases (重复上报): open cases of the same class, near each other in place and time.

"Near" is the small class's own ``duplicate_radius_m`` (metres, on the
geography type) and ``duplicate_window_hours`` between the receipts, as
for the duplicate suggestions shown before a report is saved. Only cases
still reported or opened count: those are the ones a merge accepts.
"""

from django.db import connection

from gridmgmt.cases.workflow import TRANSITIONS
from gridmgmt.events.models import DUPLICATE_WINDOW_MAX_HOURS

MERGEABLE = tuple(sorted(TRANSITIONS["merge"].sources))

DUPLICATES_SQL = """
SELECT c.id, array_agg(o.id ORDER BY o.received_at, o.id)
FROM cases_case c
JOIN events_smallclass s ON s.id = c.small_class_id
JOIN cases_case o ON o.small_class_id = c.small_class_id AND o.id <> c.id AND o.status = ANY(%s)
  AND o.received_at BETWEEN c.received_at - make_interval(hours => LEAST(s.duplicate_window_hours, %s))
                        AND c.received_at + make_interval(hours => LEAST(s.duplicate_window_hours, %s))
  AND ST_DWithin(o.location::geography, c.location::geography, s.duplicate_radius_m)
WHERE c.id = ANY(%s) AND c.status = ANY(%s)
GROUP BY c.id
"""


def likely_duplicates(case_ids, *, visible) -> dict[int, list[int]]:
    """{case id: ids of its likely duplicates, earliest first} for those of ``case_ids`` that have any.

    ``visible`` is the reader's jurisdiction-filtered case queryset: a
    duplicate the reader may not see is not named.
    """
    ids = list(case_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATES_SQL, [list(MERGEABLE), DUPLICATE_WINDOW_MAX_HOURS, DUPLICATE_WINDOW_MAX_HOURS, ids,
                                        list(MERGEABLE)])
        found = dict(cursor.fetchall())
    seen = set(visible.filter(pk__in={o for others in found.values() for o in others}).values_list("pk", flat=True))
    return {case_id: kept for case_id, others in found.items() if (kept := [o for o in others if o in seen])}
