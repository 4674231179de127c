from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from gongkai.api import api
from gongkai.core import sitemaps as core_sitemaps
from gongkai.core import views as core_views

handler400 = "gongkai.core.views.bad_request"
handler500 = "gongkai.core.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/catalogue/", include("gongkai.catalogue.staff_urls")),
    path("staff/foi/", include("gongkai.foi.staff_urls")),
    path("staff/records/", include("gongkai.records.staff_urls")),
    path(
        "staff/participation/consultations/",
        include("gongkai.participation.consultation_staff_urls"),
    ),
    path("staff/participation/advisory/", include("gongkai.participation.advisory_staff_urls")),
    path("staff/participation/events/", include("gongkai.participation.event_staff_urls")),
    path("staff/participation/projects/", include("gongkai.participation.project_staff_urls")),
    path("staff/participation/funds/", include("gongkai.participation.fund_staff_urls")),
    path("staff/participation/", include("gongkai.participation.staff_urls")),
    path("staff/oversight/", include("gongkai.oversight.staff_urls")),
    path("staff/services/", include("gongkai.guides.staff_urls")),
    path("staff/xxgk/", include("gongkai.portal.staff_urls")),
    path("staff/legacy/", include("gongkai.legacy.staff_urls")),
    path("staff/", include("gongkai.core.urls")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("prefs/", core_views.set_preference, name="set_preference"),
    path("catalogue/", include("gongkai.catalogue.urls")),
    path("foi/", include("gongkai.foi.urls")),
    path("participate/account/", include("gongkai.participation.account_urls")),
    path("participate/consultations/", include("gongkai.participation.consultation_urls")),
    path("participate/advisory/", include("gongkai.participation.advisory_urls")),
    path("participate/events/", include("gongkai.participation.event_urls")),
    path("participate/projects/", include("gongkai.participation.project_urls")),
    path("participate/funds/", include("gongkai.participation.fund_urls")),
    path("participate/", include("gongkai.participation.urls")),
    path("services/", include("gongkai.guides.urls")),
    path("kiosk/", include("gongkai.guides.kiosk_urls")),
    path("records/", include("gongkai.records.urls")),
    path("feeds/", include("gongkai.records.feed_urls")),
    path("sitemap.xml", core_sitemaps.sitemap, name="sitemap"),
    path("search/", include("gongkai.search.urls")),
    path("xxgk/report/", include("gongkai.oversight.urls")),
    path("xxgk/plan/", include("gongkai.oversight.plan_urls")),
    path("xxgk/sites/", include("gongkai.oversight.province_urls")),  # issue 16: province
    path("", include("gongkai.portal.urls")),
]

if settings.BENCH_VIEWS:
    urlpatterns.insert(0, path("bench/floor/", core_views.bench_floor))
