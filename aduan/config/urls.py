from django.contrib import admin
from django.urls import path

from aduan.api.api import api
from aduan.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
