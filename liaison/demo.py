"""Demo data of liaison: stations in every demo township, a year of monthly activity days with
rosters, activities and attendance, reception entries, a dispute ledger, investment projects
and trainings. Uses the deputies that exist (deputies/demo.py seeds them); without deputies it
still builds stations, days and the ledger. Idempotent: natural keys, and rosters, attendance
and workflow events are only written when their row is new."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from deputies.models import Deputy
from deputywork.models import Region, RegionLevel
from liaison import services
from liaison.models import (
    Activity,
    ActivityDay,
    ActivityDayStatus,
    ActivityKind,
    Dispute,
    InvestmentProject,
    LiaisonStation,
    Participation,
    ReceptionEntry,
    StationKind,
    Training,
)

COUNTIES = ("411025000000", "411624000000")
SPECIAL = {
    "411025100000": ("城关镇人大代表之家", StationKind.HOME, True),
    "411624100000": ("槐店回族镇代表联络站", StationKind.STATION, True),
    "411025101000": ("颍桥回族镇人大代表之家", StationKind.HOME, False),
    "411624001000": ("东城街道人大代表联络站", StationKind.STATION, True),
}
THEMES = ["排查基层矛盾纠纷", "优化营商环境", "乡村振兴", "基层社会治理", "民生实事项目推进", "生态环境保护",
          "农村人居环境整治", "安全生产", "教育“双减”落实", "医疗保障", "防汛备汛", "秋粮收储"]
KINDS = ["接待选民", "走访群众", "座谈会", "视察", "调研", "局长·代表面对面", "政策宣讲", "法律援助进基层"]
# What residents bring to a station, as a register records it: (matter with the station's
# township as {town}, category, what was done, and the reply, the office it went to, or where
# the visitor was sent).
MATTERS = [
    ("{town}卫生院到村里的路灯坏了一多半，晚上去看病摸黑走路", "construction", "forwarded", "镇规划建设办"),
    ("家里老人患慢性病，想问门诊慢特病怎么申请报销", "health", "answered",
     "已讲解门诊慢特病申办流程：持诊断证明到镇卫生院申请，县医保局每月集中鉴定。"),
    ("{town}到县城的公交车一小时才一班，学生周末回家等车太久", "transport", "suggestion", ""),
    ("儿子在外地打工，家里低保年审需要本人到场吗", "social", "answered",
     "已说明低保年审可由家人代办，携带户口簿和收入证明到村委会即可。"),
    ("与邻居的宅基地纠纷法院已经立案，希望代表帮忙打招呼", "dispute", "declined", "litigation:县人民法院诉讼服务中心"),
    ("村里小麦收割后秸秆没人收，怕焚烧被罚又没地方放", "agriculture", "forwarded", "镇农业服务中心"),
    ("{town}中心小学门口早上送孩子的车太多，经常堵到国道上", "transport", "forwarded", "县公安局交警大队"),
    ("去年承包的鱼塘被征用，补偿款到现在还没发下来", "economy", "forwarded", "镇人民政府"),
    ("村东头的排水沟被填平盖了房，一下大雨就倒灌进院子", "construction", "forwarded", "镇自然资源所"),
    ("残疾人两项补贴今年还没到账，想问问什么时候发", "social", "answered",
     "已向镇民政所核实，本季度补贴已于本月10日发放，请查看社保卡账户。"),
    ("村里的老年人助餐点只开到中午，希望晚上也能开", "social", "suggestion", ""),
    ("化工厂夜里排气味道很大，附近几个村都能闻到", "environment", "forwarded", "县生态环境分局"),
    ("十年前的劳动争议已经信访终结，还想再反映一次", "dispute", "declined", "closed_case:县信访局"),
    ("想在家门口开个小超市，营业执照去哪里办", "economy", "answered",
     "已告知可在镇便民服务中心或手机“河南政务服务网”办理个体工商户登记，当日可领照。"),
    ("{town}敬老院冬天暖气不热，老人晚上冻得睡不着", "social", "forwarded", "县民政局"),
    ("村里幼儿园只有一个老师，孩子多了照顾不过来", "education", "suggestion", ""),
]
DISPUTES = [("邻里纠纷", "宅基地边界争议，双方多次争吵"), ("土地承包", "承包地流转租金拖欠"),
            ("婚姻家庭", "赡养老人费用分担分歧"), ("劳资纠纷", "务工人员工资拖欠")]


def _county_deputies(county: Region) -> list[Deputy]:
    p = county.prefix
    in_county = Q(residence__code__startswith=p) | Q(mandates__congress__region__code__startswith=p)
    return list(Deputy.objects.filter(in_county).select_related("residence").distinct().order_by("pk")[:40])


def _stations(county: Region, deputies: list[Deputy]) -> list[LiaisonStation]:
    stations = []
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, parent=county).order_by("code")
    for i, town in enumerate(townships):
        name, kind, demo = SPECIAL.get(town.code, (f"{town.name}代表联络站", StationKind.STATION, False))
        station, _ = LiaisonStation.objects.update_or_create(region=town, name=name, defaults={
            "kind": kind, "is_demonstration": demo, "address": f"{county.name}{town.name}人民政府院内",
            "phone": f"0374-{7300000 + i:07d}" if county.code.startswith("411025") else f"0394-{5100000 + i:07d}",
            "opening_schedule": "每月15日 9:00–11:30"})
        stations.append(station)
    village = Region.objects.filter(code="411025106202").first()  # 库庄镇前何村
    if village and village.parent.parent_id == county.pk:
        station, _ = LiaisonStation.objects.update_or_create(region=village, name="库庄镇前何村代表联络点", defaults={
            "kind": StationKind.POINT, "is_demonstration": True, "address": "前何村党群服务中心",
            "opening_schedule": "每月15日 9:00–11:30；每周三上午"})
        stations.append(station)
    # Deputies receive residents where they live. A township where no deputy lives is served by
    # deputies elected there who live in town, as county officials often are: two each, taken in
    # turn from those not stationed at home, the busiest town first.
    local = {station.pk: [d for d in deputies if d.residence_id
                          and d.residence.code.startswith(station.region.prefix[:9])][:3] for station in stations}
    stationed = {d.pk for chosen in local.values() for d in chosen}
    town = Counter(d.residence.code[:9] for d in deputies if d.residence_id)
    pool = sorted((d for d in deputies if d.pk not in stationed and d.residence_id),
                  key=lambda d: (-town[d.residence.code[:9]], d.pk))
    turn = 0
    for station in stations:
        chosen = local[station.pk]
        if not chosen and pool:
            chosen = [pool[(turn + k) % len(pool)] for k in range(min(2, len(pool)))]
            turn += 2
        station.deputies.add(*chosen)
    return stations


def _months(today: dt.date) -> list[dt.date]:
    """The 15th of ten months back to next month: a year of activity days, one still to come."""
    first = today.replace(day=1)
    out = []
    for back in range(10, -2, -1):
        y, m = divmod(first.month - 1 - back, 12)
        out.append(dt.date(first.year + y, m + 1, 15))
    return out


def _activity_day(county: Region, date: dt.date, theme: str, today: dt.date) -> tuple[ActivityDay, bool]:
    if date < today:
        status = ActivityDayStatus.HELD
    elif (date - today).days >= services.PUBLISH_DAYS_AHEAD:
        status = ActivityDayStatus.PUBLISHED
    else:
        status = ActivityDayStatus.DRAFT
    day, created = ActivityDay.objects.get_or_create(region=county, date=date, defaults={
        "theme": theme, "description": f"全县各级代表以“{theme}”为主题进站履职。"})
    if created and status != ActivityDayStatus.DRAFT:
        # The demo year's history through the workflow, as the office would have moved it then:
        # published the required days ahead, marked held on the day.
        services.activity_day_transition(activity_day=day, to=ActivityDayStatus.PUBLISHED, actor=None,
                                         note="演示数据",
                                         today=min(today, date - dt.timedelta(days=services.PUBLISH_DAYS_AHEAD)))
        if status == ActivityDayStatus.HELD:
            services.activity_day_transition(activity_day=day, to=ActivityDayStatus.HELD, actor=None,
                                             note="演示数据", today=date)
    return day, created


def seed(*, stdout) -> list[tuple[str, str]]:
    today = timezone.localdate()
    kinds = {k.name: k for k in ActivityKind.objects.all()}
    for county in Region.objects.filter(code__in=COUNTIES):
        deputies = _county_deputies(county)
        stations = _stations(county, deputies)
        staffed = [s for s in stations if s.deputies.exists()]
        for m, date in enumerate(_months(today)):
            theme = THEMES[date.month - 1]
            day, created = _activity_day(county, date, theme, today)
            if created and staffed:
                specs, used = [], set()
                for station in staffed[:8]:
                    for deputy in station.deputies.all()[:2]:
                        if deputy.pk not in used:
                            used.add(deputy.pk)
                            specs.append(services.ShiftSpec(station, deputy, dt.time(9), dt.time(11, 30)))
                services.roster_set(activity_day=day, shifts=specs)
            for k, station in enumerate(stations[:4]):
                kind = kinds[KINDS[(m + k) % len(KINDS)]]
                town = station.region if station.region.level == RegionLevel.TOWNSHIP else station.region.parent
                activity, made = Activity.objects.get_or_create(
                    region=town, date=date, title=f"{station.name}{kind.name}（{theme}）", defaults={
                        "kind": kind, "station": station, "activity_day": day,
                        "residents_count": 20 + (m * 7 + k * 3) % 40, "others_count": 5,
                        "summary": f"围绕“{theme}”，代表听取群众意见，现场解答政策问题。",
                        "opinions_gathered": 3 + (m + k) % 6, "problems_solved": 1 + (m + k) % 4})
                if made and deputies:
                    invited = station.deputies.all()[:4] or deputies[:3]
                    Participation.objects.bulk_create(
                        Participation(activity=activity, deputy=d,
                                      signed_in_at=timezone.now() if date < today and (i + m) % 4 else None)
                        for i, d in enumerate(invited))
            if date < today:
                for k, station in enumerate(staffed[:3]):
                    _reception(station, date, m, k)
                if m % 3 == 0:
                    for k, station in enumerate(stations[:3]):
                        _dispute(station, day, m + k, deputies)
        for i, deputy in enumerate(deputies[:4]):
            project, made = InvestmentProject.objects.get_or_create(
                deputy=deputy, name=f"{county.name}{['农产品深加工', '新能源配件', '电商产业园', '冷链物流'][i]}项目",
                defaults={"region": county, "introduced_on": today.replace(day=1) - dt.timedelta(days=60 * (i + 1)),
                          "amount_wan": Decimal(1500 + 800 * i), "jobs": 30 + 25 * i})
            if made and i % 2 == 0:
                services.investment_transition(project=project, to="signed", actor=None, note="演示数据")
        training, _ = Training.objects.get_or_create(
            region=county, title=f"{today.year}年{county.name}人大代表履职能力培训班",
            defaults={"organizer": f"{county.name}人大常委会", "start_date": today.replace(month=3, day=20),
                      "end_date": today.replace(month=3, day=21), "place": "县委党校", "hours": Decimal(12)})
        training.attendees.add(*deputies[::2])
    stdout.write(f"  stations: {LiaisonStation.objects.count()}, activity days: {ActivityDay.objects.count()}, "
                 f"activities: {Activity.objects.count()}")
    return []


def _reception(station: LiaisonStation, date: dt.date, m: int, k: int) -> None:
    """One visitor received at `station` on `date` (month m of the year, station k), once."""
    matter, category, handling, detail = MATTERS[(m * 3 + k) % len(MATTERS)]
    name = f"{'王李张刘陈杨'[(m + k) % 6]}{'秀兰建军小红志强'[m % 4 * 2:m % 4 * 2 + 2]}"
    if ReceptionEntry.objects.filter(station=station, date=date, visitor_name=name).exists():
        return
    town = station.region if station.region.level == RegionLevel.TOWNSHIP else station.region.parent
    reason, _, redirected = detail.partition(":") if handling == "declined" else ("", "", "")
    level = ("township" if detail.startswith("镇") else "unit") if handling == "forwarded" else ""
    services.reception_record(
        station=station, date=date, deputies=list(station.deputies.all()[:2]), visitor_name=name,
        visitor_phone=f"139{(m * 131 + k * 17) % 10**8:08d}", matter=matter.format(town=town.name),
        category=category, handling=handling, reply=detail if handling == "answered" else "",
        forwarded_level=level, forwarded_to=detail if level else "", decline_reason=reason, redirected_to=redirected)


def _dispute(station: LiaisonStation, day: ActivityDay, n: int, deputies: list[Deputy]) -> None:
    town = station.region if station.region.level == RegionLevel.TOWNSHIP else station.region.parent
    category, summary = DISPUTES[n % len(DISPUTES)]
    parties = f"{'赵钱孙李周吴'[n % 6]}某与{'郑王冯陈'[n % 4]}某"
    dispute, made = Dispute.objects.get_or_create(region=town, found_on=day.date, parties=parties, defaults={
        "activity_day": day, "category": category, "summary": summary})
    if not made:
        return
    dispute.deputies.add(*station.deputies.all()[:2])
    if n % 4 == 0:
        return
    services.dispute_transition(dispute=dispute, to="mediating", actor=None, on_date=day.date, note="演示数据")
    if n % 4 == 1:
        services.dispute_transition(dispute=dispute, to="resolved", actor=None,
                                    result="经代表和调解员调解，双方达成协议。",
                                    on_date=day.date + dt.timedelta(days=7))
    elif n % 4 == 2:
        services.dispute_transition(dispute=dispute, to="referred", actor=None, referred_to="镇综治中心",
                                    on_date=day.date + dt.timedelta(days=3))
