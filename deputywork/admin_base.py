"""What every staff-facing ModelAdmin of our apps shares: role permissions and row scoping."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from import_export import resources

from deputywork.roles import is_office, is_staff_member, scope_to_region


class StaffAdmin(admin.ModelAdmin):
    """Office staff may do everything but delete; township staff the same within their region.

    `region_paths` names the Region foreign keys that place a row in a township (see
    `deputywork.roles.region_q`); a county's office sees the rows inside its county. Deleting
    is left to superusers: records end, they are not removed (DESIGN.md, data rules).
    """

    region_paths: tuple[str, ...] = ()
    township_can_add: bool = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser or (not self.region_paths and is_office(request.user)):
            # Lists shared by the whole deployment (categories, the calendar, congresses): every
            # office keeps them, whatever its county.
            return qs
        return scope_to_region(qs, request.user, *self.region_paths)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_staff_member(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        if request.user.is_superuser or is_office(request.user):
            return True
        return self.township_can_add and is_staff_member(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list:
        # A record being added has no history yet: its page shows (and posts) no event rows.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if not isinstance(i, ReadOnlyInline)]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """A record with a workflow status saves only what the page changed (and its update time):
        a move that committed while the page was being saved (a day published, a dispute
        resolved) keeps its status, dates and event, where a whole-row save would put back the
        values this request had read."""
        fields = obj._meta.concrete_fields
        if not change or not any(f.name == "status" for f in fields):
            super().save_model(request, obj, form, change)
            return
        names = {f.name for f in fields}
        changed = [name for name in form.changed_data if name in names]
        if changed:
            obj.save(update_fields=changed + [f.name for f in fields if getattr(f, "auto_now", False)])

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict | None = None) -> HttpResponse:
        """A service that refuses the save after the form was checked (someone else issued the
        bulletin or moved the article meanwhile) says why on the same page; the admin's own
        transaction has rolled the page's writes back."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class OfficeOnlyAdmin(StaffAdmin):
    """Reference data that only the county office keeps (township staff may read it)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or is_office(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser or is_office(request.user)


class StaffInlineMixin:
    """Inline rows follow the rules of the page they sit on (its StaffAdmin's roles and scope).

    Staff accounts carry roles, not Django's per-model permissions, so the default inline
    checks would hide seats, memberships, rosters and articles from every clerk but a
    superuser. A line of an inline is part of the page: whoever may change the page may add,
    change and remove its lines (an inline that keeps its lines sets can_delete = False).
    """

    def _page_admin(self) -> admin.ModelAdmin:
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_change_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Event rows are append-only: shown, never edited or deleted. Whoever sees the page sees
    them (staff carry roles, not Django's per-model permissions, which showed them to
    superusers only)."""

    extra = 0
    can_delete = False
    # Each row's columns say what it is: the row's own title above it (the model's text, such
    # as a stored file's name or a raw status) is hidden.
    classes = ["read-only-rows"]

    class Media:
        css = {"all": ["css/admin-read-only-rows.css"]}

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.get_model_admin(self.parent_model).has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusEventInline(ReadOnlyInline):
    """A record's history (an `EventBase` model): when, who, from which status to which, in Chinese."""

    fields = ("at", "actor", "from_label", "to_label", "note")
    readonly_fields = fields

    @admin.display(description=_("原状态"))
    def from_label(self, event: Any) -> str:
        return event.from_label

    @admin.display(description=_("新状态"))
    def to_label(self, event: Any) -> str:
        return event.to_label


class NamedResource(resources.Resource):
    """An import-export resource that the admin's export form lists by its Chinese name (Meta.name)."""

    @classmethod
    def get_display_name(cls) -> str:
        return cls._meta.name


def private_file_link(url: str, label: str = "", *, image: bool = False) -> SafeString:
    """A stored private file in the admin, through the view that checks who asks.

    The admin's own file links point under /media/, which does not serve private files.
    """
    if image:
        return format_html('<a href="{}" target="_blank"><img src="{}" alt="" style="max-height:120px"></a>',
                           url, url)
    return format_html('<a href="{}">{}</a>', url, label)
