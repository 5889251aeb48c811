"""Demo opinions of 襄城县 and 沈丘县 residents, in every status, for the demo deputies present.

Idempotent: an opinion is known by its content; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deputies.models import ActivityGroup, Deputy
from deputywork.demo import office_for
from deputywork.models import Region, User
from liaison.models import LiaisonStation, ReceptionEntry
from suggestions.models import Category, HandlingUnit, Opinion, OpinionEvent, OpinionStatus
from suggestions.services_opinions import forward_due_date, opinion_from_reception, opinion_rate, opinion_submit
from suggestions.workflow import TransitionRefused, opinion_transition

S = OpinionStatus

UNITS = [  # (county code, name, kind)
    ("411025000000", "襄城县住房和城乡建设局", "department"),
    ("411025000000", "襄城县水利局", "department"),
    ("411025000000", "襄城县教育局", "department"),
    ("411025000000", "襄城县医疗保障局", "department"),
    ("411025100000", "城关镇人民政府", "township"),
    ("411624000000", "沈丘县城市管理局", "department"),
    ("411624000000", "沈丘县交通运输局", "department"),
    ("411624100000", "槐店回族镇人民政府", "township"),
]

# The opinion a demo suggestion is raised from (demo_suggestions.SOURCES): seeded accepted, and
# adopted when that suggestion is submitted, as in the portal.
ADOPTED_MATTER = "医保报销要在县里和乡里来回跑好几趟，希望能在村卫生室直接办理。"

# (content, category, village code, final status, channel, reply / reason, rating)
MATTERS = [
    ("北关村主街下水道堵塞，一下雨就积水，老人孩子出行很不方便，希望尽快疏通。", "城乡建设", "411025100201",
     S.SUBMITTED, "qr", "", ""),
    ("西街社区路灯坏了半个多月，晚上黑灯瞎火，群众散步很不安全。", "城乡建设", "411025100001", S.ACCEPTED, "qr",
     "", ""),
    ("颍桥村垃圾清运不及时，村口垃圾池经常溢出来，夏天气味很大。", "生态环境", "411025101201", S.FORWARDED, "wechat",
     "", ""),
    ("麦岭村农村饮水管网老化，自来水时有时无，水里有水垢。", "农业农村", "411025102201", S.ANSWERED, "visit",
     "已联系县水利局和镇政府，麦岭村已列入农村供水提升改造计划，管网更换工程预计两个月内完工。", "basic"),
    ("库庄村学校校车接送时间太早，孩子六点就要出门，能否调整时间。", "教育", "411025106201", S.CLOSED, "phone",
     "经与县教育局协调，校车发车时间已推迟二十分钟，并增开一条线路。", "satisfied"),
    (ADOPTED_MATTER, "社会保障", "411025107201", S.ADOPTED, "mailbox",
     "", ""),
    ("邻居之间因宅基地边界发生争执，希望代表出面评理。", "政法", "411025109201", S.DECLINED, "reception",
     "宅基地权属争议需由镇政府依法调处，已告知您到镇司法所申请调解。", ""),
    ("南关村通往集镇的道路坑洼不平，雨天泥泞，电动车经常滑倒。", "交通", "411624100201", S.FORWARDED, "qr", "", ""),
    ("刘庄店村卫生室缺少常用药，老人买降压药要跑到镇上。", "医疗卫生", "411624101201", S.ANSWERED, "qr",
     "已反映给县卫健委，卫生室已补齐常用慢性病药品。", ""),
    ("北关社区菜市场门口乱停车严重，早高峰经常堵车。", "城乡建设", "411624100001", S.SUBMITTED, "wechat", "", ""),
]


def seed(*, stdout) -> list[tuple[str, str]]:
    deputies = list(Deputy.objects.select_related("residence").order_by("pk"))
    groups = list(ActivityGroup.objects.filter(active=True).order_by("pk"))
    for code, name, kind in UNITS:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            HandlingUnit.objects.update_or_create(region=region, name=name, defaults={"kind": kind})
    if not deputies and not groups:
        stdout.write("  opinions: no demo deputies yet, none seeded")
        return []
    office = User.objects.filter(username="office").first()
    created = 0
    for i, (content, category, village_code, final, channel, text, rating) in enumerate(MATTERS):
        if Opinion.objects.filter(content=content).exists():
            continue
        place = Region.objects.filter(code=village_code).first()
        # Prefer a deputy who lives in the same county; otherwise take them in turn.
        county = village_code[:6]
        local = [d for d in deputies if d.residence and d.residence.code.startswith(county)] or deputies
        deputy = local[i % len(local)] if local else None
        group = None if deputy else groups[i % len(groups)]
        opinion = opinion_submit(
            content=content, deputy=deputy, group=group, category=Category.objects.filter(name=category).first(),
            place=place, resident_name="" if i % 3 == 0 else "王先生" if i % 2 else "李女士",
            resident_phone="" if i % 3 == 0 else f"1390376{i:04d}", callback_ok=i % 3 == 1, consent=True,
            channel=channel, sender="demo",
        ).opinion
        _move_to(opinion, final, text, rating, office_for(opinion.region))
        # Waiting ones came in yesterday; those being handled a few days ago, one step a day;
        # settled ones weeks ago, a few days per step.
        if final == S.SUBMITTED:
            _backdate(opinion, _daytime(1, 8 * 60 + 47 * i), dt.timedelta(hours=1))
        elif final in (S.ACCEPTED, S.FORWARDED):
            _backdate(opinion, _daytime(4, 9 * 60 + 31 * i), dt.timedelta(days=1))
        else:
            _backdate(opinion, _daytime(24 + 6 * i, 8 * 60 + 53 * i), dt.timedelta(days=3))
        created += 1
    created += _station_opinions(office)
    stdout.write(f"  opinions: {created} new, {Opinion.objects.count()} in all")
    return []


def _daytime(days_ago: int, minute: int) -> dt.datetime:
    """`days_ago` days before today, at a time of the working day (from 8:00, `minute` minutes
    into the day, wrapped to stay before 18:00)."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    minute = 8 * 60 + (minute - 8 * 60) % (10 * 60)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))


def _backdate(opinion: Opinion, start: dt.datetime, step: dt.timedelta) -> None:
    """Demo history only: the opinion was sent at `start`, and each of its events came `step`
    after the one before (the workflow has just written them all, a year's history at once)."""
    events = list(OpinionEvent.objects.filter(opinion=opinion).order_by("created_at", "pk").only("created_at"))
    for n, event in enumerate(events):
        event.created_at = start + n * step
    OpinionEvent.objects.bulk_update(events, ["created_at"])
    last = start + max(len(events) - 1, 0) * step
    opinion.refresh_from_db(fields=["rated_at", "closed_at"])
    Opinion.objects.filter(pk=opinion.pk).update(
        submitted_at=start, updated_at=last, rated_at=last if opinion.rated_at else None,
        closed_at=last if opinion.closed_at else None)


def _move_to(opinion: Opinion, final: str, text: str, rating: str, actor: User | None) -> None:
    if final == S.SUBMITTED:
        return
    if final == S.DECLINED:
        opinion_transition(opinion=opinion, to=S.DECLINED, actor=actor, decline_reason=text)
        return
    opinion_transition(opinion=opinion, to=S.ACCEPTED, actor=actor)
    if final == S.FORWARDED:
        unit = HandlingUnit.objects.filter(region__code__startswith=opinion.region.code[:6] if opinion.region else "",
                                           kind="township").first() or HandlingUnit.objects.first()
        opinion_transition(opinion=opinion, to=S.FORWARDED, actor=actor, forwarded_to=unit,
                           due_date=forward_due_date(5).date, data={"working_days": 5})
    # S.ADOPTED stays accepted here: only submitting a suggestion that names it as a source
    # adopts an opinion (services_suggestions.suggestion_submit), which the suggestions demo does.
    elif final in (S.ANSWERED, S.CLOSED):
        opinion_transition(opinion=opinion, to=S.ANSWERED, actor=actor, public_reply=text)
        if rating:
            opinion_rate(opinion=opinion, rating=rating)
        if final == S.CLOSED:
            opinion_transition(opinion=opinion, to=S.CLOSED, actor=actor)


STATION_MATTER = ("联络站门前的十字路口没有红绿灯，上下学高峰车多人多，希望设置信号灯或安排交通协管。", "交通")


def _station_opinions(office: User | None) -> int:
    """One opinion a resident sent by scanning a station's code, and the reception register
    entries made into opinions (all but the latest reception day's, left for the office)."""
    created = 0
    station = LiaisonStation.objects.filter(active=True, deputies__isnull=False).order_by("pk").first()
    content, category = STATION_MATTER
    if station is not None and not Opinion.objects.filter(content=content).exists():
        opinion = opinion_submit(content=content, station=station, consent=True, sender="demo",
                                 category=Category.objects.filter(name=category).first()).opinion
        _backdate(opinion, _daytime(1, 16 * 60 + 12), dt.timedelta(0))
        created += 1
    latest = ReceptionEntry.objects.order_by("-date").values_list("date", flat=True).first()
    if office is None or latest is None:
        return created
    for entry in ReceptionEntry.objects.filter(opinion__isnull=True, date__lt=latest).order_by("date", "pk"):
        try:
            opinion = opinion_from_reception(entry=entry, actor=office_for(entry.station.region))
        except TransitionRefused:
            continue  # a matter too short to stand as an opinion stays in the register only
        # Entered from the register on the afternoon of the reception day.
        afternoon = timezone.make_aware(dt.datetime.combine(entry.date, dt.time(15, 30)))
        _backdate(opinion, afternoon, dt.timedelta(minutes=5))
        created += 1
    return created
