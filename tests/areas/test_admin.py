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
