"""
Atom feeds of newly published public updates, per organisation and per super-complaint.

Every link is absolute under SITE_URL (core.site), never built from the request's Host: a
feed is kept in the cache for every reader (public.caching), so a link to whatever host and
port one request named would reach them all.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.richtext import html_excerpt
from core.site import absolute_url
from recommendations.models import Organisation, SuperComplaint
from responses.choices import show_redaction_marks

from . import selectors


class _PublicUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, update):
        response = update.response
        return (
            f"{response.organisation.name} – {response.recommendation.super_complaint.short_title}"
            f" {response.recommendation.label.lower()}: {update.get_status_display()}"
        )

    def item_description(self, update):
        return show_redaction_marks(html_excerpt(update.narrative, 80))

    def item_link(self, update):
        response = update.response
        return absolute_url(reverse(
            "public:response_detail",
            args=[
                response.recommendation.super_complaint.slug,
                response.recommendation.number,
                response.organisation.slug,
            ],
        ) + f"#update-{update.pk}")

    def item_pubdate(self, update):
        return update.signed_off_at

    def item_updateddate(self, update):
        return update.signed_off_at


class OrganisationFeed(_PublicUpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Organisation, slug=slug)

    def title(self, organisation):
        return f"{organisation.name}: public updates on super-complaint recommendations"

    def link(self, organisation):
        return absolute_url(reverse("public:organisation_detail", args=[organisation.slug]))

    def feed_url(self, organisation):
        return absolute_url(reverse("public:organisation_feed", args=[organisation.slug]))

    def items(self, organisation):
        return selectors.feed_updates(organisation=organisation)


class SuperComplaintFeed(_PublicUpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(SuperComplaint, slug=slug)

    def title(self, super_complaint):
        return f"{super_complaint.short_title}: public updates from forces and offices"

    def link(self, super_complaint):
        return absolute_url(reverse("public:supercomplaint_detail", args=[super_complaint.slug]))

    def feed_url(self, super_complaint):
        return absolute_url(reverse("public:supercomplaint_feed", args=[super_complaint.slug]))

    def items(self, super_complaint):
        return selectors.feed_updates(super_complaint=super_complaint)
