from django.urls import path

from . import views

urlpatterns = [
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:statement_id>/", views.statement_detail, name="statement"),
    path("statements/<int:statement_id>/csv/", views.statement_csv_download, name="statement_csv"),
    path("statements/<int:statement_id>/pdf/", views.statement_pdf_download, name="statement_pdf"),
]
