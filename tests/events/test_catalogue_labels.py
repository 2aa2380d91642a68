"""The catalogue's attribute labels and choices come in one language each: Chinese, with English beside it."""

import re

from django.core.management import call_command

from gridmgmt.events.models import SmallClass

LATIN = re.compile(r"[A-Za-z]")


def test_attribute_labels_and_choices_are_chinese_with_an_english_twin(db):
    call_command("load_catalogue", stdout=open("/dev/null", "w"))
    definitions = [d for attributes in SmallClass.objects.values_list("attributes", flat=True) for d in attributes]
    assert definitions
    for definition in definitions:
        assert not LATIN.search(definition["description"].replace("dB(A)", "")) and definition["description_en"], definition
        for value in definition.get("values", []):
            assert not LATIN.search(value["name"]) and value["name_en"], value
