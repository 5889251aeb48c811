"""Load the State Council's holiday schedules that chinesecalendar knows, so that deadlines
count working days from the first start. Staff corrections come later, in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("deputywork", "CalendarDay")
    CalendarYear = apps.get_model("deputywork", "CalendarYear")
    rows = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows[day] = CalendarDay(date=day, kind="holiday", name=str(getattr(name, "value", name)), seeded=True)
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = CalendarDay(date=day, kind="workday", name=str(getattr(name, "value", name)), seeded=True)
    CalendarDay.objects.bulk_create(rows.values(), ignore_conflicts=True)
    years = sorted({d.year for d in rows})
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, note="国务院办公厅节假日安排") for y in years], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("deputywork", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
