from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from deputies import posters, roster, selectors, services
from deputies.models import ActivityGroup, Congress, Deputy, Mandate, MandateStatus, Membership
from deputies.resources import GroupResource, RosterResource
from deputywork.admin_base import OfficeOnlyAdmin, StaffAdmin, StaffInlineMixin
from deputywork.models import RegionLevel
from deputywork.roles import county_q, outside_scope, region_within_scope, scope_name, sees_every_row


class NotFoundOutsideScope:
    """An object outside the user's rows is a 404 (the admin's default is a redirect with a message)."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class TownshipFilter(admin.SimpleListFilter):
    title = _("乡镇（街道）")
    parameter_name = "township"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from deputywork.models import Region

        qs = Region.objects.filter(level=RegionLevel.TOWNSHIP)
        if not sees_every_row(request.user):
            qs = qs.filter(code__startswith=request.user.region.prefix if request.user.region_id else "-")
        return [(r.prefix, r.name) for r in qs.order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            path = "residence" if queryset.model is Deputy else "region"
            return queryset.filter(**{f"{path}__code__startswith": self.value()}).distinct()
        return queryset


class GroupFilter(admin.SimpleListFilter):
    """The activity groups of the user's county (Django's own filter lists every county's)."""

    title = _("代表活动小组")
    parameter_name = "group"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        groups = ActivityGroup.objects.filter(county_q(request.user, "region")).order_by("region__code", "name")
        return [(str(g.pk), g.name) for g in groups]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(memberships__group=int(self.value())).distinct()
        return queryset


class SeatStatusFilter(admin.SimpleListFilter):
    title = _("资格状态")
    parameter_name = "seat"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", _("有在任资格")), ("ended", _("资格均已终止"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        active = Mandate.objects.filter(status=MandateStatus.ACTIVE).values("deputy_id")
        if self.value() == "active":
            return queryset.filter(pk__in=active)
        if self.value() == "ended":
            return queryset.exclude(pk__in=active)
        return queryset


class ScopedRowForm(forms.ModelForm):
    """A row of a deputy's page that a township clerk may add or change only when it belongs to
    their township: a seat in their township's congress, a place in one of its groups. The
    county's and higher seats, and other townships' groups, stay as the office keeps them."""

    user: Any = None  # set by ScopedRowInline
    scope_field = ""  # the foreign key whose region decides: "congress" or "group"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.user is None or sees_every_row(self.user) or not self.has_changed():
            return data
        before = getattr(self.instance, self.scope_field) if self.instance.pk else None
        for related in (before, data.get(self.scope_field)):
            if related is not None and not region_within_scope(self.user, related.region):
                raise ValidationError(_("“%(name)s”不属于%(scope)s，由它所在地的人大常委会代表工委管理。")
                                      % {"name": related, "scope": scope_name(self.user)})
        return data


class ScopedRowInline(StaffInlineMixin, admin.TabularInline):
    """Rows checked by ScopedRowForm against the clerk's township. (The pickers still list every
    congress and group: a row the office keeps must stay valid when the clerk saves the page.)

    The rows fit a 1280-pixel screen: the picker has no edit, add or view links beside it (a
    congress or group is kept on its own page), and the short texts get short boxes."""

    class Media:
        css = {"all": ["deputies/admin-rows.css"]}

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(getattr(field, "widget", None), RelatedFieldWidgetWrapper):
            widget = field.widget
            widget.can_add_related = widget.can_change_related = widget.can_view_related = False
            widget.can_delete_related = False
        return field

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user  # a form class made for this request
        return formset


class MandateInlineForm(ScopedRowForm):
    """A seat edited in the admin: ending it is checked here and done by services.mandate_end
    (which also ends the group work of a deputy left with no seat); an ended seat stays as it is."""

    scope_field = "congress"

    class Meta:
        model = Mandate
        fields = ["congress", "electoral_district", "elected_on", "status", "ended_on", "end_reason", "end_note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        before = self.instance.status if self.instance.pk else None
        if before == MandateStatus.ENDED:
            if self.has_changed():
                raise ValidationError(_("已终止的代表资格不能修改；如重新当选，请新增一条代表资格。"))
            return data
        if data.get("status") == MandateStatus.ENDED:
            if not data.get("ended_on") or not data.get("end_reason"):
                raise ValidationError(_("终止代表资格，请填写终止日期和终止原因。"))
            if data.get("elected_on") and data["ended_on"] < data["elected_on"]:
                raise ValidationError(_("终止日期不能早于当选日期。"))
        elif data.get("ended_on") or data.get("end_reason"):
            raise ValidationError(_("在任的代表资格不填写终止日期和原因；终止时请把状态改为“终止”。"))
        return data


def save_mandates(formset: Any) -> None:
    """Save the seats of a deputy's page. Ending a seat in office goes through services.mandate_end;
    a new row, even one entered as already ended (a past term), is a record and saved as it is."""
    formset.save(commit=False)
    for obj in formset.new_objects:
        obj.save()
    for obj, changed in formset.changed_objects:
        if "status" in changed and obj.status == MandateStatus.ENDED:
            Mandate.objects.filter(pk=obj.pk).update(electoral_district=obj.electoral_district,
                                                     elected_on=obj.elected_on)
            services.mandate_end(mandate=obj, ended_on=obj.ended_on, reason=obj.end_reason, note=obj.end_note)
        else:
            obj.save()


class MandateInline(ScopedRowInline):
    model = Mandate
    form = MandateInlineForm
    extra = 0
    fields = ["congress", "electoral_district", "elected_on", "status", "ended_on", "end_reason", "end_note"]
    autocomplete_fields = ["congress"]
    can_delete = False


class MembershipForm(ScopedRowForm):
    scope_field = "group"

    class Meta:
        model = Membership
        fields = ["group", "role", "started_on", "ended_on"]


class MembershipInline(ScopedRowInline):
    model = Membership
    form = MembershipForm
    fk_name = "deputy"
    extra = 0
    fields = ["group", "role", "started_on", "ended_on"]
    autocomplete_fields = ["group"]
    can_delete = False


class GroupMembershipInline(StaffInlineMixin, admin.TabularInline):
    """The members of a group's page (the group itself is in the clerk's scope)."""

    model = Membership
    extra = 0
    can_delete = False
    fk_name = "group"
    fields = ["deputy", "role", "started_on", "ended_on"]
    autocomplete_fields = ["deputy"]


class ImageCleaningForm(forms.ModelForm):
    """Photos and QR images are checked and re-encoded before they are stored."""

    image_fields: dict[str, dict[str, Any]] = {}
    user: Any = None

    def clean(self) -> dict:
        data = super().clean()
        for name, options in self.image_fields.items():
            upload = data.get(name)
            if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
                try:
                    content = services.image_reencode(upload=upload, **options)
                except ValidationError as exc:
                    self.add_error(name, exc)
                else:
                    content.name = f"{uuid.uuid4().hex}.{content.name.rsplit('.', 1)[-1]}"
                    data[name] = content
        return data


class DeputyForm(ImageCleaningForm):
    image_fields = {"photo": {}}

    class Meta:
        model = Deputy
        fields = ["name", "gender", "ethnicity", "birth_date", "party", "education", "occupation", "employer_title",
                  "mobile", "email", "residence", "user", "photo", "introduction"]

    def clean_residence(self) -> Any:
        """Township staff may not move anyone to a village outside their township. A deputy who
        sits in their township's congress but lives elsewhere keeps that residence through any
        other change: only a new or changed residence is checked."""
        residence = self.cleaned_data.get("residence")
        user = self.user
        unchanged = self.instance.pk is not None and residence is not None \
            and residence.pk == self.instance.residence_id
        if user is not None and not sees_every_row(user) and residence is not None \
                and not unchanged and not region_within_scope(user, residence):
            raise ValidationError(_("居住地不在%(scope)s。") % {"scope": scope_name(user)})
        return residence


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名册文件"), help_text=_("Excel（.xlsx）或CSV，第一行为表头。"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("文件不能超过20 MB。"))
        return upload


_PENDING_RE = re.compile(r"^roster-imports/\d+/[0-9a-f]{32}\.(xlsx|csv)$")


@admin.register(Deputy)
class DeputyAdmin(NotFoundOutsideScope, ExportMixin, StaffAdmin):
    form = DeputyForm
    region_paths = selectors.DEPUTY_REGION_PATHS
    resource_classes = [RosterResource]
    formats = [XLSX, CSV]
    # The roster always has all its columns, so that an export can be imported again.
    export_form_class = ExportForm
    import_export_change_list_template = "admin/deputies/deputy/change_list.html"
    list_display = ["name", "gender", "party", "occupation", "employer_title", "mobile", "residence", "seats"]
    list_filter = ["mandates__congress__level", TownshipFilter, SeatStatusFilter, GroupFilter,
                   "occupation", "gender", "party", "education"]
    search_fields = ["name", "mobile"]
    list_select_related = ["residence"]
    autocomplete_fields = ["residence", "user"]
    readonly_fields = ["public_link", "created_at", "updated_at"]
    inlines = [MandateInline, MembershipInline]
    actions = ["download_posters", "rotate_tokens"]
    fieldsets = [
        (None, {"fields": ["name", "gender", "ethnicity", "birth_date", "party", "education", "occupation"]}),
        (_("工作与联系"), {"fields": ["employer_title", "mobile", "email", "residence", "user"]}),
        (_("公开信息"), {"fields": ["photo", "introduction", "public_link"]}),
        (_("记录"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related(selectors.active_mandates())

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description=_("在任资格"))
    def seats(self, obj: Deputy) -> str:
        return "、".join(f"{m.congress.region.name}{m.congress.get_level_display()}" for m in obj.active_mandates)

    @admin.display(description=_("公开页面"))
    def public_link(self, obj: Deputy) -> str:
        from django.utils.html import format_html

        if not obj.pk:
            return "-"
        url = posters.deputy_public_url(obj)
        rotate = reverse("deputies:rotate_token", args=["deputy", obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a><br>'
                           '<button type="submit" formaction="{}" formnovalidate>{}</button>',
                           url, url, reverse("deputies:deputy_poster", args=[obj.pk]), _("二维码海报"),
                           rotate, _("更换公开地址（旧二维码失效）"))

    def save_model(self, request: HttpRequest, obj: Deputy, form: Any, change: bool) -> None:
        services.deputy_save(deputy=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Mandate:
            save_mandates(formset)
        else:
            super().save_formset(request, form, formset, change)

    @admin.action(description=_("下载所选代表的二维码海报（PDF）"))
    def download_posters(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        response = HttpResponse(posters.batch_posters(deputies=queryset.order_by("name", "pk")),
                                content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="posters.pdf"'
        return response

    @admin.action(description=_("更换所选代表的公开地址（旧二维码失效）"))
    def rotate_tokens(self, request: HttpRequest, queryset: QuerySet) -> None:
        for deputy in queryset:
            services.token_rotate(obj=deputy)
        self.message_user(request, _("已更换%(n)d位代表的公开地址，请重新打印海报。") % {"n": len(queryset)})

    # --- roster import: upload → preview → confirm ------------------------------------------

    def get_urls(self) -> list:
        return [
            path("import-roster/", self.admin_site.admin_view(self.import_roster_view),
                 name="deputies_deputy_import_roster"),
            path("roster-template/", self.admin_site.admin_view(self.roster_template_view),
                 name="deputies_deputy_roster_template"),
            *super().get_urls(),
        ]

    def roster_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        response = HttpResponse(roster.template_xlsx(), content_type=XLSX().get_content_type())
        response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
        return response

    def import_roster_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise Http404
        storage = storages["private"]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("导入代表名册")}
        form = RosterUploadForm()
        if request.method == "POST" and "pending" in request.POST:
            pending = request.POST["pending"]
            if not _PENDING_RE.match(pending) or not pending.startswith(f"roster-imports/{request.user.pk}/") \
                    or not storage.exists(pending):
                messages.error(request, _("上传的文件已失效，请重新上传。"))
                return redirect("admin:deputies_deputy_import_roster")
            with storage.open(pending, "rb") as fh:
                data = fh.read()
            dataset = roster.read_dataset(data, pending)
            if "confirm" in request.POST:
                result = services.roster_import(dataset=dataset, user=request.user)
                if result.written:
                    storage.delete(pending)
                    messages.success(request, _("导入完成：新增代表%(new)d人，更新%(upd)d人，新增代表资格%(seats)d个，"
                                                "新增小组成员%(members)d人次。") % {
                        "new": result.new_deputies, "upd": result.updated_deputies, "seats": result.new_seats,
                        "members": result.new_memberships})
                    return redirect("admin:deputies_deputy_changelist")
            else:
                storage.delete(pending)
                return redirect("admin:deputies_deputy_import_roster")
            context.update(result=result, pending=pending)
        elif request.method == "POST":
            form = RosterUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    dataset = roster.read_dataset(data, upload.name)
                except roster.RosterFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    result = services.roster_preview(dataset=dataset, user=request.user)
                    pending = ""
                    if result.ok:
                        ext = "xlsx" if upload.name.lower().endswith((".xlsx", ".xlsm")) else "csv"
                        pending = storage.save(f"roster-imports/{request.user.pk}/{uuid.uuid4().hex}.{ext}",
                                               _BytesFile(data))
                    context.update(result=result, pending=pending)
        context["form"] = form
        return TemplateResponse(request, "admin/deputies/deputy/import_roster.html", context)


class _BytesFile:
    """The smallest file-like object Storage.save accepts, for bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        from django.core.files.base import ContentFile

        self._file = ContentFile(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def chunks(self, chunk_size: int | None = None) -> Any:
        return self._file.chunks(chunk_size)


class ActivityGroupForm(ImageCleaningForm):
    image_fields = {"wechat_qr": {"max_side": 800, "keep_png": True}}

    class Meta:
        model = ActivityGroup
        fields = ["name", "kind", "field", "region", "grid", "wechat_qr", "introduction", "active"]

    def clean_region(self) -> Any:
        region = self.cleaned_data.get("region")
        user = self.user
        if user is not None and not user.is_superuser and not region_within_scope(user, region):
            raise ValidationError(outside_scope(user))
        return region


@admin.register(ActivityGroup)
class ActivityGroupAdmin(NotFoundOutsideScope, ExportMixin, StaffAdmin):
    form = ActivityGroupForm
    region_paths = selectors.GROUP_REGION_PATHS
    resource_classes = [GroupResource]
    formats = [XLSX, CSV]
    export_form_class = ExportForm
    list_display = ["name", "kind", "field", "region", "active"]
    list_filter = ["kind", "field", "active", TownshipFilter]
    search_fields = ["name", "grid"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [GroupMembershipInline]
    readonly_fields = ["public_link"]
    actions = ["download_posters", "rotate_tokens"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description=_("公开页面"))
    def public_link(self, obj: ActivityGroup) -> str:
        from django.utils.html import format_html

        if not obj.pk:
            return "-"
        url = posters.group_public_url(obj)
        return format_html('<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a>', url, url,
                           reverse("deputies:group_poster", args=[obj.pk]), _("二维码海报"))

    @admin.action(description=_("下载所选小组的二维码海报（PDF）"))
    def download_posters(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        response = HttpResponse(posters.batch_posters(groups=queryset), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="group-posters.pdf"'
        return response

    @admin.action(description=_("更换所选小组的公开地址（旧二维码失效）"))
    def rotate_tokens(self, request: HttpRequest, queryset: QuerySet) -> None:
        for group in queryset:
            services.token_rotate(obj=group)
        self.message_user(request, _("已更换%(n)d个小组的公开地址，请重新打印海报。") % {"n": len(queryset)})


@admin.register(Congress)
class CongressAdmin(OfficeOnlyAdmin):
    list_display = ["__str__", "level", "region", "term", "start_date", "end_date"]
    list_filter = ["level"]
    search_fields = ["region__name", "term"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:  # reference data every staff member reads
        return admin.ModelAdmin.get_queryset(self, request).select_related("region")

    # Deputies are placed by their congress's region: a county's office changes only its own
    # county's congresses, and cannot move one into its county (nor out of it).
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or region_within_scope(request.user, obj.region))

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        def clean_region(self: forms.ModelForm) -> Any:
            region = self.cleaned_data.get("region")
            if region is not None and not region_within_scope(user, region):
                raise ValidationError(outside_scope(user))
            return region

        return type(form.__name__, (form,), {"clean_region": clean_region})
