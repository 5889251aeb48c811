"""Demo data of the core app: the regions of 襄城县 and 沈丘县, the calendar, staff logins."""

from __future__ import annotations

from pathlib import Path

from deputywork import services, workdays
from deputywork.models import Region, Role, User

DEMO_PASSWORD = "demo-2026"
DATA = Path(__file__).parent / "data" / "demo_regions.csv"


def demo_user(*, username: str, role: str, last_name: str, first_name: str, region: Region | None = None,
              is_superuser: bool = False, email: str = "") -> User:
    """Create or refresh a demo login; its password is always DEMO_PASSWORD."""
    user, created = User.objects.get_or_create(username=username)
    user.role, user.region, user.last_name, user.first_name = role, region, last_name, first_name
    user.is_superuser = is_superuser
    user.is_staff = is_superuser or role in (Role.OFFICE, Role.TOWNSHIP)
    user.email = email or user.email
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def office_for(region: Region | None) -> User | None:
    """The demo's office login of the county `region` lies in (the first office login else)."""
    offices = User.objects.filter(role=Role.OFFICE).select_related("region").order_by("pk")
    return next((u for u in offices if u.region and u.region.contains(region)), offices.first())


def seed(*, stdout) -> list[tuple[str, str]]:
    services.regions_import(text=DATA.read_text(encoding="utf-8"))
    workdays.seed_from_chinesecalendar()
    county = Region.objects.get(code="411025000000")
    chengguan = Region.objects.get(code="411025100000")
    demo_user(username="admin", role="", last_name="系统", first_name="管理员", is_superuser=True)
    demo_user(username="office", role=Role.OFFICE, last_name="王", first_name="建华", region=county,
              email="office@example.cn")
    # One deployment, two counties: each county's office sees its own county only.
    demo_user(username="office-shenqiu", role=Role.OFFICE, last_name="赵", first_name="志刚",
              region=Region.objects.get(code="411624000000"), email="office-shenqiu@example.cn")
    demo_user(username="township", role=Role.TOWNSHIP, last_name="李", first_name="秀兰", region=chengguan)
    stdout.write(f"  regions: {Region.objects.count()}")
    return [
        ("系统管理员", "admin"),
        ("代表工委工作人员（襄城县）", "office"),
        ("代表工委工作人员（沈丘县）", "office-shenqiu"),
        ("乡镇人大工作人员（襄城县城关镇）", "township"),
    ]
