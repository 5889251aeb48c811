"""The resident's path on a phone: poster QR → deputy page → opinion → tracking → rating."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from deputies.posters import deputy_poster
from deputies.qr import render_posters
from suggestions.models import Opinion
from suggestions.workflow import opinion_transition
from tests.browser.conftest import Weight, assert_fits_phone, axe_violations, record_weight
from tests.factories import DeputyFactory, MandateFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm not found: apt-get install poppler-utils"),
]


def url_from_poster(deputy) -> str:
    """Render the deputy's poster PDF, rasterise it, and read the QR code as a camera would."""
    pdf = render_posters([deputy_poster(deputy)])
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "poster.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "poster.pdf", "poster"], cwd=tmp, check=True)
        image = Image.open(Path(tmp) / "poster.png")
        codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1, "the poster should carry exactly one readable QR code"
    return codes[0].text


def a_photo(tmp_path) -> Path:
    path = tmp_path / "积水.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_resident_sends_follows_and_rates_an_opinion(phone, live_server, steps, settings, transactional_db, tmp_path):
    settings.SITE_BASE_URL = live_server.url
    user = UserFactory(username="zhangjianguo", role="deputy")
    deputy = MandateFactory(deputy=DeputyFactory(name="张建国", user=user)).deputy

    url = url_from_poster(deputy)
    assert url.startswith(live_server.url) and deputy.public_token in url
    weight = Weight(phone)
    phone.goto(url)
    record_weight("代表公开页", url, weight.total())
    steps.shot(phone, "deputy-page")
    assert "张建国" in phone.content() and deputy.mobile not in phone.content()
    assert_fits_phone(phone)
    assert axe_violations(phone, "代表公开页") == []

    phone.get_by_role("link", name="向代表反映意见建议").tap()
    steps.shot(phone, "form")
    assert_fits_phone(phone)
    assert axe_violations(phone, "意见表单") == []
    phone.locator("[name=content]").fill("我们村主街排水沟堵了，一下雨就积水到膝盖，老人孩子出行很不方便。")
    phone.locator("[name=photos]").set_input_files(str(a_photo(tmp_path)))
    phone.locator("[name=consent]").check()
    steps.shot(phone, "filled")
    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    steps.shot(phone, "sent")
    code = phone.locator(".code").first.inner_text().strip()
    opinion = Opinion.objects.get(tracking_code=code)
    assert opinion.photos.count() == 1
    assert_fits_phone(phone)

    # The back button alone does not send it again (test_bad_input also sends again after it).
    phone.go_back()
    phone.wait_for_load_state()
    assert Opinion.objects.count() == 1

    opinion_transition(opinion=opinion, to="accepted", actor=user)
    opinion_transition(opinion=opinion, to="answered", actor=user, public_reply="已联系村委会，本周内疏通排水沟。")
    phone.goto(f"{live_server.url}/p/o/{code}/")
    steps.shot(phone, "answered")
    assert "本周内疏通排水沟" in phone.content()
    assert axe_violations(phone, "办理进度") == []
    phone.get_by_label("满意", exact=True).check()
    with phone.expect_navigation():
        phone.locator("form button[type=submit]").last.tap()
    steps.shot(phone, "rated")
    opinion.refresh_from_db()
    assert opinion.rating == "satisfied"
