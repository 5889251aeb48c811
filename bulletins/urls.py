from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("staff/bulletins/", views.bulletin_list, name="list"),
    path("staff/bulletins/<int:pk>/", views.bulletin_preview, name="preview"),
    path("staff/bulletins/<int:pk>/pdf/", views.bulletin_pdf, name="pdf"),
    path("staff/bulletins/<int:pk>/docx/", views.bulletin_docx, name="docx"),
]
