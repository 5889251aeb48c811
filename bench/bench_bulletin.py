"""Render an 8-page issue of 《代表工作》 beside a bare WeasyPrint render of the same text.

    make bench            # or: python bench/bench_bulletin.py [--pages 8] [--rounds 9] [--out /tmp/b.pdf]

Time: all renders run in this process, alternately, after one warm-up each; the figure is the
median CPU time per render. Memory, two figures: the median peak of Python allocations
(tracemalloc) per render, which misses what Pango, HarfBuzz, fontconfig and cairo allocate in
C; and the peak resident set (RSS) of one render in a fresh child process, which sees it all.
The child (spawned, not forked, so it inherits nothing) sets up Django, builds the same issue,
renders once to warm up, resets the kernel's high-water mark (/proc/self/clear_refs) and
renders again: "peak RSS" is the process's high-water mark during that render, "+render" how
far it rose above the RSS just before it (Django, WeasyPrint and the issue already loaded). The
"bare" render is the same title and paragraphs in a plain HTML page (A4, Noto Serif CJK SC
16 pt, no masthead, no grid, no justification, no closing block, no page numbers), rendered
the plain way, `HTML(string=...).write_pdf()`. Target: bulletin / bare <= 1.3.

"bulletin" is a render in a process that has rendered before, the usual case in a server: the
font configuration and the parsed stylesheet are kept per thread (bulletins.pdf.stylesheet).
Also printed, to show where the time goes and that the comparison is fair:
  bulletin-cold  the same in a new thread, which builds that setup first (the reduced font
                 copies of bulletins.fonts stay on disk; cutting them is a one-off ~0.5 s);
  ragged         the bulletin without justification;
  bare-warm      the bare page given one reused font configuration, as the bulletin has;
  bare4          the bare page with its headings in the two extra faces the bulletin must
                 embed, 黑体 and 楷体 (full system faces, as a plain page would use them).
Uses an in-memory SQLite database; the only file written is the font cache (var/cache/fonts).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import gc
import html
import io
import multiprocessing
import os
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deputywork.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from bulletins import demo, fonts, pdf, rendering, services, text  # noqa: E402
from bulletins.models import Bulletin  # noqa: E402

BODIES = [demo.ACTIVITY_DAY.replace("［统计］\n", ""), demo.STATIONS, demo.LIVELIHOOD, demo.XUCHANG]
TITLES = ["我县同步开展“代表活动日”活动", "我县代表联络站建设提质增效", "县人大代表集中视察民生实事项目",
          "许昌市开展“人大代表在行动”系列活动"]


def build_issue(pages: int, articles: int = 0) -> Bulletin:
    """An issue of at least `pages` pages, or of exactly `articles` articles when that is given."""
    bulletin = services.bulletin_create(
        series="代表工作", year=2024, number=38, running_number=138, issue_date=dt.date(2024, 11, 20),
        issued_on=dt.date(2024, 11, 20), special_column=demo.SPECIAL, send_to=demo.SEND,
        distribute_to=demo.DISTRIBUTE, copies=120)
    count = 0
    while True:
        i = count % len(BODIES)
        services.article_create(bulletin=bulletin, title=TITLES[i], body=BODIES[i],
                                contributor="襄城县人大常委会代表工委供稿")
        count += 1
        fresh = rendered(bulletin)
        if articles:
            if count >= articles:
                return fresh
        elif len(PdfReader(io.BytesIO(rendering.render_pdf(fresh))).pages) >= pages:
            return fresh


def rendered(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.prefetch_related("articles__images", "articles__tables").get(pk=bulletin.pk)


def bare_html(bulletin: Bulletin, *, same_faces: bool = False) -> str:
    """The issue's titles and paragraphs in a plain page. With `same_faces`, headings use the faces
    the bulletin needs (黑体-like sans for 一、, 楷体 for （一）), so only the layout differs."""
    parts = ["<!doctype html><html lang='zh-Hans'><meta charset='utf-8'><style>@page{size:A4;margin:25mm}"
             "body{font:16pt/1.8 'Noto Serif CJK SC'} .h1{font-family:'Noto Sans CJK SC'}"
             ".h2{font-family:'AR PL UKai CN'}</style><body>"]
    for article in bulletin.articles.all():
        parts.append(f"<h2>{html.escape(article.title)}</h2>")
        for line in article.body.splitlines():
            kind = f"h{text.heading_level(line)}" if same_faces and text.heading_level(line) else "p"
            if line.strip():
                parts.append(f"<p class='{kind}'>{html.escape(line)}</p>")
    return "".join(parts)


def measure(fn) -> tuple[float, int, bytes]:  # noqa: ANN001
    """CPU time of one render (steadier than wall time on a shared machine; the render is
    single-threaded, so they agree on an idle one), then the peak of Python allocations of
    another (tracemalloc slows Python down several times, so it is off while timing). Garbage
    is collected before each, so that no render pays for the cycles the one before it left."""
    gc.collect()
    started = time.process_time()
    data = fn()
    elapsed = time.process_time() - started
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak, data


def make_renders(bulletin: Bulletin) -> dict:
    """The renders compared, by name, each a function returning the PDF's bytes."""
    source = bare_html(bulletin)
    source_faces = bare_html(bulletin, same_faces=True)

    def ours() -> bytes:
        return rendering.render_pdf(rendered(bulletin))

    def ours_cold() -> bytes:
        # A thread of its own starts with no font configuration or stylesheet and drops them
        # when it ends, leaving this thread's for the other renders. (The issue is read here:
        # an in-memory SQLite database is one per connection, and a thread has its own.)
        issue, result = rendered(bulletin), []
        thread = threading.Thread(target=lambda: result.append(rendering.render_pdf(issue)))
        thread.start()
        thread.join()
        return result[0]

    def bare() -> bytes:
        return HTML(string=source).write_pdf()

    bare_fonts = FontConfiguration()

    def bare_warm() -> bytes:
        return HTML(string=source).write_pdf(font_config=bare_fonts)

    def bare_faces() -> bytes:
        return HTML(string=source_faces).write_pdf()

    # For the breakdown only: the same bulletin with ragged lines (no inter-character justification).
    ragged_html = rendering.render_html(rendered(bulletin), for_pdf=True)
    ragged_css = render_to_string(rendering.CSS_TEMPLATE).replace("text-align: justify;", "")

    def ragged() -> bytes:
        return pdf.html_to_pdf(ragged_html, css=ragged_css, font_files=fonts.reduced_files(), foot_class="closing")

    renders = {"bulletin": ours, "bulletin-cold": ours_cold, "ragged": ragged, "bare": bare,
               "bare-warm": bare_warm, "bare4": bare_faces}
    return renders


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_child(name: str, articles: int) -> tuple[int, int]:
    """In a fresh process: RSS before one warm render of `name` and the peak during it, in kB."""
    call_command("migrate", verbosity=0)
    fn = make_renders(build_issue(0, articles))[name]
    fn()  # warm-up, as in the timing: fonts loaded, template compiled, setup kept per thread
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # the high-water mark starts again from the RSS of now
    before = _status_kb("VmRSS")
    fn()
    return before, _status_kb("VmHWM")


def measure_rss(name: str, articles: int) -> tuple[int, int]:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(rss_child, name, articles).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--rss-rounds", type=int, default=3,
                        help="fresh child processes per render for its peak RSS (median)")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    pdf.require_cjk_fonts()
    bulletin = build_issue(args.pages)
    renders = make_renders(bulletin)
    for fn in renders.values():  # warm-up: fonts loaded and cut, template compiled
        fn()
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in renders}
    outputs: dict[str, bytes] = {}
    for _ in range(args.rounds):
        for name, fn in renders.items():
            elapsed, peak, data = measure(fn)
            results[name].append((elapsed, peak))
            outputs[name] = data
    if args.out:
        Path(args.out).write_bytes(outputs["bulletin"])
    pages = {name: len(PdfReader(io.BytesIO(data)).pages) for name, data in outputs.items()}
    font_counts = {name: len({str(f.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(data)).pages
                        for f in page["/Resources"]["/Font"].values()}) for name, data in outputs.items()}
    chars = sum(len(a.body) + len(a.title) for a in bulletin.articles.all())
    print(f"issue: {bulletin.articles.count()} articles, {chars} characters; "
          f"bulletin {pages['bulletin']} pages / {font_counts['bulletin']} fonts, bare {pages['bare']} pages / "
          f"{font_counts['bare']} fonts; {args.rounds} rounds (median)")
    med = {name: (statistics.median(t for t, _ in r), statistics.median(m for _, m in r))
           for name, r in results.items()}
    # After the timing, one child at a time: the machine's other core stays free for others.
    articles = bulletin.articles.count()
    rss: dict[str, tuple[float, float]] = {}
    for name in renders:
        found = [measure_rss(name, articles) for _ in range(args.rss_rounds)]
        rss[name] = (statistics.median(peak for _, peak in found) * 1024,
                     statistics.median(peak - before for before, peak in found) * 1024)
    print(f"  {'':13s} {'CPU':>10s}   {'Python peak':>11s}   {'peak RSS':>8s}   {'+render':>7s}"
          f"   (RSS: median of {args.rss_rounds} fresh processes)")
    for name in renders:
        t, m = med[name]
        print(f"  {name:13s} {t * 1000:7.0f} ms   {m / 1e6:8.1f} MB   {rss[name][0] / 1e6:5.0f} MB"
              f"   {rss[name][1] / 1e6:4.0f} MB")

    def ratio(a: str, b: str) -> str:
        return (f"time {med[a][0] / med[b][0]:.2f}x   Python peak {med[a][1] / med[b][1]:.2f}x   "
                f"peak RSS {rss[a][0] / rss[b][0]:.2f}x   +render {rss[a][1] / rss[b][1]:.2f}x")

    print(f"  ratio bulletin / bare            {ratio('bulletin', 'bare')}   (target <= 1.3x)")
    print(f"  ratio bulletin-cold / bare       {ratio('bulletin-cold', 'bare')}")
    print(f"  ratio bulletin / bare-warm       {ratio('bulletin', 'bare-warm')}")
    print(f"  ratio bulletin / bare4           {ratio('bulletin', 'bare4')}")
    print(f"  ratio bulletin / ragged          {ratio('bulletin', 'ragged')}   (what justification costs)")


if __name__ == "__main__":
    main()
