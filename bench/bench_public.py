"""Load test of the residents' opinion pages on gunicorn over loopback, with wrk, on PostgreSQL.

Measures, in one run and on the same server settings: a bare Django view (GET), the deputy's
public page (GET /p/d/<token>/, what the QR code opens), the deputy's opinion form page (GET)
and the submit endpoint (POST, one opinion stored each, with its event and the deputy's portal
notice; `send_notices` mails later). Prints rps, p95, the ratios to the bare view and the CPU
each request cost the machine, gunicorn, PostgreSQL and Redis. Targets: page >= 0.35, submit >= 0.20.

The cache is Redis as in production (CACHE_URL, default db 5 on 127.0.0.1:6379), and the rate
limit counts every submit there (with limits set out of reach, see bench_settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dw_opinions_bench python bench/bench_public.py
    [--duration 3] [--rounds 6] [--connections 16] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dw_opinions_bench")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
os.environ["DEBUG"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
PORT = int(os.environ.get("BENCH_PORT", "8194"))

LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH rps=%.1f p95_ms=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""

# Each submit differs (a double tap would store nothing): a counter and a per-thread random
# number of fixed width fill a slot in a request built once, so that wrk spends no more on a
# POST than on a GET (building each request with wrk.format cost it a few percent of the CPU).
LUA_POST = """
local n = 0
local head, tail
local slot = string.rep("X", 18)
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local seed = math.random(1, 999999999)
request = function()
  if not head then
    local body = "content=bench+opinion+" .. slot .. "+street+light+broken"
      .. "&consent=on&csrfmiddlewaretoken=%s"
    local whole = wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=%s", ["Referer"] = "http://127.0.0.1:%d%s"}, body)
    local at = whole:find(slot, 1, true)
    head, tail = whole:sub(1, at - 1), whole:sub(at + #slot)
  end
  n = n + 1
  return head .. string.format("%%09d%%09d", seed, n) .. tail
end
"""


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> str:
    """Migrate, load regions and one deputy with a login and an email; the deputy's public token."""
    import django

    django.setup()
    from django.core.management import call_command

    from deputies.models import Deputy
    from deputywork.demo import DATA
    from deputywork.models import Region, User
    from deputywork.services import regions_import

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_import(text=DATA.read_text(encoding="utf-8"))
    deputy, _ = Deputy.objects.get_or_create(
        name="压测代表", defaults={"gender": "male", "residence": Region.objects.get(code="411025100201")})
    if deputy.user_id is None or not deputy.email or not deputy.introduction:
        # As a real deputy: opinions are noticed in the portal and mailed.
        deputy.user, _ = User.objects.get_or_create(username="bench-deputy", defaults={"role": "deputy"})
        deputy.email = "bench-deputy@example.cn"
        deputy.introduction = "长期关注农村道路、饮水安全和留守老人照料。\n欢迎群众扫码反映问题。"
        deputy.save()
    # Every run starts from the same tables: the opinions earlier runs sent go, with their events
    # and notices.
    from suggestions.models import Opinion

    Opinion.objects.filter(deputy=deputy).delete()
    return deputy.public_token


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """CPU time so far (user + system) of the machine, the gunicorn processes, PostgreSQL and Redis."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    found = {"machine": (sum(fields) - fields[3] - fields[4]) / CLOCK_TICKS, "gunicorn": 0.0, "postgres": 0.0,
             "redis": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        used = sum(int(x) for x in stat[stat.rindex(")") + 2:].split()[11:13]) / CLOCK_TICKS
        if b"gunicorn" in cmdline:
            found["gunicorn"] += used
        elif name in ("postgres", "postmaster"):
            found["postgres"] += used
        elif name.startswith("redis-server"):
            found["redis"] += used
    return found


def wrk(url: str, duration: int, connections: int, script: str) -> tuple[float, float, dict[str, float]]:
    """Requests per second, p95 in ms, and the CPU milliseconds per request (machine, gunicorn, …)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script + LUA_REPORT)
    before = cpu_seconds()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", f.name, url],
                         capture_output=True, text=True, check=True).stdout
    after = cpu_seconds()
    os.unlink(f.name)
    m = re.search(r"BENCH rps=([\d.]+) p95_ms=([\d.]+) errors=(\d+)", out)
    if not m:
        raise SystemExit(out)
    if int(m.group(3)):
        print(f"  warning: {m.group(3)} errors for {url}")
    served = float(m.group(1)) * duration
    return float(m.group(1)), float(m.group(2)), {k: (after[k] - before[k]) * 1000 / served for k in after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per endpoint and round")
    parser.add_argument("--rounds", type=int, default=6,
                        help="each round measures every endpoint once; figures are the rounds' medians")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    ensure_database()
    token = prepare()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("the benchmark runs on PostgreSQL")
    connection.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "deputywork.wsgi", f"--bind=127.0.0.1:{PORT}",
         f"--workers={args.workers}", "--worker-class=sync", "--log-level=warning", "--chdir", str(ROOT)],
        env={**os.environ}, cwd=ROOT)
    base = f"http://127.0.0.1:{PORT}"
    page_path = f"/p/d/{token}/"
    form_path = f"/p/d/{token}/opinion/"
    rounds: list[dict[str, tuple[float, float, dict[str, float]]]] = []
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/bench/bare/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = opener.open(base + form_path).read().decode()
        csrf_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        csrf_cookie = next(c.value for c in jar if c.name == "csrftoken")
        post_script = LUA_POST % (csrf_form, form_path, csrf_cookie, PORT, form_path)
        endpoints = {
            "bare view (GET)": (base + "/bench/bare/", ""),
            "deputy's page (GET)": (base + page_path, ""),
            "opinion form page (GET)": (base + form_path, ""),
            "submit (POST, 1 write)": (base + form_path, post_script),
        }
        for url, script in endpoints.values():  # warm up every worker
            wrk(url, 2, args.connections, script)
        # Rounds interleave the endpoints, so that other work on the machine weighs on all of
        # them alike; each ratio is taken within its round, next to its own bare figure.
        for _ in range(args.rounds):
            rounds.append({name: wrk(url, args.duration, args.connections, script)
                           for name, (url, script) in endpoints.items()})
    finally:
        server.terminate()
        server.wait(10)
    print(f"gunicorn sync workers={args.workers}, wrk -t2 -c{args.connections}, {args.rounds} rounds of "
          f"{args.duration}s per endpoint, PostgreSQL, cache {os.environ['CACHE_URL'].split(':')[0]}")
    print(f"{'endpoint':28} {'rps':>9} {'p95 ms':>8} {'ratio':>6}   ratio per round")
    ratios = {}
    for name in rounds[0]:
        per_round = [r[name][0] / r["bare view (GET)"][0] for r in rounds]
        ratios[name] = statistics.median(per_round)
        print(f"{name:28} {statistics.median(r[name][0] for r in rounds):9.1f} "
              f"{statistics.median(r[name][1] for r in rounds):8.2f} {ratios[name]:6.2f}   "
              + " ".join(f"{x:.2f}" for x in per_round))
    # Where the time goes: the CPU the machine spent per request, and the share of each process
    # (wrk, the kernel's own threads and the rest make up the difference).
    print(f"\n{'CPU ms per request':28} {'machine':>9} {'gunicorn':>9} {'postgres':>9} {'redis':>9}")
    for name in rounds[0]:
        cpu = {k: statistics.median(r[name][2][k] for r in rounds) for k in rounds[0][name][2]}
        print(f"{name:28} {cpu['machine']:9.3f} {cpu['gunicorn']:9.3f} {cpu['postgres']:9.3f} {cpu['redis']:9.3f}")
    pages = min(ratios["deputy's page (GET)"], ratios["opinion form page (GET)"])
    submit = ratios["submit (POST, 1 write)"]
    print(f"targets: pages >= 0.35 ({'met' if pages >= 0.35 else 'MISSED'}), "
          f"submit >= 0.20 ({'met' if submit >= 0.20 else 'MISSED'})")


if __name__ == "__main__":
    main()
