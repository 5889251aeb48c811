"""Admin for suggestions: reference data the office edits, and read-mostly views of the items.
Status never changes here: the pages and services own the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from deputywork.admin_base import OfficeOnlyAdmin, ReadOnlyInline, StaffAdmin, private_file_link
from suggestions.models import (
    Assignment,
    Consultation,
    Reminder,
    Reply,
    ReplyClass,
    Suggestion,
    SuggestionEvent,
    SuggestionPolicy,
    Supervision,
)
from suggestions.selectors_suggestions import suggestion_scope_q


@admin.register(ReplyClass)
class ReplyClassAdmin(OfficeOnlyAdmin):
    list_display = ("code", "label", "follow_up", "solved")
    list_editable = ("label", "follow_up", "solved")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # A–D are fixed; only their labels change


@admin.register(SuggestionPolicy)
class SuggestionPolicyAdmin(OfficeOnlyAdmin):
    list_display = ("__str__", "default_months", "complex_months", "small_matter_days", "redo_months",
                    "return_window_days", "evaluation_days", "reminder_days")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not SuggestionPolicy.objects.exists()


class EventInline(ReadOnlyInline):
    model = SuggestionEvent
    fields = ("created_at", "actor", "action", "from_status", "to_status", "note")
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("unit", "role", "assigned_on", "deadline", "active", "ended_on")
    readonly_fields = fields


class ScopedBySuggestion:
    """Rows seen as their suggestion is (`suggestion_scope_q`: an item of no township is placed
    by its congress's region), reached through `suggestion_path`."""

    suggestion_path = "suggestion"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        if not self.suggestion_path:
            return qs.filter(suggestion_scope_q(request.user))
        seen = Suggestion.objects.filter(suggestion_scope_q(request.user)).values("pk")
        return qs.filter(**{f"{self.suggestion_path}__in": seen})


@admin.register(Suggestion)
class SuggestionAdmin(ScopedBySuggestion, StaffAdmin):
    suggestion_path = ""
    list_display = ("__str__", "lead_deputy", "category", "status", "key_supervision", "public")
    list_filter = ("status", "year", "period", "category", "key_supervision", "follow_up")
    search_fields = ("title", "lead_deputy__name")
    list_select_related = ("congress__region", "lead_deputy", "category")
    # Only the category is corrected here. The number (congress, year, period, seq) is given at
    # submission; the text and co-signers change in the draft only; the flags (重点督办, 公开,
    # 跟踪办理) through suggestion_flag and the rest through the workflow, each writing its event.
    readonly_fields = ("congress", "year", "period", "seq", "title", "content", "lead_deputy", "co_signers",
                       "source_opinions", "region", "status", "complex", "small_matter", "fast_track",
                       "decline_reason", "declined_as", "merged_into", "key_supervision", "key_leader", "public",
                       "follow_up", "evaluation_due", "evaluation_due_estimated", "entered_by", "submitted_at",
                       "registered_at", "closed_at")
    autocomplete_fields = ()
    inlines = (AssignmentInline, EventInline)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # staff enter suggestions for a deputy on the staff page, through the workflow


@admin.register(Reply)
class ReplyAdmin(ScopedBySuggestion, StaffAdmin):
    list_display = ("suggestion", "reply_class", "on_time", "created_at")
    fields = ("suggestion", "assignment", "text", "pdf_link", "reply_class", "on_time", "author")
    readonly_fields = fields

    @admin.display(description=_("盖章答复函（PDF）"))
    def pdf_link(self, reply: Reply) -> SafeString | str:
        if not reply.pdf:
            return "—"
        return private_file_link(reverse("suggestions:reply_pdf", args=[reply.pk]), _("下载"))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a unit's answer as sent: read here, never edited


@admin.register(Consultation)
class ConsultationAdmin(ScopedBySuggestion, StaffAdmin):
    suggestion_path = "assignment__suggestion"
    list_display = ("assignment", "date", "way")
    readonly_fields = ("assignment", "recorded_by")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Supervision)
class SupervisionAdmin(ScopedBySuggestion, StaffAdmin):
    list_display = ("suggestion", "kind", "date")
    list_filter = ("kind",)
    readonly_fields = ("suggestion", "actor")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ScopedBySuggestion, OfficeOnlyAdmin):
    list_display = ("key", "kind", "sent_on", "recipients")
    list_filter = ("kind", "sent_on")
    readonly_fields = ("key", "kind", "suggestion", "recipients", "sent_on")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record of what was sent
