"""URLs of the accounts app: the user's API tokens, and (namespace "accounts") users,
invitations, their history and notifications. Included by config/urls.py."""

from django.urls import include, path

from accounts.views import api_tokens, invitations, notifications, users

# Users administered in the product, invitations, history, notifications.
people_patterns = [
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

urlpatterns = [
    path("account/api-tokens/", api_tokens.api_tokens_view, name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("", include((people_patterns, "accounts"))),
]
