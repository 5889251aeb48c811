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
