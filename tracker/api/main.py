from ninja import NinjaAPI

from tracker.api import auth, days, entries, foods, guidance_profiles, history, own_items, profile, routines
from tracker.api.errors import declare_unavailable, install_handlers


class TandemAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return declare_unavailable(super().get_openapi_schema(**kwargs))


api = TandemAPI(
    title="Tandem API",
    version="1",
    description="Log meals and supplements and read each day's vitamin D to K2 pairing. Not medical advice.",
    urls_namespace="api",
    auth=[auth.BearerToken(), auth.SameSiteSession()],
)
install_handlers(api)

for module in (auth, foods, entries, days, history, profile, guidance_profiles, own_items, routines):
    api.add_router("/", module.router)
