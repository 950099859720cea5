from django.contrib import admin
from django.urls import include, path

from aduan.web.api import api
from aduan.web.views import home, switch_language

urlpatterns = [
    path("", home, name="home"),
    path("language/", switch_language, name="set_language"),
    path("console/", include("aduan.console.urls")),
    path("portal/", include("aduan.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
