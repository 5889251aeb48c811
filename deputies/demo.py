"""Demo deputies of 襄城县 and 沈丘县: congresses of four levels, about 60 people, groups, logins."""

from __future__ import annotations

import datetime as dt

from deputies.models import ActivityGroup, Congress, Deputy, GroupKind, GroupRole, Mandate, MandateStatus, Membership
from deputywork.demo import demo_user
from deputywork.models import Region, RegionLevel, Role

CONGRESSES = [
    # key, level, region code, term, start
    ("henan", "province", "410000000000", 14, dt.date(2023, 1, 13)),
    ("xuchang", "city", "411000000000", 8, dt.date(2021, 12, 20)),
    ("zhoukou", "city", "411600000000", 6, dt.date(2021, 12, 24)),
    ("xiangcheng", "county", "411025000000", 17, dt.date(2021, 12, 28)),
    ("shenqiu", "county", "411624000000", 17, dt.date(2021, 12, 26)),
    ("kuzhuang", "township", "411025106000", 18, dt.date(2021, 11, 20)),
    ("huaidian", "township", "411624100000", 18, dt.date(2021, 11, 22)),
]

# name, gender, birth (y, m), party, education, occupation, employer and title, residence code,
# seats (congress keys), professional group field or "", ethnicity
XIANGCHENG = [
    ("张建国", "male", (1968, 5), "cpc", "college", "farmer", "襄城县库庄镇前何村党支部书记", "411025106202",
     ["xiangcheng", "kuzhuang"], "", "汉族"),
    ("李秀英", "female", (1979, 3), "cpc", "bachelor", "professional", "襄城县第一高级中学教师", "411025100001",
     ["xiangcheng"], "教育", "汉族"),
    ("王志强", "male", (1972, 11), "cpc", "postgraduate", "official", "襄城县人民政府副县长", "411025100002",
     ["xiangcheng", "xuchang"], "交通", "汉族"),
    ("刘桂兰", "female", (1965, 8), "masses", "junior", "farmer", "襄城县麦岭镇麦岭村村民", "411025102201",
     ["xiangcheng"], "", "汉族"),
    ("陈明", "male", (1976, 1), "cdl", "bachelor", "professional", "许昌瑞祥医院襄城分院副院长", "411025100001",
     ["xiangcheng"], "医疗", "汉族"),
    ("马玉兰", "female", (1981, 6), "cpc", "college", "farmer", "襄城县颍桥回族镇回族村妇联主席", "411025101202",
     ["xiangcheng"], "", "回族"),
    ("赵国庆", "male", (1969, 10), "cpc", "bachelor", "business", "河南平煤神马首山化工科技有限公司总经理",
     "411025107201", ["xiangcheng", "xuchang", "henan"], "", "汉族"),
    ("黄海燕", "female", (1985, 4), "cyl", "bachelor", "professional", "襄城县人民医院护士长", "411025100201",
     ["xiangcheng"], "医疗", "汉族"),
    ("孙卫东", "male", (1974, 2), "cpc", "college", "worker", "襄城县焦化厂班组长", "411025109201", ["xiangcheng"],
     "", "汉族"),
    ("周丽娟", "female", (1983, 9), "cpc", "bachelor", "official", "襄城县紫云镇党委副书记", "411025100002",
     ["xiangcheng"], "", "汉族"),
    ("吴保全", "male", (1962, 12), "cpc", "high_school", "farmer", "襄城县双庙乡双庙村党支部书记", "411025204201",
     ["xiangcheng"], "", "汉族"),
    ("郑文华", "male", (1978, 7), "nonparty", "postgraduate", "professional", "襄城县实验小学校长", "411025100001",
     ["xiangcheng"], "教育", "汉族"),
    ("杨春花", "female", (1971, 5), "cpc", "junior", "farmer", "襄城县库庄镇库庄村种植大户", "411025106201",
     ["xiangcheng", "kuzhuang"], "", "汉族"),
    ("冯建伟", "male", (1980, 3), "cpc", "bachelor", "official", "襄城县交通运输局局长", "411025100002",
     ["xiangcheng"], "交通", "汉族"),
    ("何晓燕", "female", (1988, 11), "masses", "college", "worker", "襄城县烟草复烤厂职工", "411025100201",
     ["xiangcheng"], "", "汉族"),
    ("许国栋", "male", (1966, 4), "cpc", "high_school", "farmer", "襄城县十里铺镇十里铺村村委会主任",
     "411025107201", ["xiangcheng"], "", "汉族"),
    ("韩淑芳", "female", (1975, 2), "capd", "bachelor", "professional", "襄城县职业教育中心教师", "411025100002",
     ["xiangcheng"], "教育", "汉族"),
    ("曹志刚", "male", (1973, 8), "cpc", "college", "business", "襄城县金阳光农业专业合作社理事长",
     "411025109201", ["xiangcheng"], "", "汉族"),
    ("邓红梅", "female", (1982, 10), "cpc", "bachelor", "official", "襄城县城关镇西街社区党总支书记",
     "411025100001", ["xiangcheng"], "", "汉族"),
    ("罗新民", "male", (1964, 6), "masses", "junior", "farmer", "襄城县库庄镇前何村村民", "411025106202",
     ["kuzhuang"], "", "汉族"),
    ("梁彩霞", "female", (1977, 12), "cpc", "high_school", "farmer", "襄城县库庄镇库庄村妇联主席", "411025106201",
     ["kuzhuang"], "", "汉族"),
    ("宋金山", "male", (1970, 9), "cpc", "college", "business", "襄城县库庄镇宏达建材厂厂长", "411025106201",
     ["kuzhuang"], "", "汉族"),
    ("谢丽萍", "female", (1986, 1), "cpc", "bachelor", "official", "襄城县库庄镇人民政府副镇长", "411025106201",
     ["kuzhuang"], "", "汉族"),
    ("白永祥", "male", (1967, 3), "masses", "junior", "farmer", "襄城县颍桥回族镇颍桥村养殖户", "411025101201",
     ["xiangcheng"], "", "回族"),
    ("唐振华", "male", (1960, 5), "cpc", "bachelor", "military", "解放军某部退役军官（襄城县退役军人事务局）",
     "411025100002", ["xiangcheng"], "", "汉族"),
    ("高翠萍", "female", (1984, 7), "masses", "college", "other", "襄城县城关镇个体工商户", "411025100201",
     ["xiangcheng"], "", "汉族"),
    ("程立新", "male", (1975, 11), "cpc", "bachelor", "professional", "襄城县中医院主任医师", "411025100001",
     ["xiangcheng", "xuchang"], "医疗", "汉族"),
    ("彭玉梅", "female", (1990, 2), "cyl", "bachelor", "professional", "襄城县王洛镇中心学校教师", "411025100002",
     ["xiangcheng"], "教育", "汉族"),
    ("田广才", "male", (1963, 10), "cpc", "junior", "farmer", "襄城县汾陈镇汾陈村党支部书记", "411025109201",
     ["xiangcheng"], "", "汉族"),
    ("袁慧敏", "female", (1979, 8), "rcck", "postgraduate", "professional", "襄城县人民检察院检察官",
     "411025100001", ["xiangcheng"], "", "汉族"),
]

SHENQIU = [
    ("刘长河", "male", (1967, 3), "cpc", "college", "farmer", "沈丘县槐店回族镇南关村党支部书记", "411624100201",
     ["shenqiu", "huaidian"], "", "汉族"),
    ("马桂芝", "female", (1976, 9), "cpc", "bachelor", "professional", "沈丘县第一高级中学教师", "411624100001",
     ["shenqiu"], "教育", "回族"),
    ("王德胜", "male", (1970, 1), "cpc", "postgraduate", "official", "沈丘县人民政府县长", "411624001001",
     ["shenqiu", "zhoukou"], "", "汉族"),
    ("李红霞", "female", (1982, 5), "masses", "college", "worker", "沈丘县纺织有限公司车间主任", "411624001001",
     ["shenqiu"], "", "汉族"),
    ("张国华", "male", (1974, 7), "cndca", "bachelor", "business",
     "沈丘县鸿运食品有限公司董事长", "411624101201", ["shenqiu", "zhoukou", "henan"], "", "汉族"),
    ("陈秀芳", "female", (1969, 12), "cpc", "high_school", "farmer", "沈丘县刘庄店镇刘庄店村妇联主席",
     "411624101201", ["shenqiu"], "", "汉族"),
    ("杨建军", "male", (1978, 4), "cpc", "bachelor", "professional", "沈丘县人民医院副院长", "411624001001",
     ["shenqiu"], "医疗", "汉族"),
    ("金玉凤", "female", (1980, 10), "cpc", "college", "farmer", "沈丘县槐店回族镇北关社区居委会主任",
     "411624100001", ["shenqiu", "huaidian"], "", "回族"),
    ("赵红旗", "male", (1965, 6), "cpc", "junior", "farmer", "沈丘县老城镇老城村党支部书记", "411624103201",
     ["shenqiu"], "", "汉族"),
    ("孙晓丽", "female", (1987, 3), "cyl", "bachelor", "professional", "沈丘县实验中学教师", "411624001001",
     ["shenqiu"], "教育", "汉族"),
    ("胡振东", "male", (1972, 8), "cpc", "bachelor", "official", "沈丘县交通运输局局长", "411624001001",
     ["shenqiu"], "交通", "汉族"),
    ("朱春燕", "female", (1984, 11), "masses", "college", "worker", "沈丘县白集镇电商服务站站长", "411624108201",
     ["shenqiu"], "", "汉族"),
    ("郭志勇", "male", (1968, 2), "cpc", "high_school", "farmer", "沈丘县石槽集乡石槽集村村委会主任",
     "411624200201", ["shenqiu"], "", "汉族"),
    ("林淑珍", "female", (1975, 6), "cpwdp", "bachelor", "professional", "沈丘县中医院主治医师", "411624100001",
     ["shenqiu"], "医疗", "汉族"),
    ("于海洋", "male", (1981, 9), "cpc", "bachelor", "official", "沈丘县北城街道办事处副主任", "411624001001",
     ["shenqiu"], "", "汉族"),
    ("董瑞华", "female", (1973, 1), "cpc", "college", "business", "沈丘县瑞华服饰有限公司总经理", "411624101201",
     ["shenqiu"], "", "汉族"),
    ("萧建设", "male", (1962, 4), "cpc", "junior", "farmer", "沈丘县槐店回族镇南关村村民", "411624100201",
     ["huaidian"], "", "汉族"),
    ("沙玉梅", "female", (1979, 7), "masses", "high_school", "farmer", "沈丘县槐店回族镇北关社区居民",
     "411624100001", ["huaidian"], "", "回族"),
    ("曾宪文", "male", (1971, 10), "cpc", "college", "official", "沈丘县槐店回族镇人大主席", "411624100001",
     ["huaidian"], "", "汉族"),
    ("吕美华", "female", (1985, 2), "cpc", "bachelor", "professional", "沈丘县槐店回族镇卫生院医生", "411624100201",
     ["huaidian"], "", "汉族"),
    ("苏长青", "male", (1966, 12), "masses", "junior", "farmer", "沈丘县槐店回族镇南关村种粮大户", "411624100201",
     ["huaidian"], "", "汉族"),
    ("卢雪莲", "female", (1983, 4), "cpc", "college", "worker", "沈丘县槐店回族镇农贸市场管理员", "411624100001",
     ["huaidian"], "", "汉族"),
    ("蒋国强", "male", (1964, 8), "cpc", "bachelor", "military", "沈丘县人武部退休干部", "411624001001",
     ["shenqiu"], "", "汉族"),
    ("蔡丽君", "female", (1977, 5), "jiusan", "postgraduate", "professional", "沈丘县农业农村局高级农艺师",
     "411624001001", ["shenqiu"], "", "汉族"),
    ("贾永福", "male", (1969, 1), "cpc", "high_school", "farmer", "沈丘县纸店镇某村党支部书记", "411624103201",
     ["shenqiu"], "", "汉族"),
    ("丁晓燕", "female", (1989, 8), "cyl", "bachelor", "professional", "沈丘县第二初级中学教师", "411624001001",
     ["shenqiu"], "教育", "汉族"),
    ("魏长江", "male", (1973, 3), "cpc", "college", "worker", "沈丘县公路管理局养护工区班长", "411624108201",
     ["shenqiu"], "交通", "汉族"),
    ("薛彩云", "female", (1970, 11), "masses", "junior", "other", "沈丘县老城镇个体工商户", "411624103201",
     ["shenqiu"], "", "汉族"),
    ("叶明亮", "male", (1976, 6), "cpc", "bachelor", "business", "沈丘县明亮农机合作社理事长", "411624200201",
     ["shenqiu"], "", "汉族"),
    ("闫秀梅", "female", (1981, 12), "cpc", "college", "official", "沈丘县刘湾镇党委委员", "411624001001",
     ["shenqiu", "zhoukou"], "", "汉族"),
]

LOGINS = [("deputy", "张建国", "代表（襄城县、库庄镇 张建国）"), ("deputy2", "马桂芝", "代表（沈丘县 马桂芝）")]


def seed(*, stdout) -> list[tuple[str, str]]:
    regions = {r.code: r for r in Region.objects.all()}
    congresses = {}
    for key, level, code, term, start in CONGRESSES:
        congresses[key], _ = Congress.objects.update_or_create(
            level=level, region=regions[code], term=term, defaults={"start_date": start})
    groups: dict[tuple[str, str], ActivityGroup] = {}
    for county_code in ("411025000000", "411624000000"):
        county = regions[county_code]
        for township in sorted((r for r in regions.values() if r.level == RegionLevel.TOWNSHIP
                                and r.parent_id == county.id), key=lambda r: r.code):
            groups[(county_code, township.code)], _ = ActivityGroup.objects.update_or_create(
                region=township, name=f"{township.name}代表活动小组",
                defaults={"kind": GroupKind.TERRITORIAL, "grid": f"{township.name}所辖村（社区）"})
        for field in ("教育", "交通", "医疗"):
            groups[(county_code, field)], _ = ActivityGroup.objects.update_or_create(
                region=county, name=f"{county.name}{field}专业代表小组",
                defaults={"kind": GroupKind.PROFESSIONAL, "field": field})
    people: dict[str, Deputy] = {}
    for county_code, rows, prefix in (("411025000000", XIANGCHENG, "1393741"), ("411624000000", SHENQIU, "1383946")):
        leaders: set[int] = set()
        for index, (name, gender, (year, month), party, education, occupation, employer, residence, seats, field,
                    ethnicity) in enumerate(rows):
            deputy, _ = Deputy.objects.update_or_create(
                name=name, birth_date=dt.date(year, month, 1),
                defaults={"gender": gender, "party": party, "education": education, "occupation": occupation,
                          "employer_title": employer, "residence": regions[residence], "ethnicity": ethnicity,
                          "mobile": f"{prefix}{index:04d}",
                          "introduction": f"{employer}。联系群众，倾听民声，欢迎扫码反映意见建议。"})
            people[name] = deputy
            for key in seats:
                congress = congresses[key]
                district = f"第{index % 12 + 1}选区" if congress.level in ("county", "township") else ""
                Mandate.objects.get_or_create(deputy=deputy, congress=congress, status=MandateStatus.ACTIVE,
                                              defaults={"electoral_district": district,
                                                        "elected_on": congress.start_date - dt.timedelta(days=40)})
            township_code = residence[:9] + "000"
            territorial = groups[(county_code, township_code)]
            role = GroupRole.LEADER if territorial.id not in leaders else GroupRole.MEMBER
            leaders.add(territorial.id)
            _membership(territorial, deputy, role)
            if field:
                professional = groups[(county_code, field)]
                role = GroupRole.LEADER if professional.id not in leaders else GroupRole.MEMBER
                leaders.add(professional.id)
                _membership(professional, deputy, role)
    logins = []
    for username, name, label in LOGINS:
        deputy = people[name]
        user = demo_user(username=username, role=Role.DEPUTY, last_name=name[0], first_name=name[1:],
                         region=deputy.residence)
        if deputy.user_id != user.id:
            deputy.user = user
            deputy.save(update_fields=["user"])
        logins.append((label, username))
    stdout.write(f"  deputies: {Deputy.objects.count()}, groups: {ActivityGroup.objects.count()}")
    return logins


def _membership(group: ActivityGroup, deputy: Deputy, role: str) -> None:
    membership = Membership.objects.filter(group=group, deputy=deputy, ended_on__isnull=True).first()
    if membership is None:
        current_leader = Membership.objects.filter(group=group, role=GroupRole.LEADER, ended_on__isnull=True)
        if role == GroupRole.LEADER and current_leader.exists():
            role = GroupRole.MEMBER
        Membership.objects.create(group=group, deputy=deputy, role=role, started_on=dt.date(2022, 3, 1))
