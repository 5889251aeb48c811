"""Render 200 A4 QR posters (photo, name, seats, QR code) into one PDF; pages per second and memory.

    make bench            # or: python bench/bench_posters.py [--count 200] [--out /tmp/posters.pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import resource
import time

from deputies_setup import django_setup

django_setup()

from django.core.files.base import ContentFile  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from deputies import posters, qr  # noqa: E402
from deputies.models import ActivityGroup, Congress, Deputy, Mandate, Membership  # noqa: E402
from deputywork.models import Region  # noqa: E402


def photo(i: int) -> ContentFile:
    image = Image.new("RGB", (600, 800), (200 + i % 50, 210, 220))
    ImageDraw.Draw(image).ellipse((150, 120, 450, 480), fill=(120, 90, 70))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"bench-{i}.jpg")


def main() -> None:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    province = Region.objects.create(code="410000000000", name="河南省", level="province")
    city = Region.objects.create(code="411000000000", name="许昌市", level="city", parent=province)
    county = Region.objects.create(code="411025000000", name="襄城县", level="county", parent=city)
    township = Region.objects.create(code="411025106000", name="库庄镇", level="township", parent=county)
    congress = Congress.objects.create(level="county", region=county, term=17, start_date=dt.date(2021, 12, 28))
    group = ActivityGroup.objects.create(region=township, name="库庄镇代表活动小组")
    for i in range(args.count):
        deputy = Deputy.objects.create(name=f"张建{i}", gender="male", birth_date=dt.date(1975, 3, 1),
                                       residence=township, employer_title="襄城县库庄镇前何村党支部书记")
        deputy.photo.save(f"bench-{i}.jpg", photo(i), save=True)
        Mandate.objects.create(deputy=deputy, congress=congress, electoral_district=f"第{i % 12 + 1}选区")
        Membership.objects.create(deputy=deputy, group=group)
    people = list(posters.deputies_for_posters(Deputy.objects.order_by("pk")))

    qr.render_posters([posters.deputy_poster(people[0])])  # fonts loaded once, as in a running server
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    pdf = qr.render_posters([posters.deputy_poster(d) for d in people])
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == args.count, pages
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(pdf)
    print(f"posters: {pages} A4 pages in one PDF ({len(pdf) / 1e6:.1f} MB)")
    print(f"  {seconds:.2f} s, {pages / seconds:.1f} pages/s (target >= 10)")
    print(f"  peak memory (process RSS): {rss_after / 1024:.0f} MB, of which rendering added "
          f"{(rss_after - rss_before) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
