from django.utils.functional import SimpleLazyObject

from tracker.models import Profile
from tracker.warnings import standing_warnings


def standing_notices(request):
    """The standing warnings of a user's health flags (warfarin, kidney disease, pregnancy) for every page.

    Lazy: a page that does not show them costs no query.
    """
    if not request.user.is_authenticated:
        return {}
    return {"standing_notices": SimpleLazyObject(lambda: standing_warnings(Profile.objects.for_user(request.user)))}
