from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptAdminMiddleware(LoginRequiredMiddleware):
    """Every page needs a log-in, but the admin and the API check it themselves.

    The admin sends visitors to its own log-in page; the API answers 401 with JSON instead of a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.namespace in ("admin", "api"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
