"""URLs of the accounts app: users, invitations, history, notifications."""

from django.urls import path

from accounts.views import invitations, notifications, users

app_name = "accounts"
urlpatterns = [
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/history/", users.AccountHistoryView.as_view(), name="history"),
    path("users/invite/", invitations.invitation_create_view, name="invitation_create"),
    path(
        "users/invitations/<int:pk>/revoke/",
        invitations.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("users/<int:pk>/", users.user_detail_view, name="user_detail"),
    path("users/<int:pk>/role/", users.user_role_view, name="user_role"),
    path("users/<int:pk>/deactivate/", users.user_deactivate_view, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate_view, name="user_reactivate"),
    path("invitation/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/<int:pk>/open/",
        notifications.notification_open_view,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all_view,
        name="notification_read_all",
    ),
    path(
        "notifications/preferences/",
        notifications.notification_preferences_view,
        name="notification_preferences",
    ),
]
