from django.db import migrations, models


def backfill(apps, schema_editor) -> None:
    """Until now the flag lived only in the forward event's data: copy it to the opinion."""
    Opinion = apps.get_model("suggestions", "Opinion")
    OpinionEvent = apps.get_model("suggestions", "OpinionEvent")
    estimated = (OpinionEvent.objects.filter(to_status="forwarded", data__estimated=True)
                 .values_list("opinion_id", flat=True))
    Opinion.objects.filter(pk__in=list(estimated), due_date__isnull=False).update(due_estimated=True)


class Migration(migrations.Migration):

    dependencies = [
        ("suggestions", "0006_opinion_station_and_reception"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="due_estimated",
            field=models.BooleanField(default=False, verbose_name="期限按估算日历"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
