from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from deputywork.roles import home_url_name


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page of their role."""
    name = home_url_name(request.user)
    if name:
        return redirect(name)
    return render(request, "deputywork/no_role.html", status=200)


def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
