"""Page "Mes jetons d'API": a user creates, names and revokes its personal API tokens;
a new token's secret is shown once, on the page answering its creation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.request_user import current_user
from accounts.selectors import api_token_list
from accounts.services.api_tokens import api_token_create, api_token_revoke
from web.form_errors import show_service_error
from web.form_styles import StyledFormMixin

TEMPLATE = "api/tokens.html"


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("Pour le reconnaître, ex. « Synchronisation SI nocturne »."),
    )


@never_cache
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created = api_token_create(user=user, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_service_error(form, error)
        else:
            secret = created.secret
            form = ApiTokenForm()
    context = {"form": form, "tokens": api_token_list(user=user), "secret": secret}
    return render(request, TEMPLATE, context)


@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    token = get_object_or_404(api_token_list(user=user), pk=pk)
    api_token_revoke(token=token, user=user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens")
