"""Django's login backend, with each request's user read together with their region.

Staff pages scope every list by the user's region (`deputywork.roles.scope_region`): read
with the user, it costs no query of its own on each page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("region").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
