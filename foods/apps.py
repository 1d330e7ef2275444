from django.apps import AppConfig


class FoodsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "foods"
    verbose_name = "Food catalog"

    def ready(self):
        from foods import rankings  # noqa: F401  (connects the signals that keep rankings fresh)
