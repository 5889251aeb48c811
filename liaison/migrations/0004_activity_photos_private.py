# Activity photos (residents are in them) move from the public media to the private storage.

from django.core.files.storage import default_storage, storages
from django.db import migrations, models

import deputywork.storage


def move_to_private(apps, schema_editor):
    """Each photo already stored goes to the private storage under the same name."""
    private = storages["private"]
    ActivityPhoto = apps.get_model("liaison", "ActivityPhoto")
    for name in ActivityPhoto.objects.exclude(image="").values_list("image", flat=True).iterator():
        if default_storage.exists(name) and not private.exists(name):
            with default_storage.open(name, "rb") as fh:
                saved = private.save(name, fh)
            if saved != name:  # never expected: the name was free
                raise RuntimeError(f"{name} was stored as {saved}")
            default_storage.delete(name)


def move_to_public(apps, schema_editor):
    private = storages["private"]
    ActivityPhoto = apps.get_model("liaison", "ActivityPhoto")
    for name in ActivityPhoto.objects.exclude(image="").values_list("image", flat=True).iterator():
        if private.exists(name) and not default_storage.exists(name):
            with private.open(name, "rb") as fh:
                default_storage.save(name, fh)
            private.delete(name)


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
