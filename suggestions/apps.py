from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("意见与建议")

    def ready(self) -> None:
        from deputies import public_cache
        from deputywork.figures import register_figures
        from deputywork.models import Role
        from deputywork.roles import register_menu
        from suggestions.models import Category
        from suggestions.selectors_opinions import opinion_figures, unread_count

        # Residents' opinions (issue 5). The public opinion form lists the active categories (a
        # station's form is kept current by liaison's own connection).
        public_cache.connect(Category)
        register_figures("opinions", opinion_figures)
        register_menu(_("群众意见"), "suggestions:inbox", Role.DEPUTY, order=20, badge=unread_count)
        register_menu(_("群众意见"), "suggestions:staff_opinions", Role.OFFICE, Role.TOWNSHIP, order=30)
        register_menu(_("意见统计"), "suggestions:staff_opinion_figures", Role.OFFICE, Role.TOWNSHIP, order=31)

        from deputywork.roles import register_home, register_menu
        from suggestions.selectors_suggestions import figures

        register_home("unit", "suggestions:unit_home")
        register_menu(_("我的建议"), "suggestions:deputy_list", "deputy", order=30)
        register_menu(_("承办建议"), "suggestions:unit_home", "unit", order=10)
        register_menu(_("代表建议"), "suggestions:staff_list", "office", "township", order=30)
        register_menu(_("超期未办"), "suggestions:overdue", "office", "township", order=31)
        register_menu(_("办理统计"), "suggestions:rates", "office", "township", order=32)
        register_figures("suggestions", figures)

        from liaison.record import register_record_section
        from suggestions.record import suggestions_section

        register_record_section("suggestions", suggestions_section, order=50)
