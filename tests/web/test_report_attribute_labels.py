"""The report form labels a class's extra attributes and their choices in the page's language."""

import pytest

ATTRIBUTES = [
    {"code": "depth_cm", "datatype": "number", "required": True, "order": 1,
     "description": "积水深度（厘米）", "description_en": "Water depth, in centimetres"},
    {"code": "blocks_traffic", "datatype": "singlevaluelist", "required": False, "order": 2,
     "description": "是否影响通行", "description_en": "Does it block traffic?",
     "values": [{"key": "yes", "name": "是", "name_en": "yes"}, {"key": "no", "name": "否", "name_en": "no"}]},
]


@pytest.mark.parametrize("language, depth, traffic, choice", [
    ("en", "Water depth, in centimetres *", "Does it block traffic?", "yes"),
    ("zh-hans", "积水深度（厘米） *", "是否影响通行", "是"),
])
def test_attribute_labels_follow_the_page_language(live_district, page_as, live_server, language, depth, traffic,
                                                   choice):
    live_district.waterlogging.attributes = ATTRIBUTES
    live_district.waterlogging.save()
    page = page_as(live_district.users["worker"])
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/worker/report/")
    page.get_by_test_id("big-15").click()
    page.get_by_test_id("class-1503").click()
    page.get_by_label(depth).wait_for()
    select = page.get_by_label(traffic)
    assert select.locator("option").all_inner_texts() == ["—", choice, "no" if language == "en" else "否"]
