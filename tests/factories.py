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
