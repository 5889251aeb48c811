from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputyworkConfig(AppConfig):
    name = "deputywork"
    verbose_name = _("基础设置")
