from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptAdminMiddleware(LoginRequiredMiddleware):
    """Every page needs a log-in, but the admin checks staff itself and sends visitors to its own log-in."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.app_name == "admin":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
