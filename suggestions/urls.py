from django.urls import path

from suggestions import views_opinions, views_public
from suggestions import views_suggestions as v
from suggestions import views_units as u

app_name = "suggestions"

urlpatterns = [
    # Public (residents, no login): reached from QR pages.
    path("p/d/<str:token>/opinion/", views_public.opinion_new_for_deputy, name="opinion_new_for_deputy"),
    path("p/g/<str:token>/opinion/", views_public.opinion_new_for_group, name="opinion_new_for_group"),
    path("p/s/<str:token>/opinion/", views_public.opinion_new_for_station, name="opinion_new_for_station"),
    path("p/o/", views_public.opinion_lookup, name="opinion_lookup"),
    path("p/o/<str:code>/", views_public.opinion_track, name="opinion_track"),
    # Deputy portal.
    path("portal/opinions/", views_opinions.inbox, name="inbox"),
    path("portal/opinions/new/", views_opinions.inbox_new, name="inbox_new"),
    path("portal/opinions/<int:pk>/", views_opinions.inbox_detail, name="inbox_detail"),
    path("opinions/photos/<int:pk>/", views_opinions.photo, name="opinion_photo"),
    # Staff.
    path("staff/opinions/", views_opinions.staff_list, name="staff_opinions"),
    path("staff/opinions/new/", views_opinions.staff_new, name="staff_opinion_new"),
    path("staff/opinions/from-receptions/", views_opinions.staff_from_receptions, name="staff_from_receptions"),
    path("staff/opinions/export.xlsx", views_opinions.staff_export, name="staff_opinions_export"),
    path("staff/opinions/figures/", views_opinions.staff_figures, name="staff_opinion_figures"),
    path("staff/opinions/<int:pk>/", views_opinions.staff_detail, name="staff_opinion_detail"),

    # deputy portal
    path("portal/suggestions/", v.deputy_list, name="deputy_list"),
    path("portal/suggestions/new/", v.suggestion_create, name="suggestion_create"),
    path("portal/suggestions/<int:pk>/", v.deputy_detail, name="deputy_detail"),
    path("portal/suggestions/<int:pk>/edit/", v.suggestion_edit, name="suggestion_edit"),
    # unit portal
    path("unit/", u.unit_home, name="unit_home"),
    path("unit/items/<int:pk>/", u.unit_item, name="unit_item"),
    # staff
    path("staff/suggestions/", v.staff_list, name="staff_list"),
    path("staff/suggestions/new/", v.staff_create, name="staff_create"),
    path("staff/suggestions/overdue/", v.overdue, name="overdue"),
    path("staff/suggestions/rates/", v.rates_page, name="rates"),
    path("staff/suggestions/ledger.xlsx", v.ledger_export, name="ledger_export"),
    path("staff/suggestions/<int:pk>/", v.staff_detail, name="staff_detail"),
    # files (private storage, permission checked)
    path("files/suggestions/attachments/<int:pk>/", v.attachment_download, name="attachment_download"),
    path("files/suggestions/replies/<int:pk>/", v.reply_pdf, name="reply_pdf"),
    # public
    path("p/results/", v.public_list, name="public_list"),
    path("p/results/<int:pk>/", v.public_detail, name="public_detail"),
]
