from django.urls import reverse

from tests.factories import UserFactory


def test_password_change_page_is_the_sites_own_and_changes_the_password(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(role="deputy", username="zhang")
    user.set_password("old-pass-2026")
    user.save()
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert [t.name for t in page.templates][0] == "registration/password_change.html"
    assert "breadcrumbs" not in page.content.decode()  # not the admin's page
    response = client.post(reverse("password_change"), {"old_password": "old-pass-2026",
                                                         "new_password1": "Xq7-new-pass-2026",
                                                         "new_password2": "Xq7-new-pass-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xq7-new-pass-2026")
