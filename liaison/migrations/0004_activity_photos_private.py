# Activity photos (residents are in them) move from the public media to the private storage.

from django.core.files.storage import default_storage, storages
from django.db import migrations, models

import deputywork.storage


def _move(apps, source, target):
    """Each photo stored in `source` goes to `target` under the same name."""
    ActivityPhoto = apps.get_model("liaison", "ActivityPhoto")
    for name in ActivityPhoto.objects.exclude(image="").values_list("image", flat=True).iterator():
        if source.exists(name) and not target.exists(name):
            with source.open(name, "rb") as fh:
                saved = target.save(name, fh)
            if saved != name:  # never expected: the name was free
                raise RuntimeError(f"{name} was stored as {saved}")
            source.delete(name)


def move_to_private(apps, schema_editor):
    _move(apps, default_storage, storages["private"])


def move_to_public(apps, schema_editor):
    _move(apps, storages["private"], default_storage)


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0003_draft_day_may_be_cancelled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activityphoto",
            name="image",
            field=models.ImageField(storage=deputywork.storage.private_storage, upload_to="liaison/photos/%Y/%m/",
                                    verbose_name="照片"),
        ),
        migrations.RunPython(move_to_private, move_to_public),
    ]
