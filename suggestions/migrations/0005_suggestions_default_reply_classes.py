"""The reply classes an office starts with (labels editable in the admin) and its working rules."""

from django.db import migrations

DEFAULTS = [
    ("A", "已经解决或基本解决", False, True),
    ("B", "正在解决或列入计划逐步解决", True, False),
    ("C", "因条件限制需待以后解决", True, False),
    ("D", "留作参考", False, False),
]


def seed(apps, schema_editor):
    ReplyClass = apps.get_model("suggestions", "ReplyClass")
    for code, label, follow_up, solved in DEFAULTS:
        ReplyClass.objects.get_or_create(code=code, defaults={"label": label, "follow_up": follow_up,
                                                              "solved": solved})
    apps.get_model("suggestions", "SuggestionPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0004_suggestions_assignments_replies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
