"""The admin speaks Chinese where Django's own zh_Hans catalog falls short (the two-box picker)."""

from __future__ import annotations

import re
from pathlib import Path

import django.contrib.admin
from django.conf import settings
from django.urls import reverse
from django.utils.translation.trans_real import DjangoTranslation

from tests.factories import HandlingUnitFactory

ADMIN_JS = Path(django.contrib.admin.__file__).parent / "static/admin/js"
OURS = Path(settings.BASE_DIR) / "static/js/admin-zh.js"


def _strings(source: str) -> set[str]:
    return {m.replace("\\'", "'") for m in re.findall(r"gettext\('((?:[^'\\]|\\.)*)'", source)}


def test_every_string_of_the_two_box_picker_has_chinese():
    django_zh = DjangoTranslation("zh-hans", domain="djangojs",
                                  localedirs=[Path(django.contrib.admin.__file__).parent / "locale"])
    ours = set(re.findall(r"^\s*'(.+?)': '", OURS.read_text(encoding="utf-8"), re.MULTILINE))
    picker = _strings((ADMIN_JS / "SelectFilter2.js").read_text(encoding="utf-8"))
    assert picker, "the picker's strings were not found"
    untranslated = {s for s in picker if django_zh.gettext(s) == s and s not in ours}
    assert not untranslated


def test_admin_pages_load_the_chinese_strings(client, office_user):
    unit = HandlingUnitFactory()
    client.force_login(office_user)
    page = client.get(reverse("admin:suggestions_handlingunit_change", args=[unit.pk])).content.decode()
    assert "js/admin-zh.js" in page
    # Ahead of the admin's own catalog, which keeps the keys already there.
    assert page.index("js/admin-zh.js") < page.index(reverse("admin:jsi18n"))
