"""
The one write of reporting: a reader's bookmark of when they last opened a dashboard, so the
next visit can say what changed since.
"""

import datetime

from django.utils import timezone

from responses.models import DashboardVisit

# Opening a dashboard again within this time is the same visit (a reload, another chart):
# the bookmark is not written again, so a reader's reloads do not queue on its row.
SAME_VISIT = datetime.timedelta(minutes=1)


def dashboard_visit_record(*, user, organisation):
    """
    Record that `user` opened `organisation`'s dashboard now and return when they last did
    before (None the first time). Any signed-in user may read any dashboard; the visit is only
    their own bookmark. One query to read, and one upsert to write (so two tabs cannot
    collide) unless the last visit was less than SAME_VISIT ago.
    """
    previous = (
        DashboardVisit.objects.filter(user=user, organisation=organisation)
        .values_list("seen_at", flat=True)
        .first()
    )
    now = timezone.now()
    if previous is None or now - previous >= SAME_VISIT:
        DashboardVisit.objects.bulk_create(
            [DashboardVisit(user=user, organisation=organisation, seen_at=now)],
            update_conflicts=True,
            unique_fields=["user", "organisation"],
            update_fields=["seen_at"],
        )
    return previous
