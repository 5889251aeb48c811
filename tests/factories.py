"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory

from deputywork.models import Region, User, level_of_code


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"411025{100 + n % 800:03d}000")
    name = factory.Sequence(lambda n: f"第{n}镇")
    level = factory.LazyAttribute(lambda o: level_of_code(o.code))


def county_region() -> Region:
    """河南省 › 许昌市 › 襄城县, created once per test database."""
    province = RegionFactory(code="410000000000", name="河南省", parent=None)
    city = RegionFactory(code="411000000000", name="许昌市", parent=province)
    return RegionFactory(code="411025000000", name="襄城县", parent=city)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"伟{n}")
    role = ""
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs) -> None:  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


# --- deputies -------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from deputies.models import ActivityGroup, Congress, Deputy, Mandate, Membership  # noqa: E402


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ("level", "region", "term")

    level = "county"
    region = factory.LazyFunction(county_region)
    term = 17
    start_date = _dt.date(2021, 12, 28)


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Iterator(["张建国", "李秀英", "王志强", "刘桂兰", "陈明", "杨丽", "赵国庆", "黄海燕"])
    gender = factory.Iterator(["male", "female"])
    birth_date = _dt.date(1975, 3, 1)
    party = "cpc"
    occupation = "farmer"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    congress = factory.SubFactory(CongressFactory)
    electoral_district = "第一选区"


class ActivityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityGroup

    name = factory.Sequence(lambda n: f"第{n}代表活动小组")
    region = factory.LazyFunction(county_region)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(ActivityGroupFactory)
    deputy = factory.SubFactory(DeputyFactory)
    role = "member"


# --- suggestions: units and opinions ---------------------------------------------------------

from suggestions.models import HandlingUnit, Opinion  # noqa: E402


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit
        django_get_or_create = ("region", "name")

    name = factory.Iterator(["襄城县住房和城乡建设局", "襄城县交通运输局", "襄城县教育局", "襄城县卫生健康委员会"])
    kind = "department"
    region = factory.LazyFunction(county_region)


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    content = "村里主街排水不畅，一下雨就积水，群众出行很不方便。"
    resident_name = "赵大娘"
    resident_phone = "13912345678"
    consent = True

# --- liaison --------------------------------------------------------------------------------

from liaison.models import (  # noqa: E402
    Activity,
    ActivityDay,
    ActivityKind,
    Dispute,
    InvestmentProject,
    LiaisonStation,
    Participation,
    Training,
)


class LiaisonStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonStation

    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    kind = "station"
    region = factory.LazyFunction(county_region)
    opening_schedule = "每月15日 9:00–11:30"


class ActivityDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityDay

    region = factory.LazyFunction(county_region)
    date = factory.Sequence(lambda n: _dt.date(2025, 1 + n % 12, 15))
    theme = "排查基层矛盾纠纷"


def activity_kind(name: str = "走访群众") -> ActivityKind:
    return ActivityKind.objects.get_or_create(name=name)[0]


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = factory.LazyFunction(activity_kind)
    title = factory.Sequence(lambda n: f"活动{n}")
    date = _dt.date(2025, 3, 15)
    region = factory.LazyFunction(county_region)
    place = "村委会"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    deputy = factory.SubFactory(DeputyFactory)


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute

    region = factory.LazyFunction(county_region)
    found_on = _dt.date(2025, 3, 15)
    category = "邻里纠纷"
    parties = "张某与李某"
    summary = "宅基地边界争议"


class InvestmentProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentProject

    deputy = factory.SubFactory(DeputyFactory)
    name = factory.Sequence(lambda n: f"项目{n}")
    region = factory.LazyFunction(county_region)
    introduced_on = _dt.date(2025, 4, 1)
    amount_wan = 1200
    jobs = 30


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    title = "代表履职能力培训班"
    region = factory.LazyFunction(county_region)
    start_date = _dt.date(2025, 5, 10)
    end_date = _dt.date(2025, 5, 11)
    hours = 12

# --- bulletins -------------------------------------------------------------------------------

class BulletinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.Bulletin"

    series = "代表工作"
    year = 2024
    number = factory.Sequence(lambda n: n + 1)
    organ = "襄城县人大常委会代表工作委员会"
    issue_date = dt.date(2024, 11, 20)
    issued_on = factory.LazyAttribute(lambda o: o.issue_date)
    send_to = "市人大常委会代表工委，县委、县人大常委会、县政府、县政协领导。"
    distribute_to = "各乡镇人大主席团，各代表联络站。"
    issuer = "襄城县人大常委会代表工作委员会办公室"
    copies = 100


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.Article"

    bulletin = factory.SubFactory(BulletinFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"代表活动日报道之{n}")
    body = "11月5日，全县各乡镇人大同步开展代表活动日活动。\n代表们面对面听取群众意见建议。"
    contributor = "襄城县人大常委会代表工委供稿"


# --- suggestions: deputies' suggestions ------------------------------------------------------

from suggestions.models import Category, Suggestion  # noqa: E402


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft; move it on with the services (never by setting `status`)."""

    class Meta:
        model = Suggestion

    congress = factory.SubFactory(CongressFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"关于改善第{n}村道路排水的建议")
    content = "村主街排水管网老化，雨后积水严重，建议列入改造计划并落实资金。"
    category = factory.LazyFunction(lambda: Category.objects.get(name="城乡建设"))
    lead_deputy = factory.SubFactory(DeputyFactory)
