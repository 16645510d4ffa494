"""URLs of the page "Mes jetons d'API" (included by config/urls.py)."""

from django.urls import path

from accounts.views import api_tokens

urlpatterns = [
    path("account/api-tokens/", api_tokens.api_tokens_view, name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
