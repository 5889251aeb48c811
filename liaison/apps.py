from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("联络站与活动")

    def ready(self) -> None:
        from deputies import public_cache
        from deputywork.figures import register_figures
        from deputywork.models import Role
        from deputywork.roles import register_menu
        from liaison import record  # noqa: F401 - registers liaison's performance-record sections
        from liaison.figures import liaison_figures
        from liaison.models import LiaisonStation

        # A deputy's public page lists the stations they are stationed at: a station's details and
        # who is stationed there (deputies.add/remove send only m2m_changed) show at once.
        public_cache.connect(LiaisonStation)
        public_cache.connect_m2m(LiaisonStation.deputies.through, LiaisonStation.groups.through)

        register_figures("liaison", liaison_figures)
        register_menu(_("我的活动"), "liaison:portal_home", Role.DEPUTY, order=20)
        register_menu(_("活动日历"), "liaison:portal_calendar", Role.DEPUTY, order=25)
        register_menu(_("履职档案"), "liaison:portal_record", Role.DEPUTY, order=30)
        register_menu(_("联络站"), "liaison:staff_stations", Role.OFFICE, Role.TOWNSHIP, order=30)
        register_menu(_("活动日历"), "liaison:staff_calendar", Role.OFFICE, Role.TOWNSHIP, order=31)
        register_menu(_("代表活动"), "liaison:staff_activities", Role.OFFICE, Role.TOWNSHIP, order=32)
        register_menu(_("接待登记"), "liaison:staff_receptions", Role.OFFICE, Role.TOWNSHIP, order=32)
        register_menu(_("矛盾纠纷台账"), "liaison:staff_disputes", Role.OFFICE, Role.TOWNSHIP, order=33)
        register_menu(_("履职档案"), "liaison:staff_records", Role.OFFICE, Role.TOWNSHIP, order=34)
