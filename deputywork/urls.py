from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from deputywork import views
from deputywork.auth import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True,
                                                         authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The site's own page (the admin keeps its own template for its own password page).
    path("accounts/password/", auth_views.PasswordChangeView.as_view(
        success_url="/", template_name="registration/password_change.html"), name="password_change"),
    path("admin/", admin.site.urls),
]

# Each app owns its own address space; an app without pages yet adds nothing. The resolver
# tries patterns in order: the residents' pages (a deputy's, the opinion form) come first.
for app in ("deputies", "suggestions", "liaison", "bulletins"):
    try:
        urlpatterns.append(path("", include(f"{app}.urls")))
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.urls":
            raise

if settings.SERVE_MEDIA:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
