"""The bulletin 《代表工作》: issues (`Bulletin`) and their ordered articles (`Article`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deputywork.models import EventBase, Region
from deputywork.storage import private_storage

DEFAULT_SERIES = "代表工作"


# Older migrations name the storage by this module's attribute.
_private_storage = private_storage


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已印发")


class Bulletin(models.Model):
    """One issue of a bulletin series: 《代表工作》2024年第38期 (supplements 增刊 are numbered apart)."""

    series = models.CharField(_("刊名"), max_length=30, default=DEFAULT_SERIES)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"), help_text=_("第N期；增刊单独编号。"))
    is_supplement = models.BooleanField(_("增刊"), default=False)
    running_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True,
                                                 help_text=_("可选，印为“总第N期”。"))
    organ = models.CharField(_("编发机关"), max_length=60, default="襄城县人大常委会代表工作委员会")
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="bulletins",
                               help_text=_("编发机关所在区划；乡镇工作人员只看到本乡镇的简报。"))
    issue_date = models.DateField(_("日期"))
    special_column = models.CharField(_("专栏"), max_length=120, blank=True,
                                      help_text=_("可选，例如：“为人民履职、为中原添彩·人大代表在行动”主题活动专辑（三十一）"))
    send_to = models.TextField(_("送"), blank=True,
                               help_text=_("“送：”之后的文字，例如：市人大常委会代表工委，县委、县政府领导。"))
    distribute_to = models.TextField(_("发"), blank=True, help_text=_("“发：”之后的文字，例如：各乡镇人大主席团。"))
    issuer = models.CharField(_("印发机关"), max_length=60, default="襄城县人大常委会代表工作委员会办公室")
    issued_on = models.DateField(_("印发日期"))
    copies = models.PositiveIntegerField(_("印数（份）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("印发人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False)
    # A published issue's PDF is kept and served as it is until the issue's content changes.
    pdf_file = models.FileField(_("PDF"), storage=private_storage, upload_to="bulletins/pdf/",
                                blank=True, editable=False)
    pdf_hash = models.CharField(_("PDF内容指纹"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("简报")
        verbose_name_plural = _("简报")
        ordering = ["-year", "-is_supplement", "-number"]
        constraints = [
            # Numbered per issuing region: 襄城县 and 沈丘县 (or a township) each have their 第1期.
            models.UniqueConstraint(fields=["series", "year", "is_supplement", "number", "region"],
                                    condition=Q(region__isnull=False), name="bulletins_bulletin_unique_issue",
                                    violation_error_message=_("同一刊名、同一年份的这一期号已经存在。")),
            models.UniqueConstraint(fields=["series", "year", "is_supplement", "number"],
                                    condition=Q(region__isnull=True), name="bulletins_bulletin_unique_issue_noregion",
                                    violation_error_message=_("同一刊名、同一年份的这一期号已经存在。")),
            models.CheckConstraint(condition=Q(status__in=BulletinStatus.values),
                                   name="bulletins_bulletin_status_valid"),
            models.CheckConstraint(condition=Q(number__gte=1), name="bulletins_bulletin_number_positive"),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2200),
                                   name="bulletins_bulletin_year_range"),
            models.CheckConstraint(
                condition=Q(status=BulletinStatus.DRAFT) | Q(published_at__isnull=False),
                name="bulletins_bulletin_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"《{self.series}》{self.year}年{self.issue_label}"

    @property
    def issue_label(self) -> str:
        return f"增刊第{self.number}期" if self.is_supplement else f"第{self.number}期"

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED

    def file_stem(self) -> str:
        kind = "zk" if self.is_supplement else ""
        return f"{self.series}-{self.year}-{kind}{self.number:02d}"


class BulletinEvent(EventBase):
    """印发 and 撤回: who issued or withdrew the issue, and when (the issue keeps the last 印发 only)."""

    statuses = BulletinStatus
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("简报记录")
        verbose_name_plural = _("简报记录")


class Article(models.Model):
    """An article of an issue. Its body is paragraphs, one per line, as staff paste them from Word.

    Lines ``［图N］`` and ``［表N］`` place the article's Nth image or table; a line ``［统计］``
    places the statistics block (figures for `stats_start`–`stats_end` in `stats_region`).
    """

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("每段一行。“一、”“（一）”“1.”开头的段落识别为各级标题；"
                                                "“［图1］”“［表1］”“［统计］”单独成行，放置图片、表格和统计数字。"))
    contributor = models.CharField(_("供稿"), max_length=80, blank=True,
                                   help_text=_("例如：许昌市人大常委会代表工委供稿（印为右对齐并加括号）"))
    in_contents = models.BooleanField(_("列入本期要目"), default=True)
    stats_start = models.DateField(_("统计起始日"), null=True, blank=True)
    stats_end = models.DateField(_("统计截止日"), null=True, blank=True)
    stats_region = models.ForeignKey(Region, verbose_name=_("统计区划"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("留空表示简报的所属区划（简报也没有所属区划时为全部区划）。"))
    stats_lead = models.CharField(_("统计句开头"), max_length=120, blank=True,
                                  help_text=_("例如：今年以来，全县各级人大代表"))
    # Figures as they stood when the issue was published: [{key, label, value, phrase}, …].
    stats_frozen = models.JSONField(_("印发时的统计数字"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["bulletin", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stats_start__isnull=True) | Q(stats_end__isnull=True)
                | Q(stats_end__gte=models.F("stats_start")),
                name="bulletins_article_stats_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(stats_start__isnull=True, stats_end__isnull=True)
                | Q(stats_start__isnull=False, stats_end__isnull=False),
                name="bulletins_article_stats_period_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_stats(self) -> bool:
        return self.stats_start is not None and self.stats_end is not None


class ArticleImage(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(_("序号"), help_text=_("正文中“［图N］”的N。"))
    image = models.ImageField(_("图片"), upload_to="bulletins/images/%Y/")
    caption = models.CharField(_("图注"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="bulletins_articleimage_unique_position"),
        ]

    def __str__(self) -> str:
        return f"图{self.position}"


class ArticleTable(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="tables")
    position = models.PositiveSmallIntegerField(_("序号"), help_text=_("正文中“［表N］”的N。"))
    rows = models.JSONField(_("单元格"), default=list, help_text=_("行的列表，每行是单元格文字的列表；第一行为表头。"))

    class Meta:
        verbose_name = _("表格")
        verbose_name_plural = _("表格")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="bulletins_articletable_unique_position"),
        ]

    def __str__(self) -> str:
        return f"表{self.position}"
