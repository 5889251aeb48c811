"""Demo handling units of 襄城县 and 沈丘县 with unit logins, and a year of suggestions in every
state for whatever demo deputies exist. Idempotent: units by (region, name), items by
(congress, title); an item that exists is left as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import F, Q
from django.utils import timezone

from deputies.models import Congress, Deputy
from deputywork.demo import demo_user, office_for
from deputywork.models import Region, Role, User
from deputywork.workdays import add_working_days
from liaison.models import ActivityDay, ActivityDayStatus
from suggestions import demo_opinions
from suggestions import services_suggestions as svc
from suggestions.models import (
    Assignment,
    Category,
    Channel,
    Consultation,
    Evaluation,
    HandlingUnit,
    Opinion,
    OpinionEvent,
    OpinionStatus,
    ProgressNote,
    Reply,
    ReplyClass,
    Suggestion,
    SuggestionEvent,
    SuggestionPolicy,
    Supervision,
    UnitKind,
)

DEPARTMENTS = ["住房和城乡建设局", "交通运输局", "教育局", "卫生健康委员会", "农业农村局", "水利局", "自然资源局",
               "生态环境分局", "人力资源和社会保障局", "民政局"]
OTHER_UNITS = [("人民法院", UnitKind.COURT), ("人民检察院", UnitKind.PROCURATORATE)]

# (title, category, stage, reply class, unit department): one item per state and then some.
STORY = [
    ("关于改造{place}主街排水管网的建议", "城乡建设", "closed", "A", "住房和城乡建设局"),
    ("关于修复县乡公路破损路段的建议", "交通", "closed", "B", "交通运输局"),
    ("关于增加农村学校寄宿床位的建议", "教育", "evaluated", "A", "教育局"),
    ("关于村卫生室配备常用药品的建议", "医疗卫生", "replied", "C", "卫生健康委员会"),
    ("关于加强高标准农田灌溉设施管护的建议", "农业农村", "in_progress", "", "水利局"),
    ("关于规范城区夜市油烟治理的建议", "生态环境", "assigned", "", "住房和城乡建设局"),
    ("关于提高城乡居民医保报销比例宣传力度的建议", "社会保障", "registered", "", ""),
    ("关于设立乡镇便民服务夜间窗口的建议", "经济发展", "submitted", "", ""),
    ("关于解决本人子女入学问题的建议", "教育", "not_registered", "", ""),
    ("关于改造{place}排水沟的建议", "城乡建设", "merged", "", ""),
    ("关于增设学校周边交通信号灯的建议", "交通", "redo", "C", "交通运输局"),
    ("关于在村里建设老年人日间照料中心的建议", "社会保障", "draft", "", ""),
]
# The item merged (并案) into the first, the sewage story.
TWIN = next(n for n, spec in enumerate(STORY) if spec[2] == "merged")

GOOD = dict.fromkeys(Evaluation.POINTS, "satisfied")
# The sewage story starts on an activity day at least this long ago: time to be answered and closed.
STORY_DAYS = 60

# 群众点单: what residents told the drainage story's village group on an activity day
# (content, resident's name, phone). Staff see the names; the public never does.
DRAINAGE_OPINIONS = [
    ("{village}主街污水横流，下水道堵了半年没人管，一下雨污水就漫到路上。", "赵大娘", "13903760101"),
    ("一下雨街上污水倒灌进院子，老人出门困难，希望把排水管换粗一些。", "", ""),
    ("排水沟太窄又没有盖板，夏天臭味很大，孩子上学要绕着走。", "钱先生", ""),
]
DRAINAGE_CONTENT = ("{day}，{group}在代表活动日走访群众，收集到主街污水横流、雨天倒灌、排水沟狭窄无盖板等"
                    "群众反映{n}条。建议镇政府对主街排水管网进行改造，实施雨污分流，加装排水沟盖板，明确完工时限。")


def _drainage_place(deputy: Deputy) -> tuple[str, str]:
    """Where the sewage story happens: the lead deputy's township and village (their home)."""
    town = svc.township_of(deputy.residence)
    village = deputy.residence.name if deputy.residence and deputy.residence.level == "village" else ""
    return (town.name if town else "") + village, village or "村里"


# Suggestions raised from residents' opinions of the demo (by the opinion's text): submitting
# the suggestion adopts them, so the opinion points to a real suggestion.
SOURCES = {"关于提高城乡居民医保报销比例宣传力度的建议": [demo_opinions.ADOPTED_MATTER]}


def _units(county: Region) -> dict[str, HandlingUnit]:
    units = {}
    for name in DEPARTMENTS:
        units[name], _ = HandlingUnit.objects.update_or_create(
            region=county, name=f"{county.name}{name}", defaults={"kind": UnitKind.DEPARTMENT,
                                                                   "contact": "办公室", "phone": "0374-0000000"})
    for name, kind in OTHER_UNITS:
        HandlingUnit.objects.update_or_create(region=county, name=f"{county.name}{name}", defaults={"kind": kind})
    for town in Region.objects.filter(parent=county, level="township"):
        units[town.code], _ = HandlingUnit.objects.update_or_create(
            region=town, name=f"{town.name}人民政府", defaults={"kind": UnitKind.TOWNSHIP})
    return units


def _lead_deputies(congress: Congress) -> list[Deputy]:
    """Deputies with a seat in this congress, those with a login first (they rate replies)."""
    deputies = list(Deputy.objects.filter(mandates__congress=congress, mandates__status="active")
                    .select_related("user", "residence").order_by(F("user").asc(nulls_last=True), "pk").distinct())
    return deputies


def _walk(item: Suggestion, stage: str, reply_code: str, unit: HandlingUnit | None, unit_user: User,
          main: Suggestion | None, on_registered: Callable[[], None] | None = None) -> None:
    """Move a fresh draft to `stage` through the services, as the people concerned would
    (`on_registered` runs once it is registered: the twin merged into it then)."""
    deputy_user = item.lead_deputy.user
    if stage == "draft":
        return
    svc.suggestion_submit(suggestion=item, actor=None)
    if stage == "submitted":
        return
    if stage == "not_registered":
        svc.suggestion_decline(suggestion=item, reason="personal", declined_as="letter", actor=None,
                               note="涉及个人家庭事务，转为代表来信，由教育局答复代表本人。")
        return
    if stage == "merged":
        if main is not None:
            svc.suggestion_merge(suggestion=item, into=main, actor=None)
        return
    svc.suggestion_register(suggestion=item, actor=None)
    if on_registered is not None:
        on_registered()
    if stage == "registered" or unit is None:
        return
    (assignment, *_) = svc.suggestion_assign(suggestion=item, lead_unit=unit, actor=None)
    if stage == "assigned":
        return
    unit.users.add(unit_user)
    svc.consultation_record(assignment=assignment, date=svc.today(), way="in_person", actor=unit_user,
                            notes=f"与{item.lead_deputy.name}代表现场查看，共同研究办理方案。")
    svc.progress_note_add(assignment=assignment, note="已列入本单位年度工作计划，正在落实资金。", actor=unit_user)
    if stage == "in_progress":
        svc.supervision_record(suggestion=item, kind="tracking", date=svc.today(),
                               actor=office_for(item.placed_in),
                               notes="电话跟踪办理进度，要求按期答复。")
        return
    from django.core.files.base import ContentFile

    pdf = ContentFile(b"%PDF-1.4\n% demo reply\n%%EOF\n", name="reply.pdf")
    svc.reply_send(suggestion=item, text=f"{item.lead_deputy.name}代表：您提出的《{item.title}》收悉。经研究，"
                   "我单位已会同有关部门制定方案并安排资金，具体办理情况如下……", pdf=pdf,
                   reply_class=ReplyClass.objects.get(code=reply_code), actor=unit_user)
    if stage == "replied" or deputy_user is None:
        return
    if stage == "redo":
        svc.evaluation_submit(suggestion=item, actor=deputy_user, ratings=GOOD | {"implementation": "unsatisfied"},
                              overall="unsatisfied", reason="答复只列计划，路口至今没有安装信号灯。")
        return
    svc.evaluation_submit(suggestion=item, actor=deputy_user, ratings=GOOD | {"communication": "basic"},
                          overall="satisfied" if reply_code == "A" else "basic")
    if stage == "evaluated":
        return
    svc.suggestion_close(suggestion=item, actor=None, note="经实地核实，办理情况属实。")
    Suggestion.objects.filter(pk=item.pk).update(public=reply_code == "A")


def _drainage_opinions(lead: Deputy, today: dt.date) -> tuple[list[Opinion], str, ActivityDay | None]:
    """群众点单 → 代表定单: the residents' opinions the lead deputy's activity group gathered on the
    last activity day held STORY_DAYS or more ago, submitted and accepted through the opinion
    services, and the text of the suggestion the group raises from them. No opinions when the
    deputy is in no group."""
    from suggestions.services_opinions import opinion_submit
    from suggestions.workflow import may_handle, opinion_transition

    membership = (lead.memberships.filter(group__active=True, ended_on__isnull=True)
                  .select_related("group").order_by("pk").first())
    if membership is None:
        return [], "", None
    group = membership.group
    town = svc.township_of(lead.residence)
    day = (ActivityDay.objects.filter(Q(region=town) | Q(region_id=town.parent_id) if town else Q(pk__in=[]),
                                      status=ActivityDayStatus.HELD, date__lte=today - dt.timedelta(days=STORY_DAYS))
           .order_by("-date").first())
    opinions = []
    village = _drainage_place(lead)[1]
    for text, name, phone in DRAINAGE_OPINIONS:
        content = text.format(village=village)
        opinion = Opinion.objects.filter(content=content, group=group).first()
        if opinion is None:
            opinion = opinion_submit(content=content, group=group, channel=Channel.VISIT, place=lead.residence,
                                     category=Category.objects.filter(name="城乡建设").first(), resident_name=name,
                                     resident_phone=phone, callback_ok=bool(phone), consent=True,
                                     entered_by=lead.user, sender="demo").opinion
        if opinion.status == OpinionStatus.SUBMITTED:
            actor = lead.user if lead.user and may_handle(lead.user, opinion) else None
            opinion_transition(opinion=opinion, to=OpinionStatus.ACCEPTED, actor=actor, note="活动日走访中受理")
        if opinion.status == OpinionStatus.ACCEPTED:
            opinions.append(opinion)
    if not opinions:
        return [], "", None
    when = f"{day.date:%Y年%m月%d日}" if day else "近日"
    return opinions, DRAINAGE_CONTENT.format(day=when, group=group.name, n=len(opinions)), day


# Days after an item was drafted on which the demo's later steps happen, by the step's action
# (the words before any bracket); a step not named here (确定承办单位) follows the one before it
# on the same day. An item drafted fewer days ago has its steps drawn closer, in the same order.
STEP_DAYS = {"提交": 1, "立案": 4, "不予立案": 5, "并案": 5, "交办": 6, "面商，开始办理": 20, "办理进展": 32,
             "督办": 38, "答复": 45, "满意度测评": 53, "不满意，重新办理": 53, "审核销号": 58}
EVALUATED = ("满意度测评", "不满意，重新办理")


def _step(event: SuggestionEvent) -> str:
    return event.action.split("（")[0]


def _step_times(events: list[SuggestionEvent], start: dt.date, days: int) -> list[dt.datetime]:
    """When each of an item's events (in order) happened: the first on `start`, the others
    by `start + days`, on working days in office hours, and all before now (an item drafted today)."""
    offsets, last = [], 0
    for event in events:
        last = max(last, STEP_DAYS.get(_step(event), last))
        offsets.append(last)
    scale = min(1.0, max(days - 1, 0) / offsets[-1]) if offsets[-1] else 1.0
    now = timezone.now()
    # A step due on a weekend or holiday waits for the next working day.
    days_of = [add_working_days(start + dt.timedelta(days=round(offset * scale)), 0).date for offset in offsets]
    return [min(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 5))) + dt.timedelta(minutes=35 * n),
                now - dt.timedelta(minutes=len(events) - n))
            for n, day in enumerate(days_of)]


def _backdate(item: Suggestion, days: int) -> None:
    """Spread the demo over the past year: the item was drafted `days` ago and each later step
    came some days after the one before (the services have just written them all at once)."""
    events = list(SuggestionEvent.objects.filter(suggestion=item).order_by("pk"))
    if not events:
        return
    times = _step_times(events, timezone.localdate() - dt.timedelta(days=days), days)
    when = {}  # each step's (first) time
    for event, at in zip(events, times, strict=True):
        event.created_at = at
        when.setdefault(_step(event), at)
    SuggestionEvent.objects.bulk_update(events, ["created_at"])
    Suggestion.objects.filter(pk=item.pk).update(
        created_at=times[0], submitted_at=when.get("提交"), registered_at=when.get("立案"),
        closed_at=when.get("审核销号"))
    if "答复" in when:
        Reply.objects.filter(suggestion=item).update(created_at=when["答复"])
    evaluated = next((when[step] for step in EVALUATED if step in when), None)
    if evaluated:
        Evaluation.objects.filter(suggestion=item).update(created_at=evaluated)
    if "办理进展" in when:
        ProgressNote.objects.filter(assignment__suggestion=item).update(created_at=when["办理进展"])
    if "面商，开始办理" in when:
        Consultation.objects.filter(assignment__suggestion=item).update(date=when["面商，开始办理"].date())
    if "督办" in when:
        Supervision.objects.filter(suggestion=item).update(date=when["督办"].date())
    for a in Assignment.objects.filter(suggestion=item):
        start = timezone.localtime(when.get("交办", times[0])).date()
        due = svc.deadline_for(start=start, kind="complex" if item.complex else "default")
        Assignment.objects.filter(pk=a.pk).update(assigned_on=start, deadline=due.date,
                                                  deadline_estimated=due.estimated)
        # The timeline's 确定承办单位 entry names the deadline it set: the moved one, as if set then.
        before, after = f"办理期限 {a.deadline:%Y-%m-%d}", f"办理期限 {due.date:%Y-%m-%d}"
        after += "（按估算日历）" if due.estimated else ""
        for event in SuggestionEvent.objects.filter(suggestion=item, data__deadline=a.deadline.isoformat()):
            event.note = event.note.replace(before + "（按估算日历）", before).replace(before, after)
            event.data = {**event.data, "deadline": due.date.isoformat()}
            event.save(update_fields=["note", "data"])
    if item.evaluation_due and "答复" in when:
        due = add_working_days(timezone.localtime(when["答复"]).date(), SuggestionPolicy.current().evaluation_days)
        Suggestion.objects.filter(pk=item.pk).update(evaluation_due=due.date, evaluation_due_estimated=due.estimated)
    # The residents' opinions it came from were gathered the day before it was drafted and
    # adopted when it was submitted.
    eve = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=days + 1), dt.time(9, 30)))
    for n, opinion in enumerate(Opinion.objects.filter(suggestions=item).order_by("pk")):
        gathered = eve + dt.timedelta(minutes=20 * n)
        opinion_events = list(OpinionEvent.objects.filter(opinion=opinion).order_by("pk"))
        for k, event in enumerate(opinion_events):
            adopted = event.to_status == OpinionStatus.ADOPTED and "提交" in when
            event.created_at = when["提交"] if adopted else gathered + dt.timedelta(minutes=5 * k)
        OpinionEvent.objects.bulk_update(opinion_events, ["created_at"])
        Opinion.objects.filter(pk=opinion.pk).update(
            submitted_at=gathered, updated_at=max([gathered, *(e.created_at for e in opinion_events)]))


def _story(congress: Congress, units: dict[str, HandlingUnit], unit_user: User) -> int:
    deputies = _lead_deputies(congress)
    if not deputies:
        return 0
    today = timezone.localdate()

    def make(n: int, main: Suggestion | None, main_days: int = 0) -> Suggestion | None:
        title, category, stage, reply_code, dept = STORY[n]
        lead = deputies[n % len(deputies)]
        # The sewage story and its twin name the main item's lead deputy's village.
        title = title.format(place=_drainage_place(main.lead_deputy if main else lead)[0])
        if Suggestion.objects.filter(congress=congress, title=title).exists():
            return None
        sources = list(Opinion.objects.filter(content__in=SOURCES.get(title, []), status=OpinionStatus.ACCEPTED,
                                              region__code__startswith=congress.region.code[:6]))
        # The deputy the residents wrote to raises it, when they sit in this congress.
        lead = next((d for d in deputies if sources and d.pk == sources[0].deputy_id), lead)
        co_signers = [d for d in deputies[n % len(deputies) + 1:][:2]]
        town = svc.township_of(lead.residence)
        unit = units.get(dept) if dept else None
        if dept == "住房和城乡建设局" and n == 0 and town is not None and town.code in units:
            unit = units[town.code]  # the sewage story: the township government handles it
        period = "session" if n in (2, 6) else "recess"
        content = (f"{title.removeprefix('关于').removesuffix('的建议')}，群众反映强烈。建议有关部门深入调查，"
                   "制定切实可行的方案，明确时限，逐步解决。")
        day = None
        if n == 0:
            # The sewage story starts from residents' opinions gathered on an activity day.
            sources, drainage_content, day = _drainage_opinions(lead, today)
            content = drainage_content or content
        elif sources:
            content = "".join(f"群众反映：{o.content}\n\n" for o in sources) + content
        item = svc.suggestion_create(
            congress=congress, lead_deputy=lead, title=title, category=Category.objects.get(name=category),
            content=content, co_signers=co_signers, period=period, source_opinions=sources, year=today.year,
            actor=None)
        # Older stages happened earlier in the year; keep everything in the current year. The
        # sewage story was drafted the day after its activity day, when that was this year, and
        # its twin the same day.
        days = max(0, min(today.timetuple().tm_yday - 1, 300 - 25 * n))
        if day is not None and day.date.year == today.year:
            days = max(0, (today - day.date).days - 1)
        if main is not None:
            days = main_days
        # The twin on the same drainage (并案) is merged into the sewage story while that is open.
        _walk(item, stage, reply_code, unit, unit_user, main,
              on_registered=(lambda: make(TWIN, item, days)) if n == 0 else None)
        _backdate(item, days)
        return item

    before = Suggestion.objects.filter(congress=congress).count()
    for n in range(len(STORY)):
        if n != TWIN:  # the twin is made with the sewage story, into which it is merged
            make(n, None)
    return Suggestion.objects.filter(congress=congress).count() - before


def seed(*, stdout) -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    for code, username in (("411025000000", "unit"), ("411624000000", "unit-shenqiu")):
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        units = _units(county)
        user = demo_user(username=username, role=Role.UNIT, last_name="赵", first_name="承办",
                         email=f"{username}@example.cn")
        lead_units = [units["住房和城乡建设局"], units["交通运输局"], units["教育局"], units["卫生健康委员会"],
                      units["水利局"]]
        town_units = [u for key, u in units.items() if key.isdigit()]
        for unit in lead_units + town_units[:1]:
            unit.users.add(user)
        made = sum(_story(c, units, user) for c in Congress.objects.filter(region=county))
        stdout.write(f"  {county.name}: {len(units)} units, {made} new suggestions")
        logins.append((f"承办单位（{county.name}住建局等）", username))
    return logins
