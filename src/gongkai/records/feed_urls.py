"""Feed URLs under /feeds/ (included by gongkai.urls with the prefix "feeds/")."""

from django.urls import path

from . import feeds

app_name = "records_feeds"

urlpatterns = [
    path("records.rss", feeds.SiteFeed(), name="site_rss"),
    path("records.atom", feeds.SiteAtomFeed(), name="site_atom"),
    path("domains/<int:pk>.rss", feeds.DomainFeed(), name="domain_rss"),
    path("domains/<int:pk>.atom", feeds.DomainAtomFeed(), name="domain_atom"),
    path("items/<int:pk>.rss", feeds.ItemFeed(), name="item_rss"),
    path("items/<int:pk>.atom", feeds.ItemAtomFeed(), name="item_atom"),
]
