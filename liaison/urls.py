from django.urls import path

from liaison import views

app_name = "liaison"

urlpatterns = [
    path("p/stations/", views.public_stations, name="public_stations"),
    path("p/s/<str:token>/", views.public_station, name="public_station"),
    path("staff/stations/", views.staff_stations, name="staff_stations"),
    path("staff/stations/<int:pk>/", views.staff_station, name="staff_station"),
    path("staff/stations/<int:pk>/qr.svg", views.staff_station_qr, name="staff_station_qr"),
    path("staff/stations/<int:pk>/poster.pdf", views.staff_station_poster, name="staff_station_poster"),
    path("staff/calendar/", views.staff_calendar, name="staff_calendar"),
    path("staff/activity-days/<int:pk>/", views.staff_day, name="staff_day"),
    path("staff/activities/", views.staff_activities, name="staff_activities"),
    path("staff/activities/<int:pk>/", views.staff_activity, name="staff_activity"),
    path("staff/activities/photos/<int:pk>/", views.activity_photo, name="activity_photo"),
    path("staff/receptions/", views.staff_receptions, name="staff_receptions"),
    path("staff/receptions/new/", views.staff_reception_new, name="staff_reception_new"),
    path("staff/disputes/", views.staff_disputes, name="staff_disputes"),
    path("staff/disputes/export.xlsx", views.staff_disputes_xlsx, name="staff_disputes_xlsx"),
    path("staff/disputes/<int:pk>/", views.staff_dispute, name="staff_dispute"),
    path("staff/records/", views.staff_records, name="staff_records"),
    path("staff/records/export.xlsx", views.staff_records_xlsx, name="staff_records_xlsx"),
    path("staff/records/<int:pk>/", views.staff_record, name="staff_record"),
    path("staff/records/<int:pk>/record.pdf", views.staff_record_pdf, name="staff_record_pdf"),
    path("portal/activities/", views.portal_home, name="portal_home"),
    path("portal/activities/new/", views.portal_record_own, name="portal_record_own"),
    path("portal/activities/<int:pk>/sign-in/", views.portal_sign_in, name="portal_sign_in"),
    path("portal/calendar/", views.portal_calendar, name="portal_calendar"),
    path("portal/record/", views.portal_record, name="portal_record"),
    path("portal/record.pdf", views.portal_record_pdf, name="portal_record_pdf"),
]
