from django.urls import path

from suggestions import views_suggestions as v
from suggestions import views_units as u

app_name = "suggestions"

urlpatterns = [
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
