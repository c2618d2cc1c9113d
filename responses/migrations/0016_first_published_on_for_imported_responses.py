"""
Every answered response records the day it first answered.

Until now an import published updates without recording `first_published_on`, and the deadline
rules made up for it (a response with a status but no such day counted from its current
position's date). Imports now record it as a sign-off does, and the rules no longer make up for
a missing day, so the responses published without one get it here, by the rule the services
follow (`responses.services.response_record_publication`): the earliest of their published
updates' days, an imported position's date (published on the monitoring portal then), a
signed-off update's sign-off day, or the date of a position loaded without either (fixtures).
Responses that hold a day keep it.
"""

from django.db import migrations, models
from django.db.models import Min, Q
from django.utils import timezone

BATCH = 2000


def record_missing_first_published(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    ResponseUpdate = apps.get_model("responses", "ResponseUpdate")
    imported = Q(imported_at__isnull=False)
    signed_off = Q(imported_at__isnull=True, signed_off_at__isnull=False)
    loaded = Q(imported_at__isnull=True, signed_off_at__isnull=True)
    firsts = (
        ResponseUpdate.objects.filter(state="published", response__first_published_on__isnull=True)
        .order_by()
        .values("response_id")
        .annotate(
            imported=Min("as_of", filter=imported),
            signed_off=Min("signed_off_at", filter=signed_off),
            loaded=Min("as_of", filter=loaded),
        )
    )
    pending = []
    for row in firsts.iterator():
        days = [row["imported"], row["loaded"]]
        if row["signed_off"]:
            days.append(timezone.localdate(row["signed_off"]))
        pending.append(Response(pk=row["response_id"],
                                first_published_on=min(day for day in days if day)))
        if len(pending) >= BATCH:
            Response.objects.bulk_update(pending, ["first_published_on"])
            pending = []
    Response.objects.bulk_update(pending, ["first_published_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("responses", "0015_one_awaiting_sign_off_and_form_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="first_published_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text=(
                    "The day it first answered: its first sign-off, or the date of an earlier "
                    "imported position (published on the monitoring portal then). A later "
                    "publication never moves it."
                ),
                null=True,
            ),
        ),
        migrations.RunPython(
            record_missing_first_published, migrations.RunPython.noop, elidable=True
        ),
    ]
