"""Congresses, deputies (the people), their seats, and activity groups."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deputywork.models import Region

MOBILE_REGEX = r"^1[3-9][0-9]{9}$"
mobile_validator = RegexValidator(MOBILE_REGEX, _("请填写11位手机号码，例如13812345678。"))


def new_public_token() -> str:
    """An unguessable path segment for a public page (QR codes point at it)."""
    return secrets.token_urlsafe(12)


class CongressLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡")


class Congress(models.Model):
    """One people's congress of one level and region for one term: 襄城县第十七届人民代表大会."""

    level = models.CharField(_("层级"), max_length=10, choices=CongressLevel.choices)
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="congresses")
    term = models.PositiveSmallIntegerField(_("届次"), help_text=_("第几届"))
    start_date = models.DateField(_("本届开始"))
    end_date = models.DateField(_("本届结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["-start_date", "level"]
        constraints = [
            models.UniqueConstraint(fields=["level", "region", "term"], name="deputies_congress_unique_term",
                                    violation_error_message=_("这一级人大的这一届已经存在。")),
            models.CheckConstraint(condition=Q(level__in=CongressLevel.values), name="deputies_congress_level_valid"),
            models.CheckConstraint(condition=Q(term__gte=1), name="deputies_congress_term_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="deputies_congress_ends_after_start",
                violation_error_message=_("届满日期要晚于起始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}第{_chinese_number(self.term)}届人民代表大会"


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Party(models.TextChoices):
    CPC = "cpc", _("中共党员")
    PROBATIONARY = "cpc_probationary", _("中共预备党员")
    RCCK = "rcck", _("民革党员")
    CDL = "cdl", _("民盟盟员")
    CNDCA = "cndca", _("民建会员")
    CAPD = "capd", _("民进会员")
    CPWDP = "cpwdp", _("农工党党员")
    CZGP = "czgp", _("致公党党员")
    JS = "jiusan", _("九三学社社员")
    TDSGL = "tdsgl", _("台盟盟员")
    NONPARTY = "nonparty", _("无党派人士")
    CYL = "cyl", _("共青团员")
    MASSES = "masses", _("群众")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR = "junior", _("初中及以下")


class Occupation(models.TextChoices):
    """The categories of deputy-structure statistics (代表构成)."""

    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    OFFICIAL = "official", _("党政领导干部")
    BUSINESS = "business", _("企业负责人")
    MILITARY = "military", _("解放军")
    OTHER = "other", _("其他")


class Deputy(models.Model):
    """A person who holds (or held) one or more seats."""

    name = models.CharField(_("姓名"), max_length=30, db_index=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=10, default="汉族")
    birth_date = models.DateField(_("出生年月"), null=True, blank=True, help_text=_("按月记录，日为1日。"))
    party = models.CharField(_("政治面貌"), max_length=20, choices=Party.choices, default=Party.MASSES)
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("职业构成"), max_length=20, choices=Occupation.choices, default=Occupation.OTHER)
    employer_title = models.CharField(_("工作单位及职务"), max_length=100, blank=True)
    mobile = models.CharField(_("联系电话"), max_length=11, blank=True, validators=[mobile_validator],
                              help_text=_("仅工作人员可见，不在任何公开页面显示。"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    residence = models.ForeignKey(
        Region, verbose_name=_("居住地"), null=True, blank=True, on_delete=models.PROTECT, related_name="residents",
        help_text=_("村（社区）"),
    )
    photo = models.ImageField(_("照片"), upload_to="deputies/photos/", blank=True)
    introduction = models.TextField(_("简介"), blank=True, max_length=1000, help_text=_("在公开页面显示。"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="deputy",
    )
    public_token = models.CharField(_("公开页面令牌"), max_length=32, unique=True, default=new_public_token,
                                    editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="deputies_deputy_gender_valid"),
            models.CheckConstraint(condition=Q(party__in=Party.values), name="deputies_deputy_party_valid"),
            models.CheckConstraint(condition=Q(occupation__in=Occupation.values),
                                   name="deputies_deputy_occupation_valid"),
            models.CheckConstraint(condition=Q(mobile="") | Q(mobile__regex=MOBILE_REGEX),
                                   name="deputies_deputy_mobile_plausible"),
        ]

    def __str__(self) -> str:
        return self.name


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    ENDED = "ended", _("终止")


class EndReason(models.TextChoices):
    RESIGNED = "resigned", _("辞职")
    RECALLED = "recalled", _("罢免")
    TRANSFERRED = "transferred", _("调离")
    DECEASED = "deceased", _("去世")
    OTHER = "other", _("其他")


class Mandate(models.Model):
    """A deputy's seat in one congress. A seat that ends is marked ended, never deleted."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="mandates")
    congress = models.ForeignKey(Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT,
                                 related_name="mandates")
    electoral_district = models.CharField(_("选区"), max_length=60, blank=True)
    elected_on = models.DateField(_("当选日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("终止说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        ordering = ["congress__level", "-congress__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "congress"], condition=Q(status="active"),
                                    name="deputies_mandate_one_active_seat_per_congress",
                                    violation_error_message=_("该代表已是这一届人大的在任代表。")),
            models.CheckConstraint(condition=Q(status__in=MandateStatus.values), name="deputies_mandate_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="active", ended_on__isnull=True, end_reason="")
                           | (Q(status="ended", ended_on__isnull=False) & ~Q(end_reason=""))),
                name="deputies_mandate_end_date_and_reason_when_ended",
                violation_error_message=_("在任的代表资格不填终止日期和原因；已终止的要填写终止日期和原因。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy.name} · {self.congress}"


class GroupKind(models.TextChoices):
    TERRITORIAL = "territorial", _("片区")
    PROFESSIONAL = "professional", _("专业")


class ActivityGroup(models.Model):
    """代表活动小组: territorial (by township) or professional (研讨小组: 教育, 交通, 医疗 …)."""

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=15, choices=GroupKind.choices, default=GroupKind.TERRITORIAL)
    field = models.CharField(_("专业领域"), max_length=20, blank=True,
                             help_text=_("专业小组填写，如教育、交通、医疗。"))
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="activity_groups")
    grid = models.CharField(_("联系网格"), max_length=200, blank=True, help_text=_("小组联系的村（社区）或网格。"))
    wechat_qr = models.ImageField(_("微信群二维码"), upload_to="deputies/wechat/", blank=True)
    introduction = models.TextField(_("简介"), blank=True, max_length=1000)
    active = models.BooleanField(_("存续"), default=True)
    public_token = models.CharField(_("公开页面令牌"), max_length=32, unique=True, default=new_public_token,
                                    editable=False)
    deputies = models.ManyToManyField(Deputy, through="Membership", related_name="activity_groups",
                                      verbose_name=_("成员"))

    class Meta:
        verbose_name = _("代表活动小组")
        verbose_name_plural = _("代表活动小组")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="deputies_activitygroup_unique_name",
                                    violation_error_message=_("本地区已有同名的代表活动小组。")),
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="deputies_activitygroup_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    LIAISON = "liaison", _("联络员")
    MEMBER = "member", _("成员")


class Membership(models.Model):
    group = models.ForeignKey(ActivityGroup, verbose_name=_("活动小组"), on_delete=models.CASCADE,
                              related_name="memberships")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("职务"), max_length=15, choices=GroupRole.choices, default=GroupRole.MEMBER)
    started_on = models.DateField(_("加入日期"), null=True, blank=True)
    ended_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        ordering = ["group", "role", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["group"], condition=Q(role="leader", ended_on__isnull=True),
                                    name="deputies_membership_one_current_leader",
                                    violation_error_message=_("这个小组已有组长：请先把原组长改为组员。")),
            models.UniqueConstraint(fields=["group", "deputy"], condition=Q(ended_on__isnull=True),
                                    name="deputies_membership_one_current_per_deputy",
                                    violation_error_message=_("该代表已在这个小组中。")),
            models.CheckConstraint(condition=Q(role__in=GroupRole.values), name="deputies_membership_role_valid"),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) | Q(started_on__isnull=True)
                           | Q(ended_on__gte=models.F("started_on"))),
                name="deputies_membership_ends_after_start",
                violation_error_message=_("退出日期不能早于加入日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy} · {self.get_role_display()}"


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1–99 as written in a congress's name: 十七, 二十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
