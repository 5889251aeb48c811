"""Deputies' suggestions (代表建议) and everything that happens to them: assignment to handling
units, consultation, replies, evaluation, supervision, reminders and the event log."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deputies.models import Congress, Deputy, _chinese_number
from deputywork.models import Region
from deputywork.storage import private_storage
from suggestions.models.opinions import Opinion, Rating
from suggestions.models.units import Category, HandlingUnit


class SuggestionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REGISTERED = "registered", _("已立案")
    NOT_REGISTERED = "not_registered", _("不予立案")
    MERGED = "merged", _("已并案")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已测评")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = ("submitted", "registered", "assigned", "in_progress", "replied", "evaluated")


class Period(models.TextChoices):
    SESSION = "session", _("大会期间")
    RECESS = "recess", _("闭会期间")


PERIOD_CHAR = {"session": "会", "recess": "闭"}


class DeclineReason(models.TextChoices):
    REMIT = "remit", _("不属于本级国家机关职权范围")
    PERSONAL = "personal", _("涉及个人或家庭私事")
    COURT = "court", _("涉及诉讼、仲裁等法定程序中的案件")
    LETTER = "letter", _("转交他人来信")
    EMPTY = "empty", _("内容空泛、没有具体意见")


class DeclinedAs(models.TextChoices):
    REFERENCE = "reference", _("参阅件")
    LETTER = "letter", _("代表来信")


class Suggestion(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT,
                                 related_name="suggestions")
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("提出时间"), max_length=8, choices=Period.choices, default=Period.RECESS)
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False,
                                      help_text=_("提交时按人民代表大会、年度和提出时间自动编号。"))
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("内容"), max_length=8000)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT,
                                 related_name="suggestions")
    lead_deputy = models.ForeignKey(Deputy, verbose_name=_("领衔代表"), on_delete=models.PROTECT,
                                    related_name="led_suggestions")
    co_signers = models.ManyToManyField(Deputy, verbose_name=_("联名代表"), blank=True,
                                        related_name="cosigned_suggestions")
    source_opinions = models.ManyToManyField(Opinion, verbose_name=_("来源群众意见"), blank=True,
                                             related_name="suggestions")
    # The township the item concerns: township staff see it by this region.
    region = models.ForeignKey(Region, verbose_name=_("所属乡镇"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="suggestions")
    status = models.CharField(_("状态"), max_length=16, choices=SuggestionStatus.choices,
                              default=SuggestionStatus.DRAFT, db_index=True)
    complex = models.BooleanField(_("复杂事项"), default=False, help_text=_("办理期限为六个月。"))
    small_matter = models.BooleanField(_("小事快办"), default=False)
    fast_track = models.BooleanField(_("即提即办"), default=False)
    decline_reason = models.CharField(_("不予立案理由"), max_length=12, choices=DeclineReason.choices, blank=True)
    declined_as = models.CharField(_("转为"), max_length=12, choices=DeclinedAs.choices, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_items")
    key_supervision = models.BooleanField(_("重点督办"), default=False)
    key_leader = models.CharField(_("督办责任领导"), max_length=40, blank=True)
    public = models.BooleanField(_("公开办理结果"), default=False)
    follow_up = models.BooleanField(_("跟踪办理"), default=False, help_text=_("B、C类答复结转下一年度继续跟踪。"))
    evaluation_due = models.DateField(_("测评截止日期"), null=True, blank=True)
    evaluation_due_estimated = models.BooleanField(_("测评期限按估算日历"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代为录入"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        ordering = ["-year", "-seq", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "period", "seq"], condition=Q(seq__isnull=False),
                                    name="suggestions_suggestion_unique_number"),
            models.CheckConstraint(condition=Q(status__in=SuggestionStatus.values),
                                   name="suggestions_suggestion_status_valid"),
            models.CheckConstraint(condition=Q(period__in=Period.values), name="suggestions_suggestion_period_valid"),
            models.CheckConstraint(condition=~Q(status="not_registered") | ~Q(decline_reason=""),
                                   name="suggestions_suggestion_declined_has_reason"),
            models.CheckConstraint(condition=~Q(status="merged") | Q(merged_into__isnull=False),
                                   name="suggestions_suggestion_merged_has_target"),
            models.CheckConstraint(condition=Q(status="draft") | Q(seq__isnull=False),
                                   name="suggestions_suggestion_numbered_when_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def placed_in(self) -> Region | None:
        """The region that decides which staff see the item and which units it may go to: its
        township, or for one with none, its congress's region (as `suggestion_scope_q`)."""
        return self.region if self.region_id else self.congress.region

    @property
    def number(self) -> str:
        """襄城县十七届人大建〔2026〕闭字第12号 (a draft has none yet). The term is part of it: in
        an election year the outgoing and the new congress both number from 1 (the unique
        constraint is per congress), and without it their numbers would read the same."""
        if self.seq is None:
            return str(_("（未编号）"))
        term = _chinese_number(self.congress.term)
        return f"{self.congress.region.name}{term}届人大建〔{self.year}〕{PERIOD_CHAR[self.period]}字第{self.seq}号"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def attachment_path(instance: SuggestionAttachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"suggestions/{secrets.token_hex(8)}.{ext}"


class SuggestionAttachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE,
                                   related_name="attachments")
    file = models.FileField(_("附件"), upload_to=attachment_path, storage=private_storage)
    name = models.CharField(_("文件名"), max_length=120)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class SuggestionPolicy(models.Model):
    """The office's working rules, one row, editable in the admin."""

    default_months = models.PositiveSmallIntegerField(_("一般办理期限（月）"), default=3)
    complex_months = models.PositiveSmallIntegerField(_("复杂事项办理期限（月）"), default=6)
    small_matter_days = models.PositiveSmallIntegerField(_("小事快办期限（工作日）"), default=5)
    redo_months = models.PositiveSmallIntegerField(_("重新办理期限（月）"), default=1)
    return_window_days = models.PositiveSmallIntegerField(_("申请退回期限（工作日）"), default=7)
    evaluation_days = models.PositiveSmallIntegerField(_("测评期限（工作日）"), default=10)
    reminder_days = models.PositiveSmallIntegerField(_("到期前提醒（工作日）"), default=5)

    class Meta:
        verbose_name = _("办理规则")
        verbose_name_plural = _("办理规则")
        constraints = [
            models.CheckConstraint(condition=Q(default_months__gte=1) & Q(complex_months__gte=1)
                                   & Q(redo_months__gte=1) & Q(evaluation_days__gte=1),
                                   name="suggestions_suggestionpolicy_positive_periods"),
        ]

    def __str__(self) -> str:
        return str(_("办理规则"))

    @classmethod
    def current(cls) -> SuggestionPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class ReplyClass(models.Model):
    """A / B / C / D with labels the office may edit."""

    code = models.CharField(_("类别代码"), max_length=1, unique=True)
    label = models.CharField(_("名称"), max_length=40)
    follow_up = models.BooleanField(_("需要跟踪办理"), default=False, help_text=_("结转下一年度继续跟踪。"))
    solved = models.BooleanField(_("计为已解决"), default=False)

    class Meta:
        verbose_name = _("答复类别")
        verbose_name_plural = _("答复类别")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__in=["A", "B", "C", "D"]),
                                   name="suggestions_replyclass_code_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code}类 {self.label}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSISTING = "assisting", _("协办")


class Assignment(models.Model):
    """One unit's part in one suggestion. A transferred assignment ends (active False), it stays."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.PROTECT,
                                   related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="assignments")
    role = models.CharField(_("承办方式"), max_length=10, choices=AssignmentRole.choices)
    assigned_on = models.DateField(_("交办日期"))
    deadline = models.DateField(_("办理期限"))
    deadline_estimated = models.BooleanField(_("期限按估算日历"), default=False)
    active = models.BooleanField(_("有效"), default=True)
    ended_on = models.DateField(_("转办日期"), null=True, blank=True)
    view_text = models.TextField(_("协办意见"), blank=True, max_length=4000)
    view_sent_at = models.DateTimeField(_("协办意见提交时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion"], condition=Q(role="lead", active=True),
                                    name="suggestions_assignment_one_active_lead"),
            models.UniqueConstraint(fields=["suggestion", "unit"], condition=Q(active=True),
                                    name="suggestions_assignment_unit_once"),
            models.CheckConstraint(condition=Q(role__in=AssignmentRole.values),
                                   name="suggestions_assignment_role_valid"),
            models.CheckConstraint(condition=Q(deadline__gte=F("assigned_on")),
                                   name="suggestions_assignment_deadline_after_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"


class ReturnRequest(models.Model):
    """申请退回: a unit asks the office to take an item back; the office decides."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("承办"), on_delete=models.PROTECT,
                                   related_name="return_requests")
    reason = models.TextField(_("退回理由"), max_length=1000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    accepted = models.BooleanField(_("同意退回"), null=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退回申请")
        verbose_name_plural = _("退回申请")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(accepted__isnull=True),
                                    name="suggestions_returnrequest_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 申请退回"


class ConsultationWay(models.TextChoices):
    IN_PERSON = "in_person", _("当面")
    PHONE = "phone", _("电话")
    WRITTEN = "written", _("书面")


class Consultation(models.Model):
    """面商: the unit talks the item through with the deputy before replying."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("承办"), on_delete=models.PROTECT,
                                   related_name="consultations")
    date = models.DateField(_("面商日期"))
    way = models.CharField(_("方式"), max_length=10, choices=ConsultationWay.choices)
    notes = models.TextField(_("面商情况"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("面商记录")
        verbose_name_plural = _("面商记录")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(way__in=ConsultationWay.values),
                                   name="suggestions_consultation_way_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_way_display()}"


class ProgressNote(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name=_("承办"), on_delete=models.PROTECT,
                                   related_name="progress_notes")
    note = models.TextField(_("办理进展"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理进展")
        verbose_name_plural = _("办理进展")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.note[:30]


MAX_REPLY_PDF_BYTES = 10 * 1024 * 1024


def reply_pdf_path(instance: Reply, filename: str) -> str:
    return f"replies/{secrets.token_hex(8)}.pdf"


class Reply(models.Model):
    """The lead unit's answer (答复). A redo after 不满意 adds a new one; the last one counts."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.PROTECT, related_name="replies")
    assignment = models.ForeignKey(Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="replies")
    text = models.TextField(_("答复内容"), max_length=10000)
    pdf = models.FileField(_("盖章答复函（PDF）"), upload_to=reply_pdf_path, storage=private_storage)
    reply_class = models.ForeignKey(ReplyClass, verbose_name=_("答复类别"), on_delete=models.PROTECT,
                                    related_name="replies")
    on_time = models.BooleanField(_("按期答复"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion.number} {self.reply_class.code}类答复"


class Evaluation(models.Model):
    """满意度测评 by the lead deputy, on five points and overall."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.PROTECT,
                                   related_name="evaluations")
    reply = models.OneToOneField(Reply, verbose_name=_("答复"), on_delete=models.PROTECT, related_name="evaluation")
    deputy = models.ForeignKey(Deputy, verbose_name=_("测评代表"), on_delete=models.PROTECT, related_name="evaluations")
    leadership = models.CharField(_("领导重视"), max_length=12, choices=Rating.choices)
    attitude = models.CharField(_("办理态度"), max_length=12, choices=Rating.choices)
    communication = models.CharField(_("面商沟通"), max_length=12, choices=Rating.choices)
    quality = models.CharField(_("答复质量"), max_length=12, choices=Rating.choices)
    implementation = models.CharField(_("落实情况"), max_length=12, choices=Rating.choices)
    overall = models.CharField(_("总体评价"), max_length=12, choices=Rating.choices)
    reason = models.TextField(_("不满意理由"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("测评时间"), auto_now_add=True)

    POINTS = ("leadership", "attitude", "communication", "quality", "implementation")

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leadership__in=Rating.values) & Q(attitude__in=Rating.values)
                & Q(communication__in=Rating.values) & Q(quality__in=Rating.values)
                & Q(implementation__in=Rating.values) & Q(overall__in=Rating.values),
                name="suggestions_evaluation_ratings_valid"),
            models.CheckConstraint(condition=~Q(overall="unsatisfied") | ~Q(reason=""),
                                   name="suggestions_evaluation_unsatisfied_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.get_overall_display()}"

    @property
    def satisfied(self) -> bool:
        return self.overall in (Rating.SATISFIED, Rating.BASIC)


class SupervisionKind(models.TextChoices):
    WRITTEN = "written", _("书面交办")
    TRACKING = "tracking", _("跟踪督办")
    PHONE = "phone", _("电话抽访")
    VISIT = "visit", _("走访调查")
    ON_SITE = "on_site", _("现场督办")
    REVIEW = "review", _("回头看")


class Supervision(models.Model):
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.PROTECT,
                                   related_name="supervisions")
    kind = models.CharField(_("督办方式"), max_length=10, choices=SupervisionKind.choices)
    date = models.DateField(_("日期"))
    notes = models.TextField(_("督办情况"), max_length=2000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SupervisionKind.values),
                                   name="suggestions_supervision_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class SuggestionEvent(models.Model):
    """One move of a suggestion, or a recorded step on it. Append-only: never edited or deleted."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("原状态"), max_length=16, choices=SuggestionStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=SuggestionStatus.choices)
    action = models.CharField(_("事项"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Reminder(models.Model):
    """One reminder sent; the unique key makes `send_reminders` safe to run twice."""

    key = models.CharField(_("提醒标识"), max_length=80, unique=True)
    kind = models.CharField(_("类型"), max_length=20)
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE,
                                   related_name="reminders")
    recipients = models.TextField(_("收件人"), blank=True)
    sent_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
