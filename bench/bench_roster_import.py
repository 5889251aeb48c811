"""Import a 10,000-row roster (preview included) beside a plain bulk_create of the same rows.

    make bench            # or: python bench/bench_roster_import.py [--rows 10000]

Uses a throw-away SQLite database unless DATABASE_URL is set (then it must be an empty,
disposable database: the bench writes and removes deputies).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from deputies_setup import django_setup

django_setup()

from django.db import transaction  # noqa: E402

from deputies import roster, services  # noqa: E402
from deputies.models import ActivityGroup, Congress, Deputy, Mandate, Membership  # noqa: E402
from deputywork import services as core_services  # noqa: E402
from deputywork.demo import DATA  # noqa: E402
from deputywork.models import Region  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国秀英志强桂兰明丽国庆海燕伟芳敏静军磊洋勇艳杰娟涛超霞平刚红玉华新春晓东文斌"


class Rollback(Exception):
    pass


def make_rows(n: int) -> tuple[list[list[str]], list[dict]]:
    rnd = random.Random(7)
    villages = list(Region.objects.filter(level="village").values_list("name", flat=True))
    groups = list(ActivityGroup.objects.values_list("name", flat=True))
    seen, rows, plain = set(), [], []
    while len(rows) < n:
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        year, month = rnd.randint(1955, 2000), rnd.randint(1, 12)
        if (name, year, month) in seen:
            continue
        seen.add((name, year, month))
        phone = f"13{len(rows):09d}"
        village, group = rnd.choice(villages), rnd.choice(groups)
        rows.append([name, rnd.choice("男女"), "汉族", f"{year}.{month:02d}", "中共党员", "大学本科", "县", "第十七届",
                     f"第{rnd.randint(1, 60)}选区", "襄城县某单位职员", phone, village, group])
        plain.append({"name": name, "birth_date": dt.date(year, month, 1), "phone": phone, "village": village,
                      "group": group})
    return rows, plain


def as_csv(rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(roster.HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    core_services.regions_import(text=DATA.read_text(encoding="utf-8"))
    county = Region.objects.get(code="411025000000")
    congress, _ = Congress.objects.get_or_create(level="county", region=county, term=17,
                                                 defaults={"start_date": dt.date(2021, 12, 28)})
    for township in Region.objects.filter(level="township", code__startswith="411025"):
        ActivityGroup.objects.get_or_create(region=township, name=f"{township.name}代表活动小组")
    rows, plain = make_rows(args.rows)
    data = as_csv(rows)
    n = len(rows)

    # Baseline: the same people, seats and memberships with three plain bulk_create calls.
    regions = {r.name: r.id for r in Region.objects.filter(level="village")}
    groups = {g.name: g.id for g in ActivityGroup.objects.all()}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            people = [Deputy(name=p["name"], gender="male", birth_date=p["birth_date"], party="cpc",
                             education="bachelor", employer_title="襄城县某单位职员", mobile=p["phone"],
                             residence_id=regions[p["village"]]) for p in plain]
            Deputy.objects.bulk_create(people, batch_size=1000)
            Mandate.objects.bulk_create([Mandate(deputy_id=d.pk, congress=congress, electoral_district="第1选区")
                                         for d in people], batch_size=1000)
            Membership.objects.bulk_create([Membership(deputy_id=d.pk, group_id=groups[p["group"]])
                                            for d, p in zip(people, plain, strict=True)], batch_size=1000)
            bulk_seconds = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass

    start = time.perf_counter()
    preview = services.roster_preview(dataset=roster.read_dataset(data, "roster.csv"))
    preview_seconds = time.perf_counter() - start
    assert preview.ok, preview.error_lines()[:5]
    start = time.perf_counter()
    result = services.roster_import(dataset=roster.read_dataset(data, "roster.csv"))
    write_seconds = time.perf_counter() - start
    assert result.written and Deputy.objects.count() == n, Deputy.objects.count()
    import_seconds = preview_seconds + write_seconds

    start = time.perf_counter()
    again = services.roster_import(dataset=roster.read_dataset(data, "roster.csv"))
    again_seconds = time.perf_counter() - start
    assert again.written and Deputy.objects.count() == n

    from django.db import connection

    print(f"roster import, {n} rows, {connection.vendor}")
    print(f"  bulk_create (people + seats + memberships): {bulk_seconds:6.2f} s  {n / bulk_seconds:8.0f} rows/s")
    print(f"  import: preview {preview_seconds:.2f} s + confirm {write_seconds:.2f} s = {import_seconds:6.2f} s  "
          f"{n / import_seconds:8.0f} rows/s")
    print(f"  ratio to bulk_create: {bulk_seconds / import_seconds:.2f} (target >= 0.25)")
    print(f"  re-import of the same file (all unchanged, no duplicates): {again_seconds:.2f} s")


if __name__ == "__main__":
    main()
