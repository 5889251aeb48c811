"""Liaison stations, activity days and their duty rosters, activities, the reception register,
the dispute ledger, investment projects and trainings.

Each deputy's performance record (履职档案) is not stored: `liaison.record` derives it from
these rows, so a fact is typed once.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deputies.models import ActivityGroup, Deputy, new_public_token
from deputywork.models import EventBase, Region
from deputywork.storage import private_storage


class StationKind(models.TextChoices):
    HOME = "home", _("代表之家")
    STATION = "station", _("代表联络站")
    POINT = "point", _("代表联络点")


class LiaisonStation(models.Model):
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=StationKind.choices, default=StationKind.STATION)
    is_demonstration = models.BooleanField(_("全过程人民民主基层示范点"), default=False)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="liaison_stations", help_text=_("乡镇（街道）或村（社区）。"))
    address = models.CharField(_("地址"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opening_schedule = models.CharField(_("开放时间"), max_length=100, blank=True,
                                        help_text=_("例如：每月15日 9:00–11:30"))
    introduction = models.TextField(_("简介"), blank=True, max_length=1000)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("进站代表"), blank=True, related_name="liaison_stations")
    groups = models.ManyToManyField(ActivityGroup, verbose_name=_("驻站活动小组"), blank=True,
                                    related_name="liaison_stations")
    active = models.BooleanField(_("在用"), default=True)
    public_token = models.CharField(_("公开页面令牌"), max_length=32, unique=True, default=new_public_token,
                                    editable=False)

    class Meta:
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="liaison_liaisonstation_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=StationKind.values), name="liaison_liaisonstation_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityDayStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已公布")
    HELD = "held", _("已举行")
    CANCELLED = "cancelled", _("已取消")


# Days the roster must be public before residents come (公示不少于3天).
PUBLISH_DAYS_AHEAD = 3


class ActivityDay(models.Model):
    """The monthly 代表活动日 / 代表进站活动日 of the county or one township."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="activity_days", help_text=_("全县或某一乡镇（街道）。"))
    date = models.DateField(_("日期"))
    theme = models.CharField(_("主题"), max_length=100, help_text=_("例如：排查基层矛盾纠纷"))
    description = models.TextField(_("安排说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ActivityDayStatus.choices,
                              default=ActivityDayStatus.DRAFT, editable=False)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("代表活动日")
        verbose_name_plural = _("代表活动日")
        ordering = ["-date", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="liaison_activityday_one_per_region_and_date"),
            models.CheckConstraint(condition=Q(status__in=ActivityDayStatus.values),
                                   name="liaison_activityday_status_valid"),
            # A day once published keeps the time it was published; a draft may be called off unpublished.
            models.CheckConstraint(condition=Q(status__in=["draft", "cancelled"]) | Q(published_at__isnull=False),
                                   name="liaison_activityday_published_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y年%m月%d日} {self.region.name}代表活动日"

    @property
    def publish_deadline(self) -> dt.date:
        return self.date - dt.timedelta(days=PUBLISH_DAYS_AHEAD)


class ActivityDayEvent(EventBase):
    statuses = ActivityDayStatus
    activity_day = models.ForeignKey(ActivityDay, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("活动日记录")
        verbose_name_plural = _("活动日记录")


class DutyShift(models.Model):
    """One line of an activity day's duty roster: a deputy receives residents at a station."""

    activity_day = models.ForeignKey(ActivityDay, verbose_name=_("代表活动日"), on_delete=models.CASCADE,
                                     related_name="shifts")
    station = models.ForeignKey(LiaisonStation, verbose_name=_("联络站"), on_delete=models.PROTECT,
                                related_name="shifts")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="duty_shifts")
    # Copied from the activity day so the database can refuse one deputy's two shifts that start together.
    date = models.DateField(_("日期"), editable=False)
    start = models.TimeField(_("开始"), default=dt.time(9, 0))
    end = models.TimeField(_("结束"), default=dt.time(11, 30))

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["date", "start", "station__name", "deputy__name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="liaison_dutyshift_ends_after_start"),
            models.UniqueConstraint(fields=["deputy", "date", "start"], name="liaison_dutyshift_one_place_at_a_time"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.station} · {self.date:%m-%d} {self.start:%H:%M}–{self.end:%H:%M}"


class ActivityKind(models.Model):
    """The editable list of activity kinds (接待选民, 走访群众, 座谈会 …)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    kind = models.ForeignKey(ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT,
                             related_name="activities")
    title = models.CharField(_("活动名称"), max_length=120)
    date = models.DateField(_("日期"))
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="activities")
    station = models.ForeignKey(LiaisonStation, verbose_name=_("联络站"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="activities")
    place = models.CharField(_("地点"), max_length=120, blank=True)
    activity_day = models.ForeignKey(ActivityDay, verbose_name=_("代表活动日"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="activities")
    groups = models.ManyToManyField(ActivityGroup, verbose_name=_("活动小组"), blank=True, related_name="activities")
    deputies = models.ManyToManyField(Deputy, through="Participation", related_name="activities",
                                      verbose_name=_("代表"))
    residents_count = models.PositiveIntegerField(_("参加群众人数"), default=0)
    others_count = models.PositiveIntegerField(_("其他参加人数"), default=0)
    summary = models.TextField(_("活动情况"), blank=True)
    opinions_gathered = models.PositiveIntegerField(_("收集意见建议（条）"), default=0)
    problems_solved = models.PositiveIntegerField(_("解决实际问题（个）"), default=0)
    outcome = models.TextField(_("活动成效"), blank=True)
    reported_by_deputy = models.BooleanField(_("代表自行记录"), default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代表活动")
        verbose_name_plural = _("代表活动")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | Q(station__isnull=False),
                                   name="liaison_activity_has_place_or_station"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def clean(self) -> None:
        day = self.activity_day if self.activity_day_id else None
        problem = activity_date_problem(date=self.date, activity_day=day)
        if problem:
            raise ValidationError({"date": problem})


def activity_date_problem(*, date: dt.date | None, activity_day: ActivityDay | None) -> str | None:
    """An activity of an activity day may not be dated before that day's month."""
    if date and activity_day and date < activity_day.date.replace(day=1):
        return (f"活动日期{date:%Y年%m月%d日}早于所属代表活动日所在月份"
                f"（{activity_day.date:%Y年%m月}），请核对日期或活动日。")
    return None


class Participation(models.Model):
    """A deputy invited to an activity, and whether they signed in."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="participations")
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("受邀代表")
        verbose_name_plural = _("受邀代表")
        ordering = ["deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "deputy"], name="liaison_participation_once_per_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.activity}"

    @property
    def attended(self) -> bool:
        return self.signed_in_at is not None


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    # Residents are in these pictures: kept privately, shown to staff by liaison.views.activity_photo.
    image = models.ImageField(_("照片"), upload_to="liaison/photos/%Y/%m/", storage=private_storage)
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ReceptionCategory(models.TextChoices):
    CONSTRUCTION = "construction", _("城乡建设")
    AGRICULTURE = "agriculture", _("农业农村")
    SOCIAL = "social", _("社会保障")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    TRANSPORT = "transport", _("交通出行")
    ENVIRONMENT = "environment", _("生态环境")
    DISPUTE = "dispute", _("矛盾纠纷")
    ECONOMY = "economy", _("经济发展")
    OTHER = "other", _("其他")


class Handling(models.TextChoices):
    ANSWERED = "answered", _("当场答复")
    FORWARDED = "forwarded", _("转交")
    SUGGESTION = "suggestion", _("形成代表建议")
    DECLINED = "declined", _("不予受理")


class ForwardLevel(models.TextChoices):
    VILLAGE = "village", _("村（社区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    UNIT = "unit", _("职能部门")


class DeclineReason(models.TextChoices):
    LITIGATION = "litigation", _("已进入诉讼、复议或仲裁程序")
    CLOSED_CASE = "closed_case", _("已依法终结的信访事项")
    NOT_OUR_POWER = "not_our_power", _("不属于人大职权范围")
    OTHER = "other", _("其他")


class ReceptionEntry(models.Model):
    """One visitor received at a station (接待登记). Stands on its own; an opinion may point at it later."""

    uid = models.UUIDField(_("登记编号"), default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(LiaisonStation, verbose_name=_("联络站"), on_delete=models.PROTECT,
                                related_name="receptions")
    date = models.DateField(_("接待日期"))
    deputies = models.ManyToManyField(Deputy, verbose_name=_("接待代表"), related_name="receptions")
    visitor_name = models.CharField(_("来访人姓名"), max_length=30)
    visitor_phone = models.CharField(_("来访人电话"), max_length=20, blank=True)
    matter = models.TextField(_("反映事项"), help_text=_("按来访人原话记录。"))
    category = models.CharField(_("类别"), max_length=15, choices=ReceptionCategory.choices,
                                default=ReceptionCategory.OTHER)
    handling = models.CharField(_("办理方式"), max_length=12, choices=Handling.choices)
    reply = models.TextField(_("答复或办理情况"), blank=True)
    forwarded_level = models.CharField(_("转交层级"), max_length=10, choices=ForwardLevel.choices, blank=True)
    forwarded_to = models.CharField(_("转交至"), max_length=60, blank=True)
    decline_reason = models.CharField(_("不予受理原因"), max_length=15, choices=DeclineReason.choices, blank=True)
    redirected_to = models.CharField(_("引导至"), max_length=100, blank=True,
                                     help_text=_("不予受理时，告知来访人应去的机关或渠道。"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接待登记")
        verbose_name_plural = _("接待登记")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(handling__in=Handling.values),
                                   name="liaison_receptionentry_handling_valid"),
            models.CheckConstraint(
                condition=~Q(handling="forwarded") | (~Q(forwarded_level="") & ~Q(forwarded_to="")),
                name="liaison_receptionentry_forwarded_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(handling="declined") | (~Q(decline_reason="") & ~Q(redirected_to="")),
                name="liaison_receptionentry_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.station}"


class DisputeStatus(models.TextChoices):
    FOUND = "found", _("排查")
    MEDIATING = "mediating", _("调解中")
    RESOLVED = "resolved", _("已化解")
    REFERRED = "referred", _("移交")


class Dispute(models.Model):
    """A line of a township's 矛盾纠纷台账."""

    region = models.ForeignKey(Region, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT,
                               related_name="disputes")
    activity_day = models.ForeignKey(ActivityDay, verbose_name=_("代表活动日"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="disputes")
    found_on = models.DateField(_("排查日期"))
    category = models.CharField(_("纠纷类型"), max_length=20, help_text=_("例如：邻里纠纷、土地承包、婚姻家庭"))
    parties = models.CharField(_("当事人"), max_length=120)
    summary = models.TextField(_("纠纷简要情况"))
    deputies = models.ManyToManyField(Deputy, verbose_name=_("参与代表"), blank=True, related_name="disputes")
    status = models.CharField(_("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.FOUND,
                              editable=False)
    result = models.TextField(_("化解情况"), blank=True)
    referred_to = models.CharField(_("移交单位"), max_length=60, blank=True)
    closed_on = models.DateField(_("化解或移交日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷台账")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DisputeStatus.values), name="liaison_dispute_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["found", "mediating"]) | Q(closed_on__isnull=False),
                name="liaison_dispute_closed_has_date",
            ),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("found_on")),
                                   name="liaison_dispute_closed_after_found"),
        ]

    def __str__(self) -> str:
        return f"{self.found_on:%Y-%m-%d} {self.category} {self.parties}"


class DisputeEvent(EventBase):
    statuses = DisputeStatus
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("纠纷处理记录")
        verbose_name_plural = _("纠纷处理记录")


class InvestmentStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")
    BUILDING = "building", _("在建")
    OPERATING = "operating", _("已投产")
    STOPPED = "stopped", _("已终止")


class InvestmentProject(models.Model):
    """招商引资: a project a deputy brought in."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("引荐代表"), on_delete=models.PROTECT,
                               related_name="investment_projects")
    name = models.CharField(_("项目名称"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("落地区划"), on_delete=models.PROTECT,
                               related_name="investment_projects")
    introduced_on = models.DateField(_("引进日期"))
    amount_wan = models.DecimalField(_("投资额（万元）"), max_digits=12, decimal_places=2)
    jobs = models.PositiveIntegerField(_("带动就业（人）"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=InvestmentStatus.choices,
                              default=InvestmentStatus.NEGOTIATING, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("招商引资项目")
        verbose_name_plural = _("招商引资项目")
        ordering = ["-introduced_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InvestmentStatus.values),
                                   name="liaison_investmentproject_status_valid"),
            models.CheckConstraint(condition=Q(amount_wan__gte=0), name="liaison_investmentproject_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class InvestmentEvent(EventBase):
    statuses = InvestmentStatus
    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("项目进展记录")
        verbose_name_plural = _("项目进展记录")


class Training(models.Model):
    """A training course (代表培训) and the deputies who attended it."""

    title = models.CharField(_("培训名称"), max_length=120)
    organizer = models.CharField(_("主办单位"), max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="trainings")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    attendees = models.ManyToManyField(Deputy, verbose_name=_("参训代表"), blank=True, related_name="trainings")

    class Meta:
        verbose_name = _("代表培训")
        verbose_name_plural = _("代表培训")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                   name="liaison_training_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title
