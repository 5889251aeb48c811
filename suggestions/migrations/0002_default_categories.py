"""The categories an office starts with; staff edit the list in the admin."""

from django.db import migrations

DEFAULTS = ["城乡建设", "农业农村", "教育", "医疗卫生", "交通", "生态环境", "社会保障", "经济发展", "政法", "其他"]


def seed(apps, schema_editor):
    Category = apps.get_model("suggestions", "Category")
    for order, name in enumerate(DEFAULTS, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_opinions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
