# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
"""The public opinion form from the cache, a lean submit, and rate limits shared through Redis."""

import datetime as dt
import re
import uuid

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from suggestions import services_opinions
from suggestions.models import Category, Opinion, OpinionEvent, OpinionNotice
from suggestions.services_opinions import RateLimited, opinion_rate_check
from suggestions.views_public import CSRF_PLACEHOLDER
from tests.factories import RegionFactory
from tests.suggestions.opinions_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    colleague_user,
    deputy_user,
    form_data,
    village,
)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_url(deputy) -> str:
    return reverse("suggestions:opinion_new_for_deputy", kwargs={"token": deputy.public_token})


def test_form_page_comes_from_the_cache_with_a_token_of_its_own(deputy_user, django_assert_num_queries):
    url = form_url(deputy_user.deputy)
    first = Client(enforce_csrf_checks=True).get(url)
    resident = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second = resident.get(url)
    tokens = [TOKEN.search(r.content.decode()).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1] and CSRF_PLACEHOLDER not in second.content.decode()
    assert "张建国代表" in second.content.decode() and "北关村" in second.content.decode()
    # The token in the cached page is this visitor's: their submit passes the CSRF check.
    response = resident.post(url, {**form_data(), "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302 and Opinion.objects.count() == 1


def test_public_forms_share_their_fields_and_only_the_entry_form_changes_its_own(village):
    from suggestions.forms_opinions import OpinionEntryForm, OpinionForm

    township = village.parent
    one, two, other = OpinionForm(region=township), OpinionForm(region=township), OpinionForm(region=None)
    # Shared, not deep-copied per form (that copying was a fifth of the submit's Python)…
    assert one.fields["content"] is two.fields["content"] and one.fields["place"] is two.fields["place"]
    # …with each township's villages in a place field of its own.
    assert village in one.fields["place"].queryset.all() and other.fields["place"] is not one.fields["place"]
    elsewhere = RegionFactory(code="411025101000", name="库庄镇", parent=township.parent)
    assert list(OpinionForm(region=elsewhere).fields["place"].queryset.all()) == []
    # Rendering lists the choices from copies: the shared querysets are never compiled, which
    # would touch their join counts (two threads rendering at once could write broken SQL).
    shared = [one.fields[name].queryset.query for name in ("place", "category")]
    before = [(dict(q.alias_map), dict(q.alias_refcount)) for q in shared]
    html = str(one) + str(OpinionForm({"content": "太短", "place": str(village.pk)}, region=township))
    assert "北关村" in html and [(dict(q.alias_map), dict(q.alias_refcount)) for q in shared] == before
    entry = OpinionEntryForm(region=township, choose_target=False)
    assert entry.fields["consent"] is not one.fields["consent"]
    assert str(entry.fields["consent"].label) == "群众已同意平台为办理本意见使用其信息"
    assert str(OpinionForm(region=township).fields["consent"].label).startswith("我同意平台")
    assert "website" in OpinionForm(region=township).fields


def test_submit_without_a_csrf_token_is_still_refused(deputy_user):
    resident = Client(enforce_csrf_checks=True)
    resident.get(form_url(deputy_user.deputy))
    assert resident.post(form_url(deputy_user.deputy), form_data()).status_code == 403
    assert not Opinion.objects.exists()


def test_form_shows_new_categories_villages_and_names_at_once(client, deputy_user, township):
    url = form_url(deputy_user.deputy)
    assert "南关社区" not in client.get(url).content.decode()
    RegionFactory(code="411025100202", name="南关社区", parent=township)
    Category.objects.create(name="养老服务", order=99)
    deputy = deputy_user.deputy
    deputy.name = "张建华"
    deputy.save()
    text = client.get(url).content.decode()
    assert "南关社区" in text and "养老服务" in text and "张建华代表" in text


def test_a_logged_in_clerk_gets_the_form_rendered_for_them(client, deputy_user, office_user):
    client.get(form_url(deputy_user.deputy))
    client.force_login(office_user)
    text = client.get(form_url(deputy_user.deputy)).content.decode()
    assert CSRF_PLACEHOLDER not in text and "退出" in text


def test_submit_query_budget(client, deputy_user, village, django_assert_max_num_queries,
                             django_capture_on_commit_callbacks):
    # The first submit to a deputy also loads the deputy (with their township and user) into
    # the cache. Then the place, and on PostgreSQL one round trip for the advisory lock, a
    # double tap's lookup, the opinion, its event and the deputy's notice; elsewhere:
    # savepoint, lookup, opinion, event, notice, release.
    from django.db import connection

    writes = 1 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(2 + writes):
        client.post(form_url(deputy_user.deputy), form_data(content="第一条：村口路灯坏了很久，晚上出行不便。"))
    with django_assert_max_num_queries(1 + writes), django_capture_on_commit_callbacks() as callbacks:
        response = client.post(form_url(deputy_user.deputy), form_data(place=village.pk))
    assert response.status_code == 302 and callbacks == []  # no email from the request: send_notices mails
    opinion = Opinion.objects.get(place=village)
    assert OpinionEvent.objects.filter(opinion=opinion, to_status="submitted").count() == 1
    assert OpinionNotice.objects.filter(opinion=opinion, user=deputy_user).count() == 1


def test_a_deputy_whose_login_is_switched_off_is_not_notified(client, deputy_user):
    client.get(form_url(deputy_user.deputy))
    deputy_user.is_active = False
    deputy_user.save()
    assert client.post(form_url(deputy_user.deputy), form_data()).status_code == 302
    assert not OpinionNotice.objects.exists()


def test_rate_limit_slides_over_the_window_boundary(deputy_user, settings, monkeypatch):
    settings.OPINION_RATE_LIMITS = {"ip": (10, 60), "phone": (5, 3600)}
    start = dt.datetime(2026, 11, 30, 8, 0, 50, tzinfo=dt.UTC)
    monkeypatch.setattr(services_opinions.timezone, "now", lambda: start)
    for _ in range(10):
        opinion_rate_check(ip="10.1.1.1")
    # Fifteen seconds later, in the next fixed minute: fixed windows alone would start again.
    monkeypatch.setattr(services_opinions.timezone, "now", lambda: start + dt.timedelta(seconds=15))
    with pytest.raises(RateLimited):
        opinion_rate_check(ip="10.1.1.1")


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis on this machine (db 5, a prefix of this test's own)."""
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/5", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "deputywork.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/5", "KEY_PREFIX": prefix}}
    yield prefix
    client = redis.Redis.from_url("redis://127.0.0.1:6379/5")
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_rate_limits_hold_across_processes_on_redis(redis_cache, settings, monkeypatch):
    settings.OPINION_RATE_LIMITS = {"ip": (3, 60), "phone": (2, 3600)}
    for _ in range(3):
        opinion_rate_check(ip="10.2.2.2")
    # Another process: a cache backend and Redis connection of its own, the same counters.
    monkeypatch.setattr(caches._connections, "default", caches.create_connection("default"))
    with pytest.raises(RateLimited):
        opinion_rate_check(ip="10.2.2.2")
    opinion_rate_check(ip="10.2.2.3", phone="13912345678")
    opinion_rate_check(ip="10.2.2.4", phone="13912345678")
    with pytest.raises(RateLimited):
        opinion_rate_check(ip="10.2.2.5", phone="13912345678")
    # Every counter expires: none outlives two windows.
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/5")
    ttls = [client.ttl(key) for key in client.scan_iter(f"{redis_cache}:*opinion-rl:*")]
    assert ttls and all(0 < ttl <= 2 * 3600 + 5 for ttl in ttls)


def test_the_rate_limit_loads_its_script_again_when_redis_has_forgotten_it(redis_cache, settings):
    import redis

    settings.OPINION_RATE_LIMITS = {"ip": (2, 60)}
    opinion_rate_check(ip="10.3.3.3")
    redis.Redis.from_url("redis://127.0.0.1:6379/5").script_flush()  # as after a restart of Redis
    opinion_rate_check(ip="10.3.3.3")
    with pytest.raises(RateLimited):
        opinion_rate_check(ip="10.3.3.3")


def test_the_rate_limit_counts_on_when_its_redis_connection_was_dropped(redis_cache, settings, monkeypatch):
    import redis

    settings.OPINION_RATE_LIMITS = {"ip": (2, 60)}
    admin = redis.Redis.from_url("redis://127.0.0.1:6379/5")
    through_redis_py = []
    original = redis.Redis.execute_command
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *args, **options: through_redis_py.append(args[0]) or original(self, *args,
                                                                                                     **options))
    opinion_rate_check(ip="10.3.3.4")
    assert through_redis_py == []  # sent and read on the pooled connection itself
    # Redis ends every other connection (a restart, a timeout): the pool connects anew.
    admin.client_kill_filter(_type="normal", skipme=True)
    through_redis_py.clear()
    opinion_rate_check(ip="10.3.3.4")
    assert through_redis_py == []
    # A reply lost after Redis ran the script: sent again through redis-py's own path, and the
    # hit counted twice (stricter, never looser): 2 + 2 hits, then the limit of 4 is reached.
    settings.OPINION_RATE_LIMITS = {"ip": (4, 60)}
    failures = [redis.ConnectionError("reset by peer")]
    read = redis.connection.AbstractConnection.read_response

    def read_or_fail(self, *args, **options):
        if failures:
            self.disconnect()
            raise failures.pop()
        return read(self, *args, **options)

    monkeypatch.setattr(redis.connection.AbstractConnection, "read_response", read_or_fail)
    opinion_rate_check(ip="10.3.3.4")
    assert through_redis_py == ["EVALSHA"] and failures == []
    with pytest.raises(RateLimited):
        opinion_rate_check(ip="10.3.3.4")


def test_public_pages_work_on_redis(client, redis_cache, deputy_user, django_assert_num_queries):
    url = form_url(deputy_user.deputy)
    client.get(url)
    with django_assert_num_queries(0):
        assert "张建国代表" in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 302


def test_the_cached_deputy_holds_no_password_hash_or_phone(client, deputy_user):
    from django.core.cache import cache

    client.post(form_url(deputy_user.deputy), form_data())
    _, deputy = cache.get(f"public-pages:opinion-target:d:{deputy_user.deputy.public_token}")
    assert deputy.pk == deputy_user.deputy.pk and deputy.user.pk == deputy_user.pk
    assert "mobile" not in deputy.__dict__ and "password" not in deputy.user.__dict__
    # Only what the form and the submit read: quicker to unpickle on every submit.
    assert "introduction" not in deputy.__dict__ and "email" not in deputy.user.__dict__


@pytest.mark.django_db(transaction=True)
def test_three_taps_at_the_same_moment_store_one_opinion(deputy_user):
    import threading

    from django.db import connection, connections

    from suggestions.services_opinions import opinion_submit

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock needs PostgreSQL (SQLite serialises writers itself)")
    deputy = deputy_user.deputy
    barrier = threading.Barrier(3)
    created: list[bool] = []

    def tap() -> None:
        try:
            barrier.wait()
            created.append(opinion_submit(content="同一条意见，同时按了三次提交。", deputy=deputy, consent=True,
                                          sender="10.3.3.3").created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created) == [False, False, True] and Opinion.objects.count() == 1
    # Stored once, outside any transaction of the caller's: the opinion with its event and notice.
    opinion = Opinion.objects.get()
    assert opinion.events.get().to_status == "submitted" and opinion.notices.get().user == deputy_user


def test_a_stations_form_is_cached_and_follows_a_renamed_station(client, township, django_assert_num_queries):
    from tests.factories import LiaisonStationFactory

    station = LiaisonStationFactory(name="城关镇代表联络站", region=township)
    url = reverse("suggestions:opinion_new_for_station", args=[station.public_token])
    assert "城关镇代表联络站" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        client.get(url)
    station.name = "城关镇人大代表联络站"
    station.save()
    assert "城关镇人大代表联络站" in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 302
    assert Opinion.objects.get().station == station


def _prepared_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'opinion_store_%%'")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_submit_is_prepared_once_per_session_and_recovers_when_the_statement_is_gone(deputy_user):
    from django.db import connection

    from suggestions.services_opinions import opinion_submit

    if connection.vendor != "postgresql":
        pytest.skip("prepared on PostgreSQL only")
    deputy = deputy_user.deputy
    first = opinion_submit(content="第一条：村口路灯坏了很久，晚上出行不便。", deputy=deputy, consent=True,
                           resident_name="王'大妈", channel="qr", sender="10.4.4.1").opinion
    opinion_submit(content="第二条：北关村小学门口缺少减速带。", deputy=deputy, consent=True, sender="10.4.4.1")
    assert len(_prepared_statements()) == 1
    # Gone from the session (DEALLOCATE, or a pooler that hands over another session): sent again.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    opinion_submit(content="第三条：村里的饮水井需要清淤。", deputy=deputy, consent=True, sender="10.4.4.1")
    # Still there although this process thinks it is not (a pooler handing back the first session).
    services_opinions._PREPARED.discard(connection.connection)
    opinion_submit(content="第四条：通往镇上的桥栏杆松动了。", deputy=deputy, consent=True, sender="10.4.4.1")
    assert len(_prepared_statements()) == 1 and Opinion.objects.count() == 4
    assert OpinionEvent.objects.filter(to_status="submitted").count() == 4
    assert OpinionNotice.objects.filter(user=deputy_user).count() == 4
    # Every column as the instance had it: the microseconds, the quote, the event's JSON.
    stored = Opinion.objects.get(pk=first.pk)
    assert (stored.submitted_at, stored.tracking_code, stored.resident_name) == (
        first.submitted_at, first.tracking_code, "王'大妈")
    assert stored.events.get().data == {"channel": "qr"} and stored.events.get().note == "扫码反映"


@pytest.mark.django_db(transaction=True)
def test_an_idle_database_session_is_checked_without_a_query_and_a_closed_one_is_noticed():
    import time

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the backend's health check is PostgreSQL's")
    connection.ensure_connection()
    sent = []  # the cursors Django's own check opens to send SELECT 1
    original = connection.connection.cursor
    connection.connection.cursor = lambda *args, **kwargs: sent.append(args) or original(*args, **kwargs)
    try:
        assert connection.is_usable() and sent == []
        # The server ends the session (a restart, pg_terminate_backend): noticed, then asked.
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()
        for _ in range(50):
            if not connection.is_usable():
                break
            time.sleep(0.02)
        assert not connection.is_usable() and sent
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_submit_does_not_depend_on_the_prepared_statement(deputy_user, monkeypatch):
    from django.db import IntegrityError, connection, transaction

    from suggestions.services_opinions import opinion_submit
    from tests.suggestions.opinions_support import photo_bytes

    if connection.vendor != "postgresql":
        pytest.skip("prepared on PostgreSQL only")
    deputy = deputy_user.deputy
    taken = opinion_submit(content="第一条：村口路灯坏了很久，晚上出行不便。", deputy=deputy, consent=True,
                           sender="10.5.5.1").opinion.tracking_code
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # the session lost it (or a pooler handed over another)
    # With photos the submit runs in a transaction of its own, where a failed string could not
    # be sent again: it sends the statement whole, and the resident's text and photo are kept.
    with_photo = opinion_submit(content="第二条：北关村小学门口缺少减速带。", deputy=deputy, consent=True,
                                sender="10.5.5.1", photos=[photo_bytes()]).opinion
    assert with_photo.photos.count() == 1 and _prepared_statements() == []
    # A failure inside the caller's transaction leaves nothing behind for the next submit.
    monkeypatch.setattr(Opinion._meta.get_field("tracking_code"), "_get_default", lambda: taken)
    with pytest.raises(IntegrityError), transaction.atomic():
        opinion_submit(content="第三条：村里的饮水井需要清淤。", deputy=deputy, consent=True, sender="10.5.5.1")
    monkeypatch.undo()
    with transaction.atomic():
        opinion_submit(content="第三条：村里的饮水井需要清淤。", deputy=deputy, consent=True, sender="10.5.5.1")
    opinion_submit(content="第四条：通往镇上的桥栏杆松动了。", deputy=deputy, consent=True, sender="10.5.5.1")
    assert Opinion.objects.count() == 4 and len(_prepared_statements()) == 1


@pytest.mark.django_db(transaction=True)
def test_behind_a_transaction_pooler_the_submit_sends_its_statement_whole(deputy_user, monkeypatch,
                                                                         django_assert_num_queries):
    from django.db import connection

    from suggestions.services_opinions import opinion_submit

    if connection.vendor != "postgresql":
        pytest.skip("prepared on PostgreSQL only")
    # What Django asks of a database behind PgBouncer in transaction mode.
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    connection.close()
    deputy = deputy_user.deputy
    with django_assert_num_queries(1):  # the lock, the look-up and the three inserts
        first = opinion_submit(content="第一条：村口路灯坏了很久，晚上出行不便。", deputy=deputy, consent=True,
                               sender="10.6.6.1")
    again = opinion_submit(content="第一条：村口路灯坏了很久，晚上出行不便。", deputy=deputy, consent=True,
                           sender="10.6.6.1")
    assert first.created and not again.created and again.opinion.pk == first.opinion.pk
    assert _prepared_statements() == [] and Opinion.objects.count() == 1
    assert first.opinion.notices.get().user == deputy_user and first.opinion.events.count() == 1


def test_the_tracking_path_is_what_reverse_gives_under_any_script_prefix():
    from django.urls import set_script_prefix

    from suggestions.views_public import track_path

    try:
        for prefix in ("/", "/rd/", "/0000000000/"):
            set_script_prefix(prefix)
            assert track_path("K7M2Q9XAB3") == reverse("suggestions:opinion_track", args=["K7M2Q9XAB3"])
            assert track_path("K7M2Q9XAB3").startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_process_keeps_the_forms_recipient_and_reads_only_the_version(client, redis_cache, deputy_user):
    from deputies import public_cache

    deputy = deputy_user.deputy
    key = f"opinion-target:d:{deputy.public_token}"
    assert public_cache.entry_keys(key, keep=True) == [public_cache.VERSION_KEY, f"public-pages:{key}"]
    assert client.post(form_url(deputy), form_data()).status_code == 302
    # Held in this process: the next submit reads the version alone, and unpickles nothing.
    assert public_cache.entry_keys(key, keep=True) == [public_cache.VERSION_KEY]
    # A change anywhere sets a new version: the next submit sees the deputy as they are now.
    deputy.name = "张新国"
    deputy.save()
    refused = client.post(form_url(deputy), form_data(content="太短"))
    assert refused.status_code == 200 and "张新国代表" in refused.content.decode()


def test_kept_entries_are_few_and_live_no_longer_than_the_cache_entry(db, monkeypatch):
    import time

    from deputies import public_cache

    monkeypatch.setattr(public_cache, "KEPT_ENTRIES", 2)
    public_cache._kept.clear()
    for number in range(2):
        assert public_cache.cached(f"kept-{number}", lambda number=number: number, keep=True) == number
    public_cache.public_pages_changed()  # kept-0 is stored anew: kept-1 is now the one stored longest ago
    assert public_cache.cached("kept-0", lambda: "zero", keep=True) == "zero"
    assert public_cache.cached("kept-2", lambda: 2, keep=True) == 2
    assert list(public_cache._kept) == ["public-pages:kept-0", "public-pages:kept-2"]
    assert public_cache.entry_keys("kept-2", keep=True) == [public_cache.VERSION_KEY]
    later = time.monotonic() + public_cache.ENTRY_SECONDS + 1
    monkeypatch.setattr(public_cache.time, "monotonic", lambda: later)
    assert public_cache.entry_keys("kept-2", keep=True) == [public_cache.VERSION_KEY, "public-pages:kept-2"]
    public_cache._kept.clear()


def test_the_submit_builds_its_opinion_as_django_would(deputy_user, village, django_assert_num_queries):
    from suggestions.services_opinions import _new_instance

    deputy = deputy_user.deputy
    values = {"channel": "qr", "content": "村口的路灯坏了很久，晚上出行不便。", "resident_phone": "13912345678",
              "consent": True, "fingerprint": "f" * 64}
    built = _new_instance(Opinion, values, {"deputy": deputy, "place": village})
    plain = Opinion(**values, deputy=deputy, place=village)
    for field in Opinion._meta.concrete_fields:
        if field.name != "tracking_code":
            assert getattr(built, field.attname) == getattr(plain, field.attname), field.name
    assert built._state.adding and built.pk is None and len(built.tracking_code) == 10
    assert built.tracking_code != _new_instance(Opinion, values, {}).tracking_code
    with django_assert_num_queries(0):  # the related objects given are the instance's own
        assert built.deputy is deputy and built.place is village and built.group is None


@pytest.mark.django_db(transaction=True)
def test_the_submit_passes_djangos_cursor_by_unless_queries_are_recorded(deputy_user, monkeypatch):
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from suggestions.services_opinions import opinion_submit

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement store is PostgreSQL's")
    deputy = deputy_user.deputy
    with monkeypatch.context() as patched:
        patched.setattr(type(connections["default"]), "cursor", lambda self: pytest.fail("Django's cursor was used"))
        opinion_submit(content="第一条：村口路灯坏了很久，晚上出行不便。", deputy=deputy, consent=True,
                       sender="10.6.6.1")
    # Recorded (DEBUG, the tests' query counts), it goes through Django's cursor and is seen.
    with CaptureQueriesContext(connection) as recorded:
        opinion_submit(content="第二条：北关村小学门口缺少减速带。", deputy=deputy, consent=True, sender="10.6.6.1")
    assert any("pg_advisory_xact_lock" in query["sql"] for query in recorded.captured_queries)
    assert Opinion.objects.count() == 2 and OpinionEvent.objects.count() == 2


@pytest.mark.parametrize(("overrides", "photo", "valid"), [
    ({}, None, True), ({"content": None}, None, False), ({"content": "太短了"}, None, False),
    ({"resident_phone": "1234"}, None, False), ({"resident_phone": "139 1234 5678"}, None, False),
    ({"resident_phone": "", "callback_ok": "on"}, None, False), ({"consent": None}, None, False),
    ({"website": "http://spam.example"}, None, True),
    ({"content": "<script>alert(1)</script>村口路灯坏了很久"}, None, True),
    ({"place": "999999"}, None, False), ({}, b"not an image", False), ({}, "photo", True),
])
def test_the_public_forms_cleaning_gives_what_djangos_own_loop_gives(village, overrides, photo, valid):
    from django import forms
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from suggestions.forms_opinions import OpinionForm
    from tests.suggestions.opinions_support import photo_bytes

    class DjangosLoop(OpinionForm):
        _clean_fields = forms.Form._clean_fields

    DjangosLoop.base_fields = OpinionForm.base_fields
    data = {"place": str(village.pk), **form_data(**overrides)}
    content = photo_bytes() if photo == "photo" else photo

    def cleaned(form_class: type[OpinionForm]) -> tuple:
        files = MultiValueDict({"photos": [SimpleUploadedFile("a.jpg", content, "image/jpeg")]} if photo else {})
        form = form_class(data, files, region=village.parent)
        return form.is_valid(), form.cleaned_data, form.errors.get_json_data(), form._bound_fields_cache

    *ours, made = cleaned(OpinionForm)
    *djangos, djangos_made = cleaned(DjangosLoop)
    assert ours == djangos and ours[0] is valid
    # What it saves: cleaning makes no BoundField (Django's loop makes one per field); only the
    # errors, which the page shows next to their fields, make theirs.
    assert set(made) <= set(ours[2]) and len(djangos_made) == len(OpinionForm.base_fields)
