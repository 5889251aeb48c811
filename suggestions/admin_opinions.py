"""Admin for residents' opinions: read and correct details; status moves only through the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from deputywork.admin_base import OfficeOnlyAdmin, ReadOnlyInline, StaffAdmin, private_file_link
from deputywork.models import Region, Role, User
from deputywork.roles import county_q, outside_scope, sees_every_row
from liaison.privacy import mask_phone
from suggestions.models import Category, HandlingUnit, Opinion, OpinionEvent, OpinionPhoto
from suggestions.selectors_opinions import opinion_scope_q


class OpinionEventInline(ReadOnlyInline):
    model = OpinionEvent
    fields = ("created_at", "kind", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


class OpinionPhotoInline(ReadOnlyInline):
    model = OpinionPhoto
    fields = ("picture",)
    readonly_fields = fields

    @admin.display(description=_("照片"))
    def picture(self, photo: OpinionPhoto) -> SafeString:
        return private_file_link(reverse("suggestions:opinion_photo", args=[photo.pk]), image=True)


@admin.register(Opinion)
class OpinionAdmin(StaffAdmin):
    township_can_add = False
    list_display = ("tracking_code", "submitted_at", "channel", "deputy", "group", "station", "region", "category",
                    "status",
                    "masked_phone", "due_date")
    list_filter = ("status", "channel", "category")
    search_fields = ("tracking_code", "content")
    list_select_related = ("deputy", "group", "station", "region", "category")
    date_hierarchy = "submitted_at"
    inlines = [OpinionPhotoInline, OpinionEventInline]
    # Staff correct the category, the place's details and how to reach the resident. The rest is
    # the resident's own (their words, call-back and consent: the call-back unmasks the phone for
    # deputies) or the workflow's: status and its companions change through suggestions.workflow,
    # the recipient through opinion_reassign (which writes the event and moves the notices), the
    # township with the recipient.
    editable = ("category", "place_detail", "resident_name", "resident_phone")
    fields = ("tracking_code", "channel", "deputy", "group", "station", "reception", "region", "place", "place_detail",
              "category",
              "content", "resident_name", "resident_phone", "callback_ok", "consent", "entered_by", "status",
              "public_reply", "decline_reason", "forwarded_to", "due_date", "rating", "rating_remark", "rated_at",
              "submitted_at", "closed_at")
    readonly_fields = tuple(set(fields).difference(editable))
    autocomplete_fields = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # As the staff pages: an opinion of no township is placed by its recipient.
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(opinion_scope_q(request.user))

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj: Opinion) -> str:
        return mask_phone(obj.resident_phone)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Opinions are entered through the staff page, which runs the duplicate check and notices.
        return False


# The lists both halves of the app use: categories, and the units that handle small matters
# (小事快办) and suggestions.
@admin.register(Category)
class CategoryAdmin(OfficeOnlyAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")


@admin.register(HandlingUnit)
class HandlingUnitAdmin(OfficeOnlyAdmin):
    region_paths = ("region",)  # a county's office keeps its county's units
    list_display = ("name", "kind", "region", "contact", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    filter_horizontal = ("users",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "users":
            # Unit logins carry no region: a county's office is offered those of no unit yet and
            # those of its county's units, never another county's. The unit's own logins are
            # always offered, so that saving the page keeps them.
            offered = Q(role=Role.UNIT)
            if not sees_every_row(request.user):
                offered &= Q(handling_units__isnull=True) | county_q(request.user, "handling_units__region")
            unit_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            if unit_id and str(unit_id).isdigit():
                offered |= Q(handling_units=int(unit_id))
            kwargs["queryset"] = User.objects.filter(offered).distinct().order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region" and not sees_every_row(request.user):
            kwargs["queryset"] = Region.objects.filter(county_q(request.user, ""))
            kwargs["error_messages"] = {"invalid_choice": outside_scope(request.user)}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
