from django.urls import path

from deputies import views

app_name = "deputies"

urlpatterns = [
    path("p/d/<str:token>/", views.public_deputy, name="public_deputy"),
    path("p/g/<str:token>/", views.public_group, name="public_group"),
    path("portal/deputy/", views.portal, name="portal"),
    path("portal/deputy/poster.pdf", views.portal_poster, name="portal_poster"),
    path("staff/deputies/", views.deputy_list, name="staff_list"),
    path("staff/deputies/structure/", views.structure, name="structure"),
    path("staff/deputies/posters/", views.township_posters, name="township_posters"),
    path("staff/deputies/<int:pk>/poster.pdf", views.deputy_poster, name="deputy_poster"),
    path("staff/groups/<int:pk>/poster.pdf", views.group_poster, name="group_poster"),
    path("staff/<str:kind>/<int:pk>/rotate-token/", views.rotate_token, name="rotate_token"),
]
