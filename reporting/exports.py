"""A dashboard's figures as a download, in the exports' formats (responses.exports)."""

from responses.exports import DASHBOARD_MARKING, MARKING_HEADER, Table

from .selectors.dashboard import dashboard_rows


def dashboard_table(*, dashboard):
    """
    Every figure of a dashboard, as `selectors.dashboard.dashboard_rows` lays them out. The
    figures count statuses, which every signed-in user may see even of an OFFICIAL-SENSITIVE
    update (DESIGN.md section 2): each row is OFFICIAL.
    """
    headers, rows = dashboard_rows(dashboard)
    return Table(
        title=f"{dashboard.organisation.short_name} dashboard",
        filename=f"{dashboard.organisation.slug}-dashboard-{dashboard.today.isoformat()}",
        headers=[*headers, MARKING_HEADER],
        rows=[[*row, DASHBOARD_MARKING] for row in rows],
    )
