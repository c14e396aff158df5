from django.urls import path

from policy.urls import urlpatterns as site

from . import floor, floor_export

urlpatterns = [
    path("floor/statements/", floor.statement_list),
    path("floor/statements/filtered/", floor.filtered),
    path("floor/statements/search/", floor.search),
    path("floor/statements/by-speaker/", floor.where),
    path("floor/statements/where/", floor.where),
    path("floor/statements/export/", floor_export.export),
    path("floor/statements/<str:slug>/", floor.detail),
    path("floor/timeline/", floor.timeline),
    *site,
]
