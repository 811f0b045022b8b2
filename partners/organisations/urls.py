from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path("team/<int:partner_user_id>/role/", views.team_role_change, name="team_role_change"),
    path("team/<int:partner_user_id>/remove/", views.team_remove, name="team_remove"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # No login: the signed token in the emailed link is the proof.
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
