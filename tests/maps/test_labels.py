"""Area labels by zoom (streets, communities, grid codes), each inside its area and in view; buildings in a view."""

import pytest
from django.contrib.gis.geos import Point, Polygon

from gridmgmt.areas.models import Building, Street

pytestmark = pytest.mark.django_db
WHOLE = "113.25,23.11,113.29,23.14"


def labels(client, zoom: int, bbox: str = WHOLE, **headers) -> dict:
    response = client.get(f"/api/maps/labels/?zoom={zoom}&in_bbox={bbox}", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_streets_zoomed_out_communities_in_between_grid_codes_zoomed_in(client, world):
    out = labels(client, 13)
    assert out["level"] == "street" and sorted(x["text"] for x in out["labels"]) == ["街道A", "街道B"]
    middle = labels(client, 15)
    assert middle["level"] == "community" and sorted(x["text"] for x in middle["labels"]) == ["社区A", "社区B"]
    grid_a = world["A"]["grid"].code
    near = labels(client, 17, "113.262,23.122,113.266,23.124")  # a zoomed-in view inside grid A
    assert near["level"] == "grid"
    assert [(x["text"], x["title"]) for x in near["labels"]] == [(grid_a[-5:], grid_a)]  # short code, full on hover


def test_each_label_lies_inside_its_area_and_inside_the_view(client, world):
    for label in labels(client, 13)["labels"]:
        street = Street.objects.get(code=label["code"])
        assert street.boundary.contains(Point(label["lng"], label["lat"], srid=4326))
    near = labels(client, 17, "113.262,23.122,113.266,23.124")["labels"][0]
    assert 113.262 <= near["lng"] <= 113.266 and 23.122 <= near["lat"] <= 23.124
    assert near["box"] == pytest.approx([113.262, 23.122, 113.266, 23.124])  # the grid as far as it is in view


def test_largest_area_in_view_comes_first(client, world):
    # A view mostly over street B: B's label first (the map keeps the first when two would overlap).
    assert [x["text"] for x in labels(client, 13, "113.268,23.12,113.28,23.13")["labels"]] == ["街道B", "街道A"]


def test_english_labels_use_english_names_and_mark_chinese_ones(client, world):
    Street.objects.filter(pk=world["A"]["street"].pk).update(name_en="Street A")
    client.cookies["django_language"] = "en"
    by_code = {x["code"]: x for x in labels(client, 13, HTTP_ACCEPT_LANGUAGE="en")["labels"]}
    assert by_code[world["A"]["street"].code]["text"] == "Street A"
    assert (by_code[world["B"]["street"].code]["text"], by_code[world["B"]["street"].code]["untranslated"]) == (
        "街道B", True)


@pytest.mark.parametrize(("query", "named"), [("in_bbox=" + WHOLE, "zoom"), ("zoom=13", "in_bbox"),
                                              ("zoom=30&in_bbox=" + WHOLE, "zoom"), ("zoom=13&in_bbox=1,2", "in_bbox")])
def test_labels_without_zoom_or_view_are_a_400_naming_it(client, query, named):
    response = client.get(f"/api/maps/labels/?{query}")
    assert response.status_code == 400 and named in response.json()


def test_buildings_in_a_zoomed_in_view_with_households(client, world):
    Building.objects.create(location=Point(113.2631, 23.1231), households=42, population=100, address="一号楼",
                            footprint=Polygon.from_bbox((113.263, 23.123, 113.2632, 23.1232)), source="t", source_id="1")
    Building.objects.create(location=Point(113.275, 23.125), households=7, source="t", source_id="2")
    response = client.get("/api/maps/buildings/?in_bbox=113.262,23.122,113.266,23.124")
    assert response.status_code == 200 and response["ETag"]
    [building] = response.json()["features"]
    assert building["properties"]["households"] == 42 and building["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("query", ["", "in_bbox=113.0,23.0,113.3,23.2"])
def test_buildings_need_a_small_view(client, query):
    response = client.get(f"/api/maps/buildings/?{query}")
    assert response.status_code == 400 and "in_bbox" in response.json()
