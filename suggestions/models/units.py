"""Reference data the office keeps: categories and handling units (承办单位)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deputywork.models import REGION_CODE_LENGTHS, Region


class Category(models.Model):
    """An editable category for opinions and suggestions: 城乡建设, 农业农村, 教育 …"""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("政府部门")
    TOWNSHIP = "township", _("乡镇政府")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    OTHER = "other", _("其他")


def units_serving(region: Region | None) -> models.QuerySet:
    """The active units of the county `region` lies in (every active unit when it is not known):
    one deployment may serve several counties, and an item of 襄城县 goes to 襄城县's units."""
    qs = HandlingUnit.objects.filter(active=True)
    if region is None:
        return qs
    return qs.filter(region__code__startswith=region.code[:min(len(region.prefix), REGION_CODE_LENGTHS["county"])])


class HandlingUnit(models.Model):
    """承办单位: a government department, a township government, a court …"""

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=15, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="handling_units")
    contact = models.CharField(_("联系人"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("单位账号"), blank=True,
                                   related_name="handling_units")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="suggestions_handlingunit_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="suggestions_handlingunit_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name
