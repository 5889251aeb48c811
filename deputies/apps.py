from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("代表")

    def ready(self) -> None:
        from deputies import public_cache
        from deputies.models import ActivityGroup, Congress, Deputy, Mandate, Membership
        from deputywork.models import Region, Role, User
        from deputywork.roles import register_home, register_menu

        # Everything the public QR pages show (names, seats, groups, villages), and the users
        # the opinion form notifies (whose account the cached deputy carries).
        public_cache.connect(Deputy, Mandate, Congress, ActivityGroup, Membership, Region, User)

        register_home(Role.DEPUTY, "deputies:portal")
        register_menu(_("我的代表信息"), "deputies:portal", Role.DEPUTY, order=10)
        register_menu(_("代表名册"), "deputies:staff_list", Role.OFFICE, Role.TOWNSHIP, order=10)
        register_menu(_("代表构成"), "deputies:structure", Role.OFFICE, Role.TOWNSHIP, order=11)
        register_menu(_("二维码海报"), "deputies:township_posters", Role.OFFICE, Role.TOWNSHIP, order=12)
