"""Demo issues of 《代表工作》 from 襄城县人大常委会代表工作委员会: two published and a draft."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bulletins import services
from bulletins.models import Article, Bulletin, BulletinStatus
from deputywork.models import Region, User

ORGAN = "襄城县人大常委会代表工作委员会"
ISSUER = "襄城县人大常委会代表工作委员会办公室"
SEND = "市人大常委会代表工委，县委、县人大常委会、县政府、县政协领导，县人大常委会各委室。"
DISTRIBUTE = "各乡镇人大主席团，各代表联络站，县第十七届人大代表。"
SPECIAL = "“为人民履职、为中原添彩·人大代表在行动”主题活动专辑（三十一）"

ACTIVITY_DAY = """\
11月5日，襄城县16个乡镇人大同步开展“代表活动日”活动，县、乡两级人大代表380余人走进代表联络站，面对面听取群众意见建议，现场答复解释群众关切问题，把“代表活动日”办成了群众身边的“民意直通车”。
一、精心组织，确保活动有序开展。活动前，县人大常委会代表工委印发通知，明确活动主题、时间和要求，指导各乡镇人大提前公布代表进站时间、接待代表名单和联系方式，通过村（社区）微信群、公示栏等广泛告知群众。
二、聚焦民生，倾听群众急难愁盼。活动中，代表们围绕乡村振兴、农村道路、饮水安全、秋粮收购等群众关心的问题，与群众拉家常、问需求、听建议。
（一）城关镇：小巷“微改造”解决出行难。城关镇东关社区居民反映巷道路面破损、雨天积水，县人大代表赵建民现场查看后，当即联系镇政府和住建部门，一周内完成了路面修复。
（二）颍桥回族镇：把联络站建在产业链上。颍桥回族镇人大在辣椒产业园设立代表联络点，代表们一是帮助种植户对接冷链物流，二是协调金融机构发放产业贷款，三是邀请农技专家开展田间培训，带动周边群众增收。
（三）库庄镇：调解矛盾纠纷于萌芽。库庄镇前何村两户村民因宅基地界址发生纠纷，驻站代表会同司法所、村“两委”现场调解，双方握手言和。
三、跟踪督办，推动问题落地见效。对活动中收集的意见建议，各乡镇人大建立台账，能够现场解决的当场解决，需要职能部门办理的及时转交，办理情况在下次活动日向群众反馈。
［统计］
下一步，县人大常委会将持续深化“代表活动日”活动，推动代表履职常态化、制度化，让群众的“好声音”转化为发展的“好政策”。"""

STATIONS = """\
今年以来，襄城县人大常委会以代表联络站规范化建设为抓手，按照“有场所、有牌子、有制度、有活动、有台账、有成效”的标准，推动全县代表联络站提质增效，打通了联系群众的“最后一公里”。
一、建好阵地，让代表“有家可回”。县人大常委会统筹整合党群服务中心、便民服务中心等场所资源，在16个乡镇（街道）建成代表联络站16个、村级代表联络点52个，其中麦岭镇、紫云镇、十里铺镇代表联络站被评为全市示范站。
二、健全制度，让活动“有章可循”。制定代表进站接待、意见建议办理、履职登记等制度，每月固定一天为“代表进站活动日”，实行“群众点单、代表定单、政府买单、人大验单”工作机制。
1.接待登记制度。代表进站接待群众，逐件登记诉求内容、办理去向和反馈时限。
2.办理反馈制度。对群众反映的问题实行分类交办，一般问题7个工作日内答复，复杂问题30日内答复。
三、注重实效，让群众“有事好商量”。汾陈镇代表联络站组织代表开展“局长·代表面对面”活动，就农村饮水安全问题与县水利局负责同志座谈，推动汾陈村、吕庄村等6个村完成饮水管网改造，受益群众1.2万人。"""

LIVELIHOOD = """\
为推动今年县级民生实事项目落地见效，11月中旬，县人大常委会组织部分省、市、县人大代表，分三组对民生实事项目实施情况进行集中视察。
视察组先后深入山头店镇、茨沟乡、湛北乡等地，实地查看了农村公路提质改造、城乡供水一体化、乡镇卫生院能力提升等项目建设现场，听取了县政府有关部门的情况汇报。
代表们认为，今年县人大票决产生的10件民生实事项目推进有力，已完成投资4.6亿元，其中8件已基本完工。同时，代表们也指出，部分项目存在进度不均衡、后期管护机制不健全等问题，建议一是加强统筹调度，确保年底前全面完成；二是建立长效管护机制，防止“重建轻管”；三是及时向代表和群众公开项目进展，主动接受监督。
县政府有关负责同志表示，将认真梳理代表提出的意见建议，逐项研究落实，确保民生实事真正办到群众心坎上。"""

XUCHANG = """\
近日，许昌市人大常委会印发通知，在全市开展“许昌市人大代表在行动”系列活动，组织全市五级人大代表围绕中心工作和民生关切履职尽责、建功立业。
活动以“四个一”为主要内容：每名代表每年至少联系一批群众、参加一次代表活动日活动、提出一条高质量意见建议、办成一件为民实事。
襄城县人大常委会迅速行动，结合本县实际制定实施方案，组织各代表小组开展“代表在行动”专题活动，王洛镇、姜庄乡、双庙乡等地代表积极参与秋粮收购、防汛救灾和矛盾纠纷化解，展现了新时代人大代表的担当作为。"""

DRAFT_BODY = """\
12月4日是国家宪法日，襄城县人大常委会组织县、乡两级人大代表深入丁营乡、范湖乡、颍阳镇等地开展宪法宣传活动。
代表们通过设立咨询台、发放宣传资料、以案说法等方式，向群众宣讲宪法知识和与群众生产生活密切相关的法律法规，引导群众尊法学法守法用法。
活动共发放宣传资料3000余份，解答法律咨询120余人次。"""

def _issues(today: dt.date) -> list[dict]:
    """This year's issues 37 and 38 (published; 38 today, with the statistics sentence for the
    year so far, so its figures come from the demo's own records) and 39 (a draft)."""
    return [
        {
            "number": 37, "running_number": 137, "issue_date": today - dt.timedelta(days=42), "status": "published",
            "special_column": "",
            "articles": [
                ("我县代表联络站建设提质增效", STATIONS, "襄城县人大常委会代表工委供稿", None),
                ("许昌市开展“人大代表在行动”系列活动", XUCHANG, "许昌市人大常委会代表工委供稿", None),
            ],
        },
        {
            "number": 38, "running_number": 138, "issue_date": today, "status": "published",
            "special_column": SPECIAL,
            "articles": [
                ("我县16个乡镇同步开展“代表活动日”活动", ACTIVITY_DAY, "襄城县人大常委会代表工委供稿",
                 (today.replace(month=1, day=1), today, "今年以来，全县各级人大代表")),
                ("县人大代表集中视察民生实事项目", LIVELIHOOD, "县人大常委会代表工委供稿", None),
            ],
        },
        {
            "number": 39, "running_number": 139, "issue_date": today + dt.timedelta(days=7), "status": "draft",
            "special_column": "",
            "articles": [("人大代表走进乡村宣传宪法", DRAFT_BODY, "县人大常委会代表工委供稿", None)],
        },
    ]


def seed(*, stdout) -> list[tuple[str, str]]:
    county = Region.objects.get(code="411025000000")
    office = User.objects.filter(username="office").first()
    today = timezone.localdate()
    year = today.year
    for spec in _issues(today):
        fields = {
            "running_number": spec["running_number"], "organ": ORGAN, "region": county,
            "issue_date": spec["issue_date"], "special_column": spec["special_column"], "send_to": SEND,
            "distribute_to": DISTRIBUTE, "issuer": ISSUER, "issued_on": spec["issue_date"], "copies": 120,
        }
        bulletin = Bulletin.objects.filter(series="代表工作", year=year, number=spec["number"],
                                           is_supplement=False).first()
        if bulletin is None:
            bulletin = services.bulletin_create(series="代表工作", year=year, number=spec["number"], **fields)
        elif bulletin.is_published:
            continue  # a published issue stays as it was printed (seeding again on a later day)
        elif any(getattr(bulletin, k) != v for k, v in fields.items()):
            bulletin = services.bulletin_update(bulletin=bulletin, **fields)
        for position, (title, body, contributor, stats) in enumerate(spec["articles"], start=1):
            values = {"title": title, "body": body, "contributor": contributor}
            if stats:
                values.update(stats_start=stats[0], stats_end=stats[1], stats_lead=stats[2], stats_region=county)
            article = Article.objects.filter(bulletin=bulletin, position=position).first()
            if article is None:
                services.article_create(bulletin=bulletin, position=position, **values)
            elif any(getattr(article, k) != v for k, v in values.items()):
                services.article_update(article=article, **values)
        if spec["status"] == BulletinStatus.PUBLISHED and not bulletin.is_published:
            # The PDF is stored at the first download, so seeding stays quick.
            services.bulletin_publish(bulletin=bulletin, actor=office, render=False)
    stdout.write(f"  bulletins: {Bulletin.objects.count()}")
    return []
