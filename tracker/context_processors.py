from django.utils.functional import SimpleLazyObject

from tracker.models import Profile
from tracker.warnings import standing_warnings


def standing_notices(request):
    """The standing warnings of a user's health flags (warfarin, kidney disease, pregnancy) for every page.

    Lazy: a page that does not show them costs no query.
    """
    if not request.user.is_authenticated:
        return {}

    def notices():
        profile = Profile.objects.filter(user=request.user).first()  # no profile yet: no flags set
        return standing_warnings(profile) if profile else []

    return {"standing_notices": SimpleLazyObject(notices)}
