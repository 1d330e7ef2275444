"""
The app as gunicorn serves it in the benches: tracker.wsgi with the baseline view beside the app's URLs.

    gunicorn --pythonpath bench baseline_wsgi   # bench/serve.py does this
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "baseline_urls"
if "BENCH_STATIC_ROOT" in os.environ:  # production settings serve the static files a bench collected for its run
    settings.STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
application = get_wsgi_application()
