"""Uploaded photos: images only, at most MAX_UPLOAD_IMAGE_BYTES, re-encoded so that nothing but
pixels survives (no EXIF location, no script hidden in a file that claims to be an image)."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2000


def reencode_image(upload) -> ContentFile:
    """The upload as a fresh JPEG, or a ValidationError in Chinese."""
    limit = settings.MAX_UPLOAD_IMAGE_BYTES
    name = getattr(upload, "name", "") or "photo"
    if upload.size > limit:
        raise ValidationError(f"照片“{name}”超过{limit // (1024 * 1024)}MB，请压缩后再上传。")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"文件“{name}”不是图片，只能上传照片（JPG、PNG 等）。") from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
