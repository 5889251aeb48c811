"""Core models: administrative regions, users with roles, the working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Statistical division codes: province 2 · city 2 · county 2 · township 3 · village 3 digits.
REGION_CODE_LENGTHS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
region_code_validator = RegexValidator(r"^\d{12}$", _("行政区划代码应为12位数字。"))


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP,
               RegionLevel.VILLAGE]


def level_of_code(code: str) -> str:
    """The level a 12-digit code stands for: the deepest part that is not all zeros."""
    if code[9:] != "000":
        return RegionLevel.VILLAGE
    if code[6:9] != "000":
        return RegionLevel.TOWNSHIP
    if code[4:6] != "00":
        return RegionLevel.COUNTY
    if code[2:4] != "00":
        return RegionLevel.CITY
    return RegionLevel.PROVINCE


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[region_code_validator])
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{12}$"), name="deputywork_region_code_12_digits"),
            models.CheckConstraint(condition=Q(level__in=RegionLevel.values), name="deputywork_region_level_valid"),
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE) | Q(parent__isnull=False),
                name="deputywork_region_parent_below_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The leading digits shared by this region and everything inside it."""
        return self.code[: REGION_CODE_LENGTHS[self.level]]

    def contains(self, other: Region | None) -> bool:
        return other is not None and other.code.startswith(self.prefix)

    def enclosing_codes(self) -> list[str]:
        """The codes of the regions that contain this one (its province, city, county …): its
        own code cut short and padded with zeros, with no query."""
        return [self.code[:n].ljust(12, "0") for n in REGION_CODE_LENGTHS.values() if n < len(self.prefix)]

    def clean(self) -> None:
        errors = region_errors(self.code, self.level, self.parent)
        if errors:
            raise ValidationError(errors)


def region_errors(code: str, level: str | None, parent: Region | None) -> list[str]:
    """Every reason why a region with this code, level and parent cannot exist."""
    if not code or len(code) != 12 or not code.isdigit():
        return [f"区划代码“{code}”应为12位数字。"]
    errors = []
    expected = level_of_code(code)
    if level and level != expected:
        errors.append(f"区划代码“{code}”是{RegionLevel(expected).label}级代码，与层级“{RegionLevel(level).label}”不符。")
    if expected == RegionLevel.PROVINCE:
        if parent is not None:
            errors.append("省级区划不能有上级区划。")
        return errors
    if parent is None:
        errors.append(f"区划代码“{code}”需要上级区划。")
        return errors
    above = LEVEL_ORDER[LEVEL_ORDER.index(expected) - 1]
    if parent.level != above:
        errors.append(f"{RegionLevel(expected).label}级区划的上级应为{RegionLevel(above).label}级，"
                      f"而“{parent.name}”是{RegionLevel(parent.level).label}级。")
    elif not code.startswith(parent.prefix):
        errors.append(f"区划代码“{code}”不以上级区划“{parent.name}”的代码前缀“{parent.prefix}”开头。")
    return errors


class Role(models.TextChoices):
    OFFICE = "office", _("代表工委工作人员")
    TOWNSHIP = "township", _("乡镇人大工作人员")
    DEPUTY = "deputy", _("代表")
    UNIT = "unit", _("承办单位工作人员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
        help_text=_("乡镇人大工作人员只看到本乡镇（街道）的数据；代表工委工作人员填了县（区）只看到本县（区）的数据，"
                    "不填则看到全部。"),
    )
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[*Role.values, ""]), name="deputywork_user_role_valid"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.TOWNSHIP) | Q(region__isnull=False),
                name="deputywork_user_township_staff_has_region",
            ),
        ]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    def save(self, *args, **kwargs) -> None:
        # Staff roles work in the admin; the flag follows the role so nobody forgets it.
        if self.role in (Role.OFFICE, Role.TOWNSHIP):
            self.is_staff = True
        super().save(*args, **kwargs)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("说明"), max_length=40, blank=True)
    seeded = models.BooleanField(_("来自国务院节假日安排"), default=False, editable=False)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="deputywork_calendarday_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up days are known; outside them we count Monday–Friday."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("已公布安排的年份")
        verbose_name_plural = _("已公布安排的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class EventBase(models.Model):
    """An append-only row: who moved a record from one status to another, when and why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    statuses: type[models.TextChoices]  # the record's statuses, for their Chinese labels

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_label or '—'} → {self.to_label}"

    def _label(self, value: str) -> str:
        return str(self.statuses(value).label) if value in self.statuses.values else value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)
