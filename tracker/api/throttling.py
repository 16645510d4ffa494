"""Rate limit per user (not per token: a user with twenty tokens has one budget), in the
default cache: the process's memory on the embedded default, Redis when REDIS_URL is set
(shared by every web worker then). Every answer tells the client where it stands
(``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # seconds


class UserRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request (not at import) so a deployment or a test can change it.
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request: Request, view: APIView | None) -> str | None:
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: APIView) -> bool:
        allowed = super().allow_request(request, view)
        if self.rate is not None:
            request._rate_limit_state = self._state()
        return allowed

    def _state(self) -> RateLimitState:
        assert self.num_requests is not None
        assert self.duration is not None
        oldest = self.history[-1] if self.history else self.now
        return RateLimitState(
            limit=self.num_requests,
            remaining=max(self.num_requests - len(self.history), 0),
            reset=max(int(self.duration - (self.now - oldest)), 0) if self.history else 0,
        )

    def peek(self, request: Request) -> RateLimitState | None:
        """Where the client stands, without counting a request (answers that end before
        the throttle runs: 401, 403)."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, []) if self.key else []
        self.now = self.timer()
        assert self.duration is not None
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self._state()


def rate_limit_headers(request: Request) -> dict[str, str]:
    state: Any = getattr(request, "_rate_limit_state", None) or UserRateThrottle().peek(request)
    if state is None:
        return {}
    return {
        "RateLimit-Limit": str(state.limit),
        "RateLimit-Remaining": str(state.remaining),
        "RateLimit-Reset": str(state.reset),
    }
