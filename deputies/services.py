"""Every write of the deputies app: people, seats, memberships, tokens, photos, rosters."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from deputies import public_cache, roster
from deputies.models import (
    ActivityGroup,
    Congress,
    Deputy,
    EndReason,
    GroupRole,
    Mandate,
    MandateStatus,
    Membership,
    new_public_token,
)
from deputywork.services import lock_rows

# What a phone camera or a scanner produces; anything else (PDF, SVG, HEIC …) is refused.
ALLOWED_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}  # MPO: JPEG from some phones
PHOTO_MAX_SIDE = 1200
MAX_PIXELS = 40_000_000


# --- images ----------------------------------------------------------------------------------


def image_reencode(*, upload: UploadedFile | Any, max_side: int = PHOTO_MAX_SIDE,
                   keep_png: bool = False) -> ContentFile:
    """Check an uploaded image and return a fresh copy without EXIF or anything hidden in it.

    Only real images up to `MAX_UPLOAD_IMAGE_BYTES` pass; the copy is re-encoded by Pillow
    (JPEG, or PNG for a QR image that must stay sharp), turned upright, at most `max_side`
    pixels on its longer side. Raises ValidationError with a Chinese message.
    """
    name = getattr(upload, "name", "") or "照片"
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > settings.MAX_UPLOAD_IMAGE_BYTES:
        raise ValidationError(f"图片“{name}”太大，不能超过{settings.MAX_UPLOAD_IMAGE_BYTES // (1024 * 1024)}MB。")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            if fmt not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(f"图片“{name}”的格式不支持，只能上传 JPG、PNG、WEBP、GIF 或 BMP 图片。")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(f"图片“{name}”像素过大。")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if keep_png:
                image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG", optimize=True)
                ext = "png"
            else:
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                image.save(out, "JPEG", quality=85, optimize=True)
                ext = "jpg"
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"文件“{name}”不是图片，只能上传照片（JPG、PNG 等）。") from exc
    return ContentFile(out.getvalue(), name=f"image.{ext}")


def deputy_set_photo(*, deputy: Deputy, upload: UploadedFile | Any) -> Deputy:
    """Store a checked, re-encoded photo (the old file is removed once the change is committed:
    a caller's transaction that rolls back keeps the deputy pointing at a file that is still there)."""
    content = image_reencode(upload=upload)
    old = deputy.photo.name if deputy.photo else ""
    deputy.photo.save(f"{deputy.public_token}.jpg", content, save=False)
    deputy.save(update_fields=["photo", "updated_at"])
    if old and old != deputy.photo.name:
        storage = deputy.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return deputy


def group_set_wechat_qr(*, group: ActivityGroup, upload: UploadedFile | Any) -> ActivityGroup:
    content = image_reencode(upload=upload, max_side=800, keep_png=True)
    group.wechat_qr.save(f"{group.public_token}.png", content, save=False)
    group.save(update_fields=["wechat_qr"])
    return group


# --- people ----------------------------------------------------------------------------------

DEPUTY_EDITABLE = {"name", "gender", "ethnicity", "birth_date", "party", "education", "occupation",
                   "employer_title", "mobile", "email", "residence", "introduction", "user"}


def deputy_create(*, photo: Any = None, **fields: Any) -> Deputy:
    """A new person; `fields` are Deputy fields (name, gender, …); validated before saving."""
    unknown = set(fields) - DEPUTY_EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    deputy = Deputy(**fields)
    deputy.full_clean(exclude=["photo"])
    with transaction.atomic():
        deputy.save()
        if photo is not None:
            deputy_set_photo(deputy=deputy, upload=photo)
    return deputy


def deputy_update(*, deputy: Deputy, photo: Any = None, **fields: Any) -> Deputy:
    unknown = set(fields) - DEPUTY_EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(deputy, name, value)
    deputy.full_clean(exclude=["photo"])
    with transaction.atomic():
        deputy.save()
        if photo is not None:
            deputy_set_photo(deputy=deputy, upload=photo)
    return deputy


def deputy_save(*, deputy: Deputy) -> Deputy:
    """Save a deputy edited in a form (the admin): validated here, whatever the caller checked."""
    deputy.full_clean(exclude=["photo", "user"] if deputy.user_id is None else ["photo"])
    deputy.save()
    return deputy


def token_rotate(*, obj: Deputy | ActivityGroup) -> str:
    """A new public token: the old QR codes and links stop working at once."""
    obj.public_token = new_public_token()
    obj.save(update_fields=["public_token"])
    return obj.public_token


# --- seats -----------------------------------------------------------------------------------


def mandate_add(*, deputy: Deputy, congress: Congress, electoral_district: str = "",
                elected_on: dt.date | None = None) -> Mandate:
    if Mandate.objects.filter(deputy=deputy, congress=congress, status=MandateStatus.ACTIVE).exists():
        raise ValidationError(f"{deputy.name}已是{congress}的在任代表。")
    return Mandate.objects.create(deputy=deputy, congress=congress, electoral_district=electoral_district,
                                  elected_on=elected_on)


def mandate_end(*, mandate: Mandate, ended_on: dt.date, reason: str, note: str = "") -> Mandate:
    """End a seat (辞职, 罢免, 调离, 去世, 其他); the row stays, with date and reason."""
    if reason not in EndReason.values:
        raise ValidationError("请选择终止原因。")
    with transaction.atomic():
        # The person first, then the seat: two of one deputy's seats ended at once would otherwise
        # each still see the other seat active, and neither would end the group work below. No
        # key: seats and memberships added for this deputy meanwhile need not wait.
        lock_rows(Deputy, [mandate.deputy_id], no_key=True)
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if locked.status != MandateStatus.ACTIVE:
            raise ValidationError("该代表资格已经终止。")
        if locked.elected_on and ended_on < locked.elected_on:
            raise ValidationError("终止日期不能早于当选日期。")
        locked.status, locked.ended_on, locked.end_reason, locked.end_note = (
            MandateStatus.ENDED, ended_on, reason, note)
        locked.save(update_fields=["status", "ended_on", "end_reason", "end_note"])
        # Leaving the congress ends group work that depended on it only when no seat remains.
        if not Mandate.objects.filter(deputy_id=locked.deputy_id, status=MandateStatus.ACTIVE).exists():
            Membership.objects.filter(deputy_id=locked.deputy_id, ended_on__isnull=True).update(ended_on=ended_on)
            public_cache.public_pages_changed()  # update() sends no signal
    mandate.refresh_from_db()
    return mandate


# --- memberships -----------------------------------------------------------------------------


def membership_add(*, group: ActivityGroup, deputy: Deputy, role: str = GroupRole.MEMBER,
                   started_on: dt.date | None = None, replace_leader: bool = False) -> Membership:
    """Put a deputy in a group. A second current 组长 is refused unless `replace_leader`,
    which makes the old leader a member."""
    with transaction.atomic():
        ActivityGroup.objects.select_for_update().get(pk=group.pk)
        if Membership.objects.filter(group=group, deputy=deputy, ended_on__isnull=True).exists():
            raise ValidationError(f"{deputy.name}已在{group}中。")
        if role == GroupRole.LEADER:
            _make_room_for_leader(group=group, replace_leader=replace_leader)
        return Membership.objects.create(group=group, deputy=deputy, role=role, started_on=started_on)


def membership_set_role(*, membership: Membership, role: str, replace_leader: bool = False) -> Membership:
    with transaction.atomic():
        ActivityGroup.objects.select_for_update().get(pk=membership.group_id)
        if role == GroupRole.LEADER and membership.role != GroupRole.LEADER:
            _make_room_for_leader(group=membership.group, replace_leader=replace_leader)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_end(*, membership: Membership, ended_on: dt.date) -> Membership:
    if membership.ended_on:
        raise ValidationError("已经退出该小组。")
    if membership.started_on and ended_on < membership.started_on:
        raise ValidationError("退出日期不能早于加入日期。")
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    return membership


def _make_room_for_leader(*, group: ActivityGroup, replace_leader: bool) -> None:
    current = Membership.objects.filter(group=group, role=GroupRole.LEADER, ended_on__isnull=True)
    if current.exists():
        if not replace_leader:
            raise ValidationError(f"{group}已有组长。")
        current.update(role=GroupRole.MEMBER)
        public_cache.public_pages_changed()  # update() sends no signal


# --- rosters ---------------------------------------------------------------------------------


def roster_preview(*, dataset: tablib.Dataset, user: Any = None) -> roster.RosterResult:
    """Check a roster without writing anything: what would be added, updated, refused and why."""
    return roster.check(dataset, user=user)


def roster_import(*, dataset: tablib.Dataset, user: Any = None) -> roster.RosterResult:
    """All or nothing: when any row is bad, nothing is written and the result lists every reason."""
    return roster.write(dataset, user=user)
