from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from deputywork import services, workdays
from deputywork.admin_base import OfficeOnlyAdmin
from deputywork.auth import AdminLoginForm
from deputywork.models import CalendarDay, CalendarYear, Region, User
from deputywork.roles import sees_every_row

admin.site.site_header = _("代表工作平台")
admin.site.site_title = _("代表工作平台")
admin.site.index_title = _("工作台")
admin.site.login_form = AdminLoginForm


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("CSV文件"), required=False,
                           help_text=_("三列：区划代码、名称、上级区划代码；可带表头。"))
    text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError(_("文件不能超过5 MB。"))
            try:
                data["text"] = services.decode_upload(upload.read())
            except services.ImportRejected as exc:
                raise forms.ValidationError(exc.errors) from exc
        if not data.get("text"):
            raise forms.ValidationError(_("请选择要导入的CSV文件。"))
        return data


@admin.register(Region)
class RegionAdmin(OfficeOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    change_list_template = "admin/deputywork/region/change_list.html"

    def get_queryset(self, request: HttpRequest):  # regions are reference data everyone reads
        return admin.ModelAdmin.get_queryset(self, request)

    # Every row is placed in a county by its region's code: a county's office that could recode a
    # township would take another county's rows into its own. Regions (and their import) are
    # changed by those who see every row.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_every_row(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return sees_every_row(request.user)

    def get_urls(self) -> list:
        return [path("import/", self.admin_site.admin_view(self.import_view), name="deputywork_region_import"),
                *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return redirect("admin:deputywork_region_changelist")
        preview = None
        form = RegionImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            if "confirm" in request.POST:
                try:
                    result = services.regions_import(text=text)
                except services.ImportRejected as exc:
                    preview = services.regions_preview(text=text)
                    preview.errors = exc.errors
                else:
                    messages.success(request, _("导入完成：新增%(new)d个，更新%(upd)d个。")
                                     % {"new": result.new_count, "upd": result.update_count})
                    return redirect("admin:deputywork_region_changelist")
            else:
                preview = services.regions_preview(text=text)
            form = RegionImportForm(initial={"text": text})
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "preview": preview, "title": _("导入行政区划")}
        return TemplateResponse(request, "admin/deputywork/region/import.html", context)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "region", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("角色与范围"), {"fields": ["role", "region", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("角色与范围"), {"fields": ["role", "region", "last_name", "first_name"]}),
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(OfficeOnlyAdmin):
    list_display = ["date", "kind", "name", "seeded"]
    list_filter = ["kind", "seeded"]
    date_hierarchy = "date"
    search_fields = ["name"]
    actions = ["reseed"]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form, change: bool) -> None:
        obj.seeded = False  # a staff correction is never overwritten by a later reseed
        super().save_model(request, obj, form, change)

    @admin.action(description=_("按国务院节假日安排重新载入（保留人工修改）"))
    def reseed(self, request: HttpRequest, queryset) -> None:
        count = workdays.seed_from_chinesecalendar()
        self.message_user(request, _("已载入%(n)d天。") % {"n": count})


@admin.register(CalendarYear)
class CalendarYearAdmin(OfficeOnlyAdmin):
    list_display = ["year", "note"]
