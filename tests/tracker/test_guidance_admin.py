import pytest

from tracker.models import GuidanceProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "a-long-password-1"))
    return client


def test_staff_edit_a_brackets_advice(admin_client):
    clinical = GuidanceProfile.objects.get(slug="clinical-table")
    brackets = list(clinical.brackets.all())
    data = {
        "name": clinical.name, "slug": clinical.slug, "source": clinical.source, "method": clinical.method,
        "is_default": "on", "mk4_per_mk7_equivalent": "10", "k2_ug_per_1000_iu": "", "child_k2_target_ug": "",
        "ratio_advice": "",
        "brackets-TOTAL_FORMS": len(brackets), "brackets-INITIAL_FORMS": len(brackets),
        "brackets-MIN_NUM_FORMS": 0, "brackets-MAX_NUM_FORMS": 1000,
    }
    for number, bracket in enumerate(brackets):
        prefix = f"brackets-{number}-"
        data |= {
            prefix + "id": bracket.pk, prefix + "profile": clinical.pk,
            prefix + "from_vitamin_d_iu": bracket.from_vitamin_d_iu,
            prefix + "includes_from": "on" if bracket.includes_from else "",
            prefix + "k2_target_min_ug": bracket.k2_target_min_ug or "",
            prefix + "k2_target_max_ug": bracket.k2_target_max_ug or "",
            prefix + "advice": "Edited advice" if number == 0 else bracket.advice,
        }

    response = admin_client.post(f"/admin/tracker/guidanceprofile/{clinical.pk}/change/", data)

    assert response.status_code == 302
    assert clinical.brackets.order_by("from_vitamin_d_iu").first().advice == "Edited advice"


def test_the_default_profile_cannot_be_deleted(admin_client):
    clinical = GuidanceProfile.objects.get(slug="clinical-table")
    ratio = GuidanceProfile.objects.get(slug="ratio-per-1000-iu")

    assert admin_client.get(f"/admin/tracker/guidanceprofile/{clinical.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/tracker/guidanceprofile/{ratio.pk}/delete/").status_code == 200
