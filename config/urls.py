from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("archive.urls")),
    path("admin/", admin.site.urls),
]

# A 400 says what was wrong with the request (Django's own page names nothing).
handler400 = "archive.views.errors.bad_request"
