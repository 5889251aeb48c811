from django.http import HttpRequest, HttpResponse
from django.urls import path

from deputywork.urls import urlpatterns as project_urls


def bare(request: HttpRequest) -> HttpResponse:
    """The baseline: a Django view that does nothing, through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urls]
