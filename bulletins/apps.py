from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("简报")

    def ready(self) -> None:
        from deputywork.models import Role
        from deputywork.roles import register_menu

        register_menu(_("简报"), "bulletins:list", Role.OFFICE, Role.TOWNSHIP, order=80)
