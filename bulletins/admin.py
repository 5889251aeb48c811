"""The bulletin in the admin: issues with their ordered articles, PDF download, Word import."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bulletins import selectors, services
from bulletins.models import Article, ArticleImage, ArticleTable, Bulletin, BulletinEvent
from deputywork.admin_base import StaffAdmin, StaffInlineMixin, StatusEventInline
from deputywork.fonts import CJKFontMissing
from deputywork.models import RegionLevel
from deputywork.roles import region_within_scope, sees_every_row


class BulletinInlineMixin(StaffInlineMixin):
    """The page's permissions; the articles, images and tables of a published issue stay as
    issued (withdraw it to a draft to change them). `obj` is the issue, or the article whose
    images and tables these are."""

    @staticmethod
    def _published(obj: Any) -> bool:
        return bool(getattr(getattr(obj, "bulletin", obj), "is_published", False))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not self._published(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._published(obj)


class ArticleForm(forms.ModelForm):
    """The article's rules (services.article_validate) checked as the form is cleaned: a body
    over the length limit is an error on the field, and the admin saves nothing."""

    class Meta:
        model = Article
        # The admin passes its own field lists; these are what the article admin shows.
        fields = ["bulletin", "position", "title", "body", "contributor", "in_contents", "stats_start", "stats_end",
                  "stats_region", "stats_lead"]

    user: Any = None  # set by ArticleAdmin: a clerk files articles only into their own drafts

    def clean(self) -> dict:
        data = super().clean()
        bulletin = data.get("bulletin")
        if self.user is not None and bulletin is not None and "bulletin" in self.fields:
            if not region_within_scope(self.user, bulletin.region):
                self.add_error("bulletin", _("只能把文章放进本单位的简报。"))
            elif bulletin.is_published or (self.instance.pk and self.instance.bulletin.is_published):
                # Neither into an issued bulletin nor out of one (the instance holds the old value).
                self.add_error("bulletin", services.PUBLISHED_ARTICLES)
        if not self._errors:  # a field already in error would be checked with its old value
            # A copy: the form's own instance is filled in later, by ModelForm._post_clean.
            article = construct_instance(self, copy.copy(self.instance))
            try:
                services.article_validate(article=article)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class ArticleInline(BulletinInlineMixin, admin.StackedInline):
    model = Article
    form = ArticleForm
    extra = 0
    ordering = ["position", "id"]
    fields = [("position", "in_contents"), "title", "body", "contributor",
              ("stats_start", "stats_end", "stats_region"), "stats_lead"]
    autocomplete_fields = ["stats_region"]
    show_change_link = True


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Word文档（.docx）"), required=False)
    pasted = forms.CharField(label=_("或粘贴文字"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                             help_text=_("第一行作标题，其余每段一行；最后一行以“供稿”结尾时作为供稿单位。"))

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if not upload.name.lower().endswith(".docx"):
                raise forms.ValidationError(_("只能导入 .docx 文档；.doc 文档请先在Word或WPS中另存为 .docx。"))
            if upload.size > 20 * 1024 * 1024:
                raise forms.ValidationError(_("文档不能超过20 MB。"))
        elif not (data.get("pasted") or "").strip():
            raise forms.ValidationError(_("请选择Word文档或粘贴文字。"))
        return data


class BulletinEventInline(StatusEventInline):
    model = BulletinEvent


@admin.register(Bulletin)
class BulletinAdmin(StaffAdmin):
    region_paths = ("region",)
    list_display = ["__str__", "issue_date", "organ", "status", "links"]
    list_filter = ["status", "year", "series"]
    search_fields = ["series", "organ", "special_column", "articles__title"]
    inlines = [ArticleInline, BulletinEventInline]
    actions = ["publish", "unpublish"]
    autocomplete_fields = ["region"]
    readonly_fields = ["status", "published_at", "published_by"]
    fieldsets = [
        (None, {"fields": [("series", "year", "number", "is_supplement", "running_number"),
                           ("organ", "region", "issue_date"), "special_column"]}),
        (_("版记"), {"fields": ["send_to", "distribute_to", ("issuer", "issued_on", "copies")]}),
        (_("状态"), {"fields": [("status", "published_at", "published_by")]}),
    ]

    @admin.display(description=_("输出"))
    def links(self, obj: Bulletin) -> str:
        return format_html('<a href="{}">{}</a> · <a href="{}">PDF</a> · <a href="{}">Word</a> · <a href="{}">{}</a>',
                           reverse("bulletins:preview", args=[obj.pk]), _("预览"),
                           reverse("bulletins:pdf", args=[obj.pk]), reverse("bulletins:docx", args=[obj.pk]),
                           reverse("admin:bulletins_bulletin_import", args=[obj.pk]), _("导入文章"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        today = services.today()
        initial.setdefault("year", today.year)
        initial.setdefault("issue_date", today)
        initial.setdefault("issued_on", today)
        region = request.user.region if getattr(request.user, "region_id", None) else None
        initial.setdefault("number", services.next_issue_number(series="代表工作", year=today.year, region=region))
        if region is not None:
            initial.setdefault("region", region.pk)
            if region.level == RegionLevel.COUNTY:  # the issuing office is the county's own
                initial.setdefault("organ", f"{region.name}人大常委会代表工作委员会")
                initial.setdefault("issuer", f"{region.name}人大常委会代表工作委员会办公室")
        return initial

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        user = request.user
        if sees_every_row(user) or "region" not in form.base_fields:
            return form

        def clean_region(self: Any) -> Any:
            # An issue left without a region is the user's own (as save_model files it), so
            # that its number is checked against the issues of that region before saving.
            return self.cleaned_data.get("region") or user.region

        return type(form.__name__, (form,), {"clean_region": clean_region})

    def save_model(self, request: HttpRequest, obj: Bulletin, form: Any, change: bool) -> None:
        # Township staff edit their own township's issues only: the issue stays in their region.
        if not sees_every_row(request.user):
            if obj.region is None:
                obj.region = request.user.region
            if not region_within_scope(request.user, obj.region):
                raise PermissionDenied
        services.bulletin_save(bulletin=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Article:
            return super().save_formset(request, form, formset, change)
        for article in formset.save(commit=False):
            services.article_save(article=article)
        for article in formset.deleted_objects:
            article.delete()

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_view)
        return [path("<int:pk>/import/", view, name="bulletins_bulletin_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        bulletin = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, bulletin):
            return redirect("admin:bulletins_bulletin_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data.get("file"):
                    article = services.article_import_docx(bulletin=bulletin, file=form.cleaned_data["file"])
                else:
                    article = services.article_import_text(bulletin=bulletin, pasted=form.cleaned_data["pasted"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, _("已导入文章“%s”。") % article.title, messages.SUCCESS)
                return redirect("admin:bulletins_bulletin_change", bulletin.pk)
        context = {**self.admin_site.each_context(request), "title": _("导入文章到 %s") % bulletin, "form": form,
                   "bulletin": bulletin, "opts": self.model._meta}
        return TemplateResponse(request, "admin/bulletins/bulletin/import.html", context)

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, obj: Bulletin | None = None,
                           **kwargs: Any) -> HttpResponse:
        context["bulletin_links"] = self.links(obj) if obj is not None and obj.pk else ""
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.action(description=_("印发所选简报（冻结统计数字并生成PDF）"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for bulletin in queryset:
            try:
                services.bulletin_publish(bulletin=bulletin, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{bulletin}：{'；'.join(exc.messages)}", messages.ERROR)
            except CJKFontMissing as exc:  # the same for every issue: say it once and stop
                self.message_user(request, _("所选简报未印发：%s") % exc, messages.ERROR)
                return
            else:
                self.message_user(request, _("%s 已印发。") % bulletin, messages.SUCCESS)

    @admin.action(description=_("撤回为草稿（以便修改）"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for bulletin in queryset:
            try:
                services.bulletin_unpublish(bulletin=bulletin, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{bulletin}：{'；'.join(exc.messages)}", messages.WARNING)
            else:
                self.message_user(request, _("%s 已撤回为草稿。") % bulletin, messages.SUCCESS)


class ImageInline(BulletinInlineMixin, admin.TabularInline):
    model = ArticleImage
    extra = 0


class TableInline(BulletinInlineMixin, admin.TabularInline):
    model = ArticleTable
    extra = 0


@admin.register(Article)
class ArticleAdmin(StaffAdmin):
    region_paths = ("bulletin__region",)
    list_display = ["title", "bulletin", "position", "contributor"]
    list_select_related = ["bulletin"]
    search_fields = ["title", "body"]
    form = ArticleForm
    inlines = [ImageInline, TableInline]
    autocomplete_fields = ["bulletin", "stats_region"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(
            bulletin__in=selectors.bulletins_visible_to(user=request.user).values("pk"))

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        services.article_save(article=obj)
