"""An update dated by its month alone ("May 2021") reads that way everywhere its date is shown."""

import datetime

from django.urls import reverse

from responses.choices import DatePrecision, format_as_of, iso_as_of
from responses.models import ResponseUpdate
from tests.conftest import published_update

from .helpers import create_url, form_data, response_url


def test_the_form_saves_a_month_and_year_without_a_day(client, world):
    client.force_login(world.contributor)
    page = client.post(create_url(world), form_data(as_of_day="", as_of_month="5"))
    assert page.status_code == 302
    update = ResponseUpdate.objects.get()
    assert (update.as_of, update.as_of_precision) == (datetime.date(2021, 5, 1), "month")

    text = client.get(response_url(world)).content.decode()
    assert "As of May 2021" in text
    assert "1 May 2021" not in text

    edit = client.get(reverse("workflow:update_edit", args=[update.pk])).content.decode()
    assert 'name="as_of_day" type="text" inputmode="numeric" value=""' in edit
    assert 'name="as_of_month" type="text" inputmode="numeric" value="5"' in edit


def test_every_page_shows_the_month_of_a_month_only_position(client, world):
    published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                     as_of=datetime.date(2021, 5, 1), as_of_precision=DatePrecision.MONTH)
    client.force_login(world.other_contributor)
    rec = world.rec_1
    pages = [
        response_url(world),
        reverse("responses:recommendation_detail", args=[world.super_complaint.slug, rec.number]),
        world.force_a.get_absolute_url(),
        reverse("responses:recommendation_compare", args=[world.super_complaint.slug,
                                                          rec.number])
        + "?organisation=force-a&organisation=force-b",
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "May 2021" in text, url
        assert "1 May 2021" not in text, url
    export = client.get(reverse("responses:recommendation_export",
                                args=[world.super_complaint.slug, rec.number])).content.decode()
    assert ",2021-05," in export


def test_the_date_helpers():
    may = datetime.date(2021, 5, 1)
    assert format_as_of(may, DatePrecision.MONTH) == "May 2021"
    assert format_as_of(may, DatePrecision.DAY) == "1 May 2021"
    assert format_as_of(datetime.date(2021, 9, 7), DatePrecision.DAY, short=True) == "7 Sep 2021"
    assert iso_as_of(may, DatePrecision.MONTH) == "2021-05"
    assert iso_as_of(may, DatePrecision.DAY) == "2021-05-01"
