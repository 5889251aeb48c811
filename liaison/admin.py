"""Admin for the liaison app: staff keep stations, activity days, activities and ledgers here.
Status changes go through the service functions (actions), never through a status field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from deputies.models import ActivityGroup, Deputy
from deputies.services import image_reencode
from deputywork.admin_base import OfficeOnlyAdmin, StaffAdmin, StaffInlineMixin, StatusEventInline, private_file_link
from deputywork.models import Region
from deputywork.roles import (
    county_q,
    is_office,
    outside_scope,
    region_within_scope,
    scope_to_region,
    sees_every_row,
)
from liaison import selectors, services
from liaison.models import (
    Activity,
    ActivityDay,
    ActivityDayEvent,
    ActivityDayStatus,
    ActivityKind,
    ActivityPhoto,
    Dispute,
    DisputeEvent,
    DutyShift,
    InvestmentEvent,
    InvestmentProject,
    InvestmentStatus,
    LiaisonStation,
    Participation,
    ReceptionEntry,
    Training,
)
from liaison.resources import ActivityResource, StationResource


def scoped_choice(db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The choices of a region, station or activity-day picker, kept to what a township clerk
    may file under: their township and its villages, their stations, the days they can see.
    Office staff choose from everything."""
    user = request.user
    if sees_every_row(user) or "queryset" in kwargs:
        return kwargs
    model = db_field.related_model
    if model is Region:
        if is_office(user):
            return kwargs  # the search (autocomplete) over every region; saving checks the county
        # The rows region_q lets this clerk see, asked of the regions themselves.
        kwargs["queryset"] = Region.objects.filter(code__startswith=user.region.prefix if user.region_id else "-")
        kwargs["error_messages"] = {"invalid_choice": outside_scope(user)}
    elif model is LiaisonStation:
        kwargs["queryset"] = scope_to_region(LiaisonStation.objects.all(), user, "region")
    elif model is ActivityDay:
        kwargs["queryset"] = selectors.activity_days_visible_to(user=user)
    return kwargs


# Where the deputies and groups a record names live: a picker offers those of the user's county.
PICKED_IN = {Deputy: ("residence", "mandates__congress__region"), ActivityGroup: ("region",)}


def county_choice(db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The choices of a deputies or groups picker: the user's county's (`county_q`). Those a
    record already names stay on it (RegionScopedForm), whoever put them there."""
    model = db_field.related_model
    if sees_every_row(request.user) or "queryset" in kwargs or model not in PICKED_IN:
        return kwargs
    in_county = model.objects.filter(county_q(request.user, *PICKED_IN[model])).values("pk")
    kwargs["queryset"] = model.objects.filter(pk__in=in_county)
    return kwargs


class RegionScopedForm(forms.ModelForm):
    """A record's region is checked on save as the deputies admin does: a township clerk files
    records under their own township or its villages only. A many-to-many picker narrowed to the
    user's county keeps offering the rows the record already names, so that saving the page
    never drops them."""

    user: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField) and self.instance.pk and self.initial.get(name):
                chosen = [obj.pk for obj in self.initial[name]]
                field.queryset = field.queryset | field.queryset.model.objects.filter(pk__in=chosen)

    def clean_region(self) -> Any:
        region = self.cleaned_data.get("region")
        if self.user is not None and region is not None and not region_within_scope(self.user, region):
            raise ValidationError(outside_scope(self.user))
        return region


class ExportAdmin(ExportMixin):
    """The filtered admin list as xlsx or csv, all columns (the rows the user sees)."""

    formats = [XLSX, CSV]
    export_form_class = ExportForm


class ScopedAdmin(StaffAdmin):
    """StaffAdmin whose pickers and region field keep a township clerk inside their township."""

    form = RegionScopedForm

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        # The region search lists the whole country; a clerk picks from the short list of their own.
        fields = tuple(super().get_autocomplete_fields(request))
        return fields if is_office(request.user) else tuple(f for f in fields if f != "region")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_foreignkey(db_field, request, **scoped_choice(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_manytomany(db_field, request, **county_choice(db_field, request, kwargs))


@admin.register(LiaisonStation)
class LiaisonStationAdmin(ExportAdmin, ScopedAdmin):
    resource_classes = [StationResource]
    region_paths = ("region",)
    list_display = ("name", "kind", "region", "is_demonstration", "opening_schedule", "active")
    list_filter = ("kind", "is_demonstration", "active")
    search_fields = ("name", "address")
    autocomplete_fields = ("region",)
    filter_horizontal = ("deputies", "groups")
    actions = ["rotate_tokens"]

    @admin.action(description=_("更换公开地址（旧二维码失效）"))
    def rotate_tokens(self, request: HttpRequest, queryset: QuerySet) -> None:
        for station in queryset:
            services.station_rotate_token(station=station)
        self.message_user(request, _("已更换公开地址。"))


class StaffInline(StaffInlineMixin, admin.TabularInline):
    """A liaison inline: the page's permissions, and choices limited to the clerk's scope."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_foreignkey(db_field, request, **scoped_choice(db_field, request, kwargs))


class DutyShiftFormSet(forms.BaseInlineFormSet):
    """The whole roster is checked at once: one deputy cannot be in two places at a time."""

    def clean(self) -> None:
        super().clean()
        specs = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not all(data.get(k) for k in ("station", "deputy", "start", "end")):
                continue
            specs.append(services.ShiftSpec(data["station"], data["deputy"], data["start"], data["end"]))
        if self.instance.date:
            # The admin saves in the transaction this runs in: the locks hold until the roster is saved.
            services.roster_lock(activity_day=self.instance, shifts=specs)
            problems = services.roster_problems(activity_day=self.instance, shifts=specs)
            if problems:
                raise ValidationError(problems)


class DutyShiftInline(StaffInline):
    model = DutyShift
    formset = DutyShiftFormSet
    extra = 1
    autocomplete_fields = ("station",)
    fields = ("station", "deputy", "start", "end")


class ActivityDayEventInline(StatusEventInline):
    model = ActivityDayEvent


class ActivityDayForm(RegionScopedForm):
    def clean_date(self) -> Any:
        date = self.cleaned_data.get("date")
        # The instance still holds the saved date here: the form copies its data over it later.
        problem = date and services.activity_day_date_problem(activity_day=self.instance, date=date)
        if problem:
            raise ValidationError(problem)
        return date


def _transition_action(to: str, label: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        for day in queryset:
            try:
                services.activity_day_transition(activity_day=day, to=to, actor=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{day}：{'；'.join(exc.messages)}", messages.ERROR)
    action.__name__ = f"mark_{to}"
    return admin.action(description=label)(action)


@admin.register(ActivityDay)
class ActivityDayAdmin(ScopedAdmin):
    form = ActivityDayForm
    region_paths = ("region",)
    list_display = ("date", "region", "theme", "status", "published_at")
    list_filter = ("status", "date")
    search_fields = ("theme",)
    date_hierarchy = "date"
    autocomplete_fields = ("region",)
    readonly_fields = ("status", "published_at")
    inlines = [DutyShiftInline, ActivityDayEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Township staff also see the county's days (read-only, below).
        return selectors.activity_days_visible_to(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or region_within_scope(request.user, obj.region))
    actions = [_transition_action(ActivityDayStatus.PUBLISHED, _("公布值班安排")),
               _transition_action(ActivityDayStatus.HELD, _("标记为已举行")),
               _transition_action(ActivityDayStatus.CANCELLED, _("取消活动日"))]

    def save_model(self, request: HttpRequest, obj: ActivityDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            # The day moves in save_related, through the service (notice period, event row),
            # once the roster of this post is saved.
            obj.date = form.initial["date"]
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is DutyShift:
            for f in formset.forms:
                f.instance.date = form.cleaned_data["date"]
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and "date" in form.changed_data:
            # Moves the roster with the day and writes the event.
            services.activity_day_reschedule(activity_day=form.instance, date=form.cleaned_data["date"],
                                             actor=request.user)


@admin.register(ActivityKind)
class ActivityKindAdmin(OfficeOnlyAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name",)


class ParticipationInline(StaffInline):
    model = Participation
    extra = 1
    fields = ("deputy", "signed_in_at")
    # Attendance is recorded on the staff activity page and by the deputies signing in
    # (services.activity_set_attendance / activity_sign_in), which refuse days still to come.
    readonly_fields = ("signed_in_at",)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = ActivityPhoto
        fields = ("image", "caption")
        # Not the clearable input: its link to the stored file would point under /media/, which
        # does not serve private files; the row's picture links through the checked view.
        widgets = {"image": forms.FileInput}

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return image_reencode(upload=image, max_side=services.PHOTO_MAX_SIDE)
        return image


class ActivityPhotoInline(StaffInline):
    model = ActivityPhoto
    form = PhotoForm
    extra = 1
    fields = ("picture", "image", "caption")
    readonly_fields = ("picture",)

    @admin.display(description=_("照片"))
    def picture(self, photo: ActivityPhoto) -> SafeString | str:
        return private_file_link(reverse("liaison:activity_photo", args=[photo.pk]), image=True) if photo.pk else ""


@admin.register(Activity)
class ActivityAdmin(ExportAdmin, ScopedAdmin):
    resource_classes = [ActivityResource]
    region_paths = ("region",)
    list_display = ("date", "title", "kind", "region", "station", "residents_count", "reported_by_deputy")
    list_filter = ("kind", "reported_by_deputy")
    search_fields = ("title", "summary")
    date_hierarchy = "date"
    autocomplete_fields = ("region", "station", "activity_day")
    filter_horizontal = ("groups",)
    inlines = [ParticipationInline, ActivityPhotoInline]

    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReceptionForm(RegionScopedForm):
    class Meta:
        model = ReceptionEntry
        fields = ("station", "date", "deputies", "visitor_name", "visitor_phone", "matter", "category", "handling",
                  "reply", "forwarded_level", "forwarded_to", "decline_reason", "redirected_to")

    def clean(self) -> dict:
        data = super().clean()
        problems = services.reception_problems(
            handling=data.get("handling", ""), forwarded_level=data.get("forwarded_level", ""),
            forwarded_to=data.get("forwarded_to", ""), decline_reason=data.get("decline_reason", ""),
            redirected_to=data.get("redirected_to", ""), deputies=list(data.get("deputies") or []))
        if problems:
            raise ValidationError(problems)
        return data


@admin.register(ReceptionEntry)
class ReceptionEntryAdmin(ScopedAdmin):
    form = ReceptionForm
    region_paths = ("station__region",)
    list_display = ("date", "station", "category", "handling")
    list_filter = ("handling", "category")
    search_fields = ("matter",)
    date_hierarchy = "date"
    autocomplete_fields = ("station",)
    filter_horizontal = ("deputies",)
    readonly_fields = ("uid",)


class DisputeEventInline(StatusEventInline):
    model = DisputeEvent


@admin.register(Dispute)
class DisputeAdmin(ScopedAdmin):
    region_paths = ("region",)
    list_display = ("found_on", "region", "category", "parties", "status", "closed_on")
    list_filter = ("status",)
    search_fields = ("parties", "summary", "category")
    autocomplete_fields = ("region", "activity_day")
    filter_horizontal = ("deputies",)
    readonly_fields = ("status", "closed_on", "referred_to")
    inlines = [DisputeEventInline]


class InvestmentEventInline(StatusEventInline):
    model = InvestmentEvent


def _investment_action(to: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        for project in queryset:
            try:
                services.investment_transition(project=project, to=to, actor=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{project}：{'；'.join(exc.messages)}", messages.ERROR)
    action.__name__ = f"mark_{to}"
    return admin.action(description=f"标记为{InvestmentStatus(to).label}")(action)


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ScopedAdmin):
    region_paths = ("region",)
    list_display = ("name", "deputy", "region", "introduced_on", "amount_wan", "jobs", "status")
    list_filter = ("status",)
    search_fields = ("name", "deputy__name")
    autocomplete_fields = ("region",)
    readonly_fields = ("status",)
    inlines = [InvestmentEventInline]
    actions = [_investment_action(s) for s in InvestmentStatus.values if s != InvestmentStatus.NEGOTIATING]


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    region_paths = ("region",)
    list_display = ("title", "start_date", "end_date", "hours", "region")
    search_fields = ("title",)
    autocomplete_fields = ("region",)
    filter_horizontal = ("attendees",)
