"""RSS 2.0 and Atom feeds of newly published records, per site, per domain and per catalogue
item (《政府信息公开条例》第二十三条: information is published through websites and other
online media; feeds let readers and other portals follow a column)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from gongkai.catalogue.models import CatalogueItem, Domain
from gongkai.core.html import html_to_text

from .selectors import published_records, published_records_for_item

FEED_SIZE = 50


class _RecordFeed(Feed):
    feed_type = Rss201rev2Feed

    def _site(self, request):
        if request.site is None:
            raise Http404("没有站点")
        return request.site

    def item_title(self, record):
        return record.title

    def item_description(self, record):
        text = record.summary or html_to_text(record.body)
        return text[:300] + ("…" if len(text) > 300 else "")

    def item_link(self, record):
        return record.get_absolute_url()

    def item_guid(self, record):
        return f"{record.site_id}:{record.index_number}"

    item_guid_is_permalink = False

    def item_pubdate(self, record):
        return record.published_at

    def item_updateddate(self, record):
        return record.updated_at

    def item_author_name(self, record):
        return record.organisation.name

    def item_categories(self, record):
        return [record.catalogue_item.name, record.get_subject_display()]


class SiteFeed(_RecordFeed):
    def get_object(self, request):
        return self._site(request)

    def title(self, site):
        return f"{site.name} · 政府信息公开"

    def link(self, site):
        return reverse("records:list")

    def description(self, site):
        return f"{site.name}最新主动公开的政府信息"

    def items(self, site):
        return published_records(site)[:FEED_SIZE]


class DomainFeed(_RecordFeed):
    def get_object(self, request, pk: int):
        return get_object_or_404(Domain, pk=pk, site=self._site(request))

    def title(self, domain):
        return f"{domain.site.name} · {domain.name}领域"

    def link(self, domain):
        return reverse("records:list")

    def description(self, domain):
        return f"{domain.name}领域最新公开的政府信息"

    def items(self, domain):
        return published_records(domain.site).filter(catalogue_item__domain=domain)[:FEED_SIZE]


class ItemFeed(_RecordFeed):
    def get_object(self, request, pk: int):
        return get_object_or_404(CatalogueItem, pk=pk, site=self._site(request))

    def title(self, item):
        return f"{item.site.name} · {item.name}"

    def link(self, item):
        return f"{reverse('records:list')}?item={item.pk}"

    def description(self, item):
        return f"“{item.name}”栏目最新公开的政府信息"

    def items(self, item):
        # The item fixes the site; filtering by the site too let SQLite walk the whole site
        # by date instead of the item's own (catalogue_item, published_at) index (0.5 s).
        return published_records_for_item(item)[:FEED_SIZE]


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed
    subtitle = SiteFeed.description


class DomainAtomFeed(DomainFeed):
    feed_type = Atom1Feed
    subtitle = DomainFeed.description


class ItemAtomFeed(ItemFeed):
    feed_type = Atom1Feed
    subtitle = ItemFeed.description
