import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/areas/street/", "/admin/areas/community/?q=三眼井",
                                 "/admin/areas/building/", "/admin/grids/grid/"])
def test_admin_lists_render_with_filters_and_search(client, yuexiu, url):
    admin = get_user_model().objects.create_superuser("gis", "gis@example.org", "pw")
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200


def test_admin_change_page_has_a_local_leaflet_map(client, yuexiu):
    from gridmgmt.areas.models import Community
    client.force_login(get_user_model().objects.create_superuser("gis", "gis@example.org", "pw"))
    community = Community.objects.get(code="440104001007")
    html = client.get(f"/admin/areas/community/{community.pk}/change/").content.decode()
    assert "三眼井社区" in html
    assert "/static/leaflet/leaflet.js" in html and "unpkg.com" not in html


def test_admin_cannot_save_a_boundary_drawn_across_the_neighbour(client, yuexiu):
    """The admin form ignores a posted geometry: boundaries change only through the checked import service."""
    from gridmgmt.areas.models import BoundaryVersion, Community
    client.force_login(get_user_model().objects.create_superuser("gis", "gis@example.org", "pw"))
    community = Community.objects.get(code="440104001007")
    before = community.boundary.wkb
    versions = BoundaryVersion.objects.filter(code=community.code).count()
    across = "SRID=4326;MULTIPOLYGON(((113.20 23.10, 113.30 23.10, 113.30 23.15, 113.20 23.15, 113.20 23.10)))"
    response = client.post(f"/admin/areas/community/{community.pk}/change/", {
        "code": community.code, "name": community.name, "name_en": community.name_en,
        "boundary": across, "boundary_version": community.boundary_version,
        "boundary_valid_from": community.boundary_valid_from.isoformat(), "street": community.street_id,
    })
    assert response.status_code == 302  # saved the other fields
    community.refresh_from_db()
    assert bytes(community.boundary.wkb) == bytes(before)
    assert BoundaryVersion.objects.filter(code=community.code).count() == versions


def test_admin_offers_no_empty_grid_generation(client, db):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    assert client.get("/admin/grids/gridgeneration/add/").status_code == 403
