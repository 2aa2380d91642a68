"""Serializer fields shared by the API's writes."""

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from gridmgmt.api_params import ascii_integer
from gridmgmt.json_input import JSONInputError, json_loads


class PersonText(serializers.CharField):
    """Free text a person typed (description, note, reason, feedback), passed on as sent to the service, whose
    one text rule (:func:`gridmgmt.api_params.clean_text`) refuses NUL and over-long text naming the field in the
    reader's language; DRF's own NUL message reads wrongly in Chinese ("不允许是用空字符串")."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class AsciiInteger(serializers.IntegerField):
    """An integer by the request parameters' rule (:func:`gridmgmt.api_params.ascii_integer`): a JSON integer
    or ASCII digits. DRF's own field reads ``int(str(data))``, which took Arabic-Indic digits ("٢") and "1_0"
    as 10 (a case version or a postponement of ten working days)."""

    def to_internal_value(self, data):
        value = ascii_integer(data)
        if value is None:
            self.fail("invalid")
        return super().to_internal_value(value)


class JSONText(serializers.JSONField):
    """A JSON value, also when sent as text in a form field (multipart ``attributes``): read through the
    one request-JSON rule (:func:`gridmgmt.json_input.json_loads`), so text nested thousands deep or holding
    NaN is refused naming the field instead of overflowing Python's recursion (a 500)."""

    def to_internal_value(self, data):
        if getattr(data, "is_json_string", False):
            try:
                return json_loads(data)
            except JSONInputError as exc:
                raise serializers.ValidationError(str(exc)) from None
        return super().to_internal_value(data)


def photo_files(**kwargs) -> serializers.ListField:
    """Uploaded photos, passed on as files: the one photo policy (:func:`gridmgmt.events.photos.photo_clean`)
    judges them in the service and names each refused photo. DRF's ``ImageField`` would judge them first with
    its own generic message ("Upload a valid image"), so two policies would speak for one rule."""
    return serializers.ListField(child=serializers.FileField(), **kwargs)
