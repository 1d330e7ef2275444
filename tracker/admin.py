"""The guidance profiles are data: staff edit their brackets, factors and advice here."""

from django.contrib import admin

from tracker.models import GuidanceBracket, GuidanceProfile


class GuidanceBracketInline(admin.TabularInline):
    model = GuidanceBracket
    extra = 0
    fields = ["from_vitamin_d_iu", "includes_from", "k2_target_min_ug", "k2_target_max_ug", "advice"]


@admin.register(GuidanceProfile)
class GuidanceProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "method", "is_default", "mk4_per_mk7_equivalent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GuidanceBracketInline]

    def has_delete_permission(self, request, obj=None):
        """Every day page needs a default profile to fall back on; it can be replaced, not deleted."""
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)
