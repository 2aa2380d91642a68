"""Serializer fields shared by the API's writes."""

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers


class PersonText(serializers.CharField):
    """Free text a person typed (description, note, reason, feedback), passed on as sent to the service, whose
    one text rule (:func:`gridmgmt.api_params.clean_text`) refuses NUL and over-long text naming the field in the
    reader's language; DRF's own NUL message reads wrongly in Chinese ("不允许是用空字符串")."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
