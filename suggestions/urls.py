from django.urls import path

from suggestions import views_opinions, views_public

app_name = "suggestions"

urlpatterns = [
    # Public (residents, no login): reached from QR pages.
    path("p/d/<str:token>/opinion/", views_public.opinion_new_for_deputy, name="opinion_new_for_deputy"),
    path("p/g/<str:token>/opinion/", views_public.opinion_new_for_group, name="opinion_new_for_group"),
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
    path("staff/opinions/export.xlsx", views_opinions.staff_export, name="staff_opinions_export"),
    path("staff/opinions/figures/", views_opinions.staff_figures, name="staff_opinion_figures"),
    path("staff/opinions/<int:pk>/", views_opinions.staff_detail, name="staff_opinion_detail"),
]
