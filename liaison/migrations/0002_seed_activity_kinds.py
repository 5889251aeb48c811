from django.db import migrations

KINDS = ["接待选民", "走访群众", "座谈会", "视察", "调研", "执法检查", "专题询问", "履职评议", "圆桌会议",
         "局长·代表面对面", "政策宣讲", "法律援助进基层", "招商引资", "其他"]


def seed(apps, schema_editor):
    ActivityKind = apps.get_model("liaison", "ActivityKind")
    for order, name in enumerate(KINDS, start=1):
        ActivityKind.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
