"""Exports with django-import-export: the roster (one row per serving seat, the office's
headings) and the activity groups.

The export is the same sheet the import reads, so a clerk can export, correct and import
again. Imports do not go through `Resource.import_data` (see `deputies.roster` for why).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from import_export import fields

from deputies.models import ActivityGroup, Deputy, GroupRole, Mandate, Membership
from deputies.roster import HEADERS, OPTIONAL_HEADERS
from deputies.selectors import active_mandates, current_memberships
from deputywork.admin_base import NamedResource

LEVEL_SHORT = {"national": "全国", "province": "省", "city": "市", "county": "县", "township": "乡"}


class RosterResource(NamedResource):
    """Exports deputies (any filtered queryset of Deputy) as roster rows.

    A person with two seats gives two rows; a person with no serving seat one row with the
    seat columns empty. Queries: the deputies, their serving seats, their current groups.
    """

    姓名 = fields.Field(column_name="姓名", attribute="name", dehydrate_method="d_name")
    性别 = fields.Field(column_name="性别", dehydrate_method="d_gender")
    民族 = fields.Field(column_name="民族", dehydrate_method="d_ethnicity")
    出生年月 = fields.Field(column_name="出生年月", dehydrate_method="d_birth")
    政治面貌 = fields.Field(column_name="政治面貌", dehydrate_method="d_party")
    文化程度 = fields.Field(column_name="文化程度", dehydrate_method="d_education")
    代表层级 = fields.Field(column_name="代表层级", dehydrate_method="d_level")
    届次 = fields.Field(column_name="届次", dehydrate_method="d_term")
    选区 = fields.Field(column_name="选区", dehydrate_method="d_district")
    工作单位及职务 = fields.Field(column_name="工作单位及职务", dehydrate_method="d_employer")
    联系电话 = fields.Field(column_name="联系电话", dehydrate_method="d_mobile")
    居住地 = fields.Field(column_name="居住地", dehydrate_method="d_residence")
    所属活动小组 = fields.Field(column_name="所属活动小组", dehydrate_method="d_groups")
    职业构成 = fields.Field(column_name="职业构成", dehydrate_method="d_occupation")

    class Meta:
        export_order = HEADERS + OPTIONAL_HEADERS
        name = "代表名册"


    def get_queryset(self) -> QuerySet[Deputy]:
        return Deputy.objects.all()

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return (queryset.prefetch_related(None).select_related("residence__parent")
                .prefetch_related(active_mandates(), current_memberships()))

    def iter_queryset(self, queryset: QuerySet) -> Iterator[tuple[Deputy, Mandate | None]]:
        for deputy in queryset:
            seats = deputy.active_mandates or [None]
            for seat in seats:
                yield deputy, seat

    def d_name(self, row: tuple) -> str:
        return row[0].name

    def d_gender(self, row: tuple) -> str:
        return row[0].get_gender_display()

    def d_ethnicity(self, row: tuple) -> str:
        return row[0].ethnicity

    def d_birth(self, row: tuple) -> str:
        return f"{row[0].birth_date:%Y.%m}" if row[0].birth_date else ""

    def d_party(self, row: tuple) -> str:
        return row[0].get_party_display()

    def d_education(self, row: tuple) -> str:
        return row[0].get_education_display() if row[0].education else ""

    def d_level(self, row: tuple) -> str:
        return LEVEL_SHORT[row[1].congress.level] if row[1] else ""

    def d_term(self, row: tuple) -> str:
        return f"第{row[1].congress.term}届" if row[1] else ""

    def d_district(self, row: tuple) -> str:
        return row[1].electoral_district if row[1] else ""

    def d_employer(self, row: tuple) -> str:
        return row[0].employer_title

    def d_mobile(self, row: tuple) -> str:
        return row[0].mobile

    def d_residence(self, row: tuple) -> str:
        # 乡镇 + 村（社区）: what a clerk writes, and what the import reads back without ambiguity.
        residence = row[0].residence
        if residence is None:
            return ""
        return (residence.parent.name if residence.parent and residence.level == "village" else "") + residence.name

    def d_groups(self, row: tuple) -> str:
        parts = []
        for m in row[0].current_memberships:
            parts.append(m.group.name if m.role == GroupRole.MEMBER else f"{m.group.name}（{m.get_role_display()}）")
        return "、".join(parts)

    def d_occupation(self, row: tuple) -> str:
        return row[0].get_occupation_display()


class GroupResource(NamedResource):
    """Exports activity groups (any filtered queryset) with their current members by role.

    Queries: the groups with their regions, their current memberships with the deputies.
    """

    名称 = fields.Field(column_name="名称", dehydrate_method="d_name")
    类型 = fields.Field(column_name="类型", dehydrate_method="d_kind")
    专业领域 = fields.Field(column_name="专业领域", dehydrate_method="d_field")
    所在区划 = fields.Field(column_name="所在区划", dehydrate_method="d_region")
    联系网格 = fields.Field(column_name="联系网格", dehydrate_method="d_grid")
    组长 = fields.Field(column_name="组长", dehydrate_method="d_leader")
    副组长 = fields.Field(column_name="副组长", dehydrate_method="d_deputy_leader")
    联络员 = fields.Field(column_name="联络员", dehydrate_method="d_liaison")
    成员 = fields.Field(column_name="成员", dehydrate_method="d_member")
    人数 = fields.Field(column_name="人数", dehydrate_method="d_count")
    存续 = fields.Field(column_name="存续", dehydrate_method="d_active")

    class Meta:
        export_order = ["名称", "类型", "专业领域", "所在区划", "联系网格", "组长", "副组长", "联络员", "成员", "人数",
                        "存续"]
        name = "代表活动小组"


    def get_queryset(self) -> QuerySet[ActivityGroup]:
        return ActivityGroup.objects.all()

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        members = Membership.objects.filter(ended_on__isnull=True).select_related("deputy").order_by("deputy__name")
        return (queryset.prefetch_related(None).select_related("region")
                .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_memberships")))

    def _names(self, group: ActivityGroup, role: str) -> str:
        return "、".join(m.deputy.name for m in group.current_memberships if m.role == role)

    def d_name(self, group: ActivityGroup) -> str:
        return group.name

    def d_kind(self, group: ActivityGroup) -> str:
        return group.get_kind_display()

    def d_field(self, group: ActivityGroup) -> str:
        return group.field

    def d_region(self, group: ActivityGroup) -> str:
        return group.region.name

    def d_grid(self, group: ActivityGroup) -> str:
        return group.grid

    def d_leader(self, group: ActivityGroup) -> str:
        return self._names(group, GroupRole.LEADER)

    def d_deputy_leader(self, group: ActivityGroup) -> str:
        return self._names(group, GroupRole.DEPUTY_LEADER)

    def d_liaison(self, group: ActivityGroup) -> str:
        return self._names(group, GroupRole.LIAISON)

    def d_member(self, group: ActivityGroup) -> str:
        return self._names(group, GroupRole.MEMBER)

    def d_count(self, group: ActivityGroup) -> int:
        return len(group.current_memberships)

    def d_active(self, group: ActivityGroup) -> str:
        return "是" if group.active else "否"
