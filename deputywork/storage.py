"""The storage of files only some people may read (residents' photos, signed replies, uploads)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.functional import cached_property


def private_storage() -> Storage:
    """For a model field: the "private" storage of STORAGES."""
    return storages["private"]


def private_file_response(file: FieldFile, **kwargs) -> FileResponse:
    """A stored private file, for a view that has checked who asks: kept by the browser only
    (`kwargs` as FileResponse's: content_type, as_attachment, filename)."""
    response = FileResponse(file.open("rb"), **kwargs)
    response["Cache-Control"] = "private, max-age=3600"
    return response


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under PRIVATE_MEDIA_ROOT, apart from the public media.

    The directory is read from the setting when first used and again whenever the setting
    changes, as Django's storage does for MEDIA_ROOT: a model field keeps the storage it was
    given when its class was made, so a directory fixed then would hold tests' files too.
    No URL serves these files; views that check who asks do.
    """

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting: str, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
