"""Residents' opinions (群众意见): what a resident raised, to whom, and what became of it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deputies.models import ActivityGroup, Deputy, mobile_validator
from deputywork.models import Region
from deputywork.storage import private_storage
from suggestions.models.units import Category, HandlingUnit

# No 0/O, 1/I/L: the code is read out over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10  # 31**10 ≈ 8·10^14 codes: short to say, impossible to guess


def tracking_code_as_stored(code: str) -> str:
    """A tracking code as a resident types or reads it (spaces, lower case) as it is stored."""
    return "".join(code.split()).upper()


def new_tracking_code() -> str:
    # One draw from the system's randomness (one system call, not one per letter), written out
    # in the alphabet's digits: every code is equally likely.
    number = secrets.randbelow(len(TRACKING_ALPHABET) ** TRACKING_LENGTH)
    letters = []
    while len(letters) < TRACKING_LENGTH:
        number, digit = divmod(number, len(TRACKING_ALPHABET))
        letters.append(TRACKING_ALPHABET[digit])
    return "".join(letters)


class Channel(models.TextChoices):
    QR = "qr", _("扫码反映")
    RECEPTION = "reception", _("联络站接待")
    WECHAT = "wechat", _("微信群")
    VISIT = "visit", _("走访")
    MAILBOX = "mailbox", _("民生信箱")
    PHONE = "phone", _("电话")


class OpinionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    ANSWERED = "answered", _("已答复")
    FORWARDED = "forwarded", _("已转交办理")
    ADOPTED = "adopted", _("已形成代表建议")
    DECLINED = "declined", _("不予受理")
    CLOSED = "closed", _("已办结")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Opinion(models.Model):
    # Unique by a constraint of Meta: a unique field would also get a LIKE index no query uses.
    tracking_code = models.CharField(_("查询码"), max_length=TRACKING_LENGTH, default=new_tracking_code,
                                     editable=False)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices, default=Channel.QR)
    # To whom it was sent: a deputy, an activity group, or a liaison station (its stationed deputies).
    deputy = models.ForeignKey(Deputy, verbose_name=_("反映给代表"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="opinions")
    group = models.ForeignKey(ActivityGroup, verbose_name=_("反映给活动小组"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="opinions", db_index=False)
    station = models.ForeignKey("liaison.LiaisonStation", verbose_name=_("反映给联络站"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="opinions", db_index=False)
    # The reception register entry (接待登记) this opinion was made from, if any.
    reception = models.OneToOneField("liaison.ReceptionEntry", verbose_name=_("接待登记"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="opinion")
    # The township it concerns: what township staff scoping goes by.
    region = models.ForeignKey(Region, verbose_name=_("所属乡镇"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="opinions")
    place = models.ForeignKey(Region, verbose_name=_("地点（村、社区）"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_index=False)
    place_detail = models.CharField(_("具体位置"), max_length=100, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="opinions", db_index=False)
    content = models.TextField(_("反映内容"), validators=[MinLengthValidator(10), MaxLengthValidator(2000)])
    # Personal data: masked everywhere except to the staff who need it.
    resident_name = models.CharField(_("群众姓名"), max_length=30, blank=True)
    resident_phone = models.CharField(_("群众手机号码"), max_length=11, blank=True, validators=[mobile_validator])
    callback_ok = models.BooleanField(_("同意回访"), default=False)
    consent = models.BooleanField(_("同意使用个人信息"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代为录入"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    status = models.CharField(_("状态"), max_length=12, choices=OpinionStatus.choices,
                              default=OpinionStatus.SUBMITTED)
    public_reply = models.TextField(_("答复（群众可见）"), blank=True)
    decline_reason = models.CharField(_("不予受理理由"), max_length=300, blank=True)
    forwarded_to = models.ForeignKey(HandlingUnit, verbose_name=_("转交单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="forwarded_opinions", db_index=False)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    # True when the due date crossed a year whose holiday schedule is not published yet.
    due_estimated = models.BooleanField(_("期限按估算日历"), default=False)
    rating = models.CharField(_("群众评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_remark = models.CharField(_("群众补充意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # A digest of the text and sender, so a double tap within a minute is stored once.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        ordering = ["-submitted_at", "-pk"]
        # Every index is written on every submit. Keys that most opinions leave empty are indexed
        # only where set (a look-up by one, or the delete of what it points to, still finds them),
        # and text columns get plain indexes: Django's own for an indexed text column adds a LIKE
        # index, which no query here uses.
        indexes = [
            models.Index(fields=["fingerprint"], name="suggestions_opinion_fprint"),
            models.Index(fields=["status"], name="suggestions_opinion_status"),
            *(models.Index(fields=[key], condition=Q(**{f"{key}__isnull": False}), name=f"suggestions_op_{key}")
              for key in ("group", "station", "place", "category", "entered_by", "forwarded_to")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="suggestions_opinion_tracking_code_unique"),
            models.CheckConstraint(condition=Q(status__in=OpinionStatus.values),
                                   name="suggestions_opinion_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="suggestions_opinion_channel_valid"),
            models.CheckConstraint(condition=Q(rating="") | Q(rating__in=Rating.values),
                                   name="suggestions_opinion_rating_valid"),
            models.CheckConstraint(condition=Q(resident_phone="") | Q(resident_phone__regex=r"^1[3-9][0-9]{9}$"),
                                   name="suggestions_opinion_phone_plausible"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="suggestions_opinion_declined_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.content[:20]}"

    @property
    def placed_in(self) -> Region | None:
        """The region that decides which staff see the opinion: its township, or for one with
        none (its recipient lives at county level), the deputy's residence, else the group's or
        the station's region (as `selectors_opinions.opinion_scope_q`)."""
        if self.region_id:
            return self.region
        if self.deputy_id:
            return self.deputy.residence
        recipient = self.group or self.station
        return recipient.region if recipient is not None else None

    @property
    def recipients(self) -> list[str]:
        """To whom it was sent, one name each: the deputy, the group, the station (an opinion
        from a station's register may name both the deputy and the station)."""
        names = [gettext("%(name)s代表") % {"name": self.deputy.name}] if self.deputy_id else []
        return names + [r.name for r in (self.group, self.station) if r is not None]


def opinion_photo_path(instance: OpinionPhoto, filename: str) -> str:
    return f"opinions/{instance.opinion.submitted_at:%Y/%m}/{secrets.token_hex(8)}.jpg"


class OpinionPhoto(models.Model):
    """A photo a resident attached; re-encoded without location data, stored privately."""

    opinion = models.ForeignKey(Opinion, verbose_name=_("意见"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=opinion_photo_path, storage=private_storage)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return self.image.name


class EventKind(models.TextChoices):
    MOVE = "move", _("状态变更")
    RATING = "rating", _("群众评价")
    REASSIGN = "reassign", _("改派代表")
    NOTE = "note", _("备注")


class OpinionEvent(models.Model):
    """One move of an opinion (or a note on it). Append-only: never edited or deleted.

    Rows that are not status moves (a resident's rating, a reassignment) keep the status in
    both from_status and to_status and say what they are in `kind`.
    """

    opinion = models.ForeignKey(Opinion, verbose_name=_("意见"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices, default=EventKind.MOVE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    from_status = models.CharField(_("原状态"), max_length=12, choices=OpinionStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=OpinionStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "pk"]
        # A resident's submit has no actor: indexed only where there is one.
        indexes = [models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="suggestions_event_actor")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class OpinionNotice(models.Model):
    """A portal notification to one user about one opinion (unread until they open it)."""

    # Not indexed alone: the unique (user, opinion) and the (user, read_at) indexes lead with it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="opinion_notices", db_index=False)
    opinion = models.ForeignKey(Opinion, verbose_name=_("群众意见"), on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The email run (`manage.py send_notices`) sets these once it has dealt with the notice:
    # mailed to `emailed_to`, or nobody ("") when the user has no address or had read it.
    emailed_at = models.DateTimeField(_("邮件处理时间"), null=True, blank=True)
    emailed_to = models.EmailField(_("邮件发送至"), blank=True)

    class Meta:
        verbose_name = _("意见提醒")
        verbose_name_plural = _("意见提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "opinion"], name="suggestions_opinionnotice_one_per_user"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="suggestions_notice_unread"),
            # The email run's queue: only notices not yet dealt with are in it.
            models.Index(fields=["user"], condition=models.Q(emailed_at__isnull=True),
                         name="suggestions_notice_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.opinion_id}"
