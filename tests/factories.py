"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

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
