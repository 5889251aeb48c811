"""Exports of the liaison admin lists (django-import-export), with the office's Chinese headings.

Export only: stations and activities are kept in the admin, never imported from a sheet.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from import_export import fields

from deputywork.admin_base import NamedResource
from liaison.models import Activity, LiaisonStation
from liaison.record import attendance_rate


class StationResource(NamedResource):
    """One row per station. Queries: the stations with their regions, their deputies."""

    名称 = fields.Field(column_name="名称", attribute="name")
    类型 = fields.Field(column_name="类型", dehydrate_method="d_kind")
    所在区划 = fields.Field(column_name="所在区划", dehydrate_method="d_region")
    示范点 = fields.Field(column_name="全过程人民民主基层示范点", dehydrate_method="d_demo")
    地址 = fields.Field(column_name="地址", attribute="address")
    联系电话 = fields.Field(column_name="联系电话", attribute="phone")
    开放时间 = fields.Field(column_name="开放时间", attribute="opening_schedule")
    进站代表 = fields.Field(column_name="进站代表", dehydrate_method="d_deputies")
    在用 = fields.Field(column_name="在用", dehydrate_method="d_active")

    class Meta:
        name = "代表联络站"


    def get_queryset(self) -> QuerySet[LiaisonStation]:
        return LiaisonStation.objects.all()

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("region").prefetch_related("deputies")

    def d_kind(self, obj: LiaisonStation) -> str:
        return obj.get_kind_display()

    def d_region(self, obj: LiaisonStation) -> str:
        return obj.region.name

    def d_demo(self, obj: LiaisonStation) -> str:
        return "是" if obj.is_demonstration else ""

    def d_deputies(self, obj: LiaisonStation) -> str:
        return "、".join(d.name for d in obj.deputies.all())

    def d_active(self, obj: LiaisonStation) -> str:
        return "是" if obj.active else "否"


class ActivityResource(NamedResource):
    """One row per activity with its attendance, counted in the same query."""

    日期 = fields.Field(column_name="日期", dehydrate_method="d_date")
    类型 = fields.Field(column_name="活动类型", dehydrate_method="d_kind")
    活动名称 = fields.Field(column_name="活动名称", attribute="title")
    区划 = fields.Field(column_name="区划", dehydrate_method="d_region")
    地点 = fields.Field(column_name="地点", dehydrate_method="d_place")
    活动日 = fields.Field(column_name="代表活动日", dehydrate_method="d_day")
    受邀代表 = fields.Field(column_name="受邀代表（人）", attribute="invited_count")
    签到代表 = fields.Field(column_name="签到代表（人）", attribute="signed_count")
    出席率 = fields.Field(column_name="出席率", dehydrate_method="d_rate")
    参加群众 = fields.Field(column_name="参加群众（人）", attribute="residents_count")
    收集意见 = fields.Field(column_name="收集意见建议（条）", attribute="opinions_gathered")
    解决问题 = fields.Field(column_name="解决实际问题（个）", attribute="problems_solved")

    class Meta:
        name = "代表活动"


    def get_queryset(self) -> QuerySet[Activity]:
        return Activity.objects.all()

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("kind", "region", "station", "activity_day").annotate(
            invited_count=Count("participations"),
            signed_count=Count("participations", filter=Q(participations__signed_in_at__isnull=False)))

    def d_date(self, obj: Activity) -> str:
        return f"{obj.date:%Y-%m-%d}"

    def d_kind(self, obj: Activity) -> str:
        return obj.kind.name

    def d_region(self, obj: Activity) -> str:
        return obj.region.name

    def d_place(self, obj: Activity) -> str:
        return obj.station.name if obj.station_id else obj.place

    def d_day(self, obj: Activity) -> str:
        return f"{obj.activity_day.date:%Y-%m-%d}" if obj.activity_day_id else ""

    def d_rate(self, obj: Activity) -> str:
        return attendance_rate(obj)
