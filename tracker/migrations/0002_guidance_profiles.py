"""The two guidance profiles of shared/DOMAIN.md. Staff may edit them in the admin afterwards."""

from decimal import Decimal

from django.db import migrations

ARTICLE_A = "“The importance of combining vitamin K2 with vitamin D” (wellness article)"
ARTICLE_B = "A clinician's article on D/K2 dosing, with a D/K2 dosing table"

CLINICAL_TABLE_BRACKETS = [
    # from IU, includes the bound, K2 min, K2 max, advice
    (0, True, None, None, "Under 1,000 IU of vitamin D a day: food sources of K2 are enough."),
    (1000, True, 45, 90, "1,000–2,000 IU of vitamin D: 45–90 µg of K2 (MK-7), with the largest meal containing fat."),
    (2000, False, 100, 200,
     "Over 2,000 IU of vitamin D: add at least 100 µg of K2 (MK-7); 100–200 µg up to 5,000 IU, "
     "with the largest meal containing fat."),
    (5000, False, 200, None,
     "Over 5,000 IU of vitamin D: at least 200 µg of K2 (MK-7), split morning and evening with meals; "
     "only under medical supervision."),
]


def create_profiles(apps, schema_editor):
    GuidanceProfile = apps.get_model("tracker", "GuidanceProfile")
    GuidanceBracket = apps.get_model("tracker", "GuidanceBracket")
    clinical, _ = GuidanceProfile.objects.update_or_create(
        slug="clinical-table",
        defaults={
            "name": "Clinical table",
            "source": ARTICLE_B,
            "method": "brackets",
            "is_default": True,
            "mk4_per_mk7_equivalent": Decimal(10),
        },
    )
    for from_iu, includes, k2_min, k2_max, advice in CLINICAL_TABLE_BRACKETS:
        GuidanceBracket.objects.update_or_create(
            profile=clinical,
            from_vitamin_d_iu=from_iu,
            includes_from=includes,
            defaults={"k2_target_min_ug": k2_min, "k2_target_max_ug": k2_max, "advice": advice},
        )
    GuidanceProfile.objects.update_or_create(
        slug="ratio-per-1000-iu",
        defaults={
            "name": "Per-1,000-IU ratio",
            "source": ARTICLE_A,
            "method": "ratio",
            "is_default": False,
            "mk4_per_mk7_equivalent": Decimal(10),
            "k2_ug_per_1000_iu": Decimal(100),
            "child_k2_target_ug": Decimal(120),
            "ratio_advice": "At least 100 µg of K2 as MK-7 (or 1,000 µg as MK-4) per 1,000 IU of vitamin D, "
            "with equal amounts of vitamins A and D.",
        },
    )


def delete_profiles(apps, schema_editor):
    apps.get_model("tracker", "GuidanceProfile").objects.filter(
        slug__in=["clinical-table", "ratio-per-1000-iu"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(create_profiles, delete_profiles)]
