"""Serializers of the events REST API: GeoJSON out, validated input in."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gridmgmt.api_fields import JSONText, PersonText, photo_files
from gridmgmt.api_params import ADDRESS_MAX, DESCRIPTION_MAX
from gridmgmt.events.models import Channel, Event


class EventCreateSerializer(serializers.Serializer):
    """A new report. ``lat``/``lng`` are WGS84 unless ``crs`` says e.g. ``gcj02``.

    As multipart, ``attributes`` is a JSON object in a text field and
    ``photos`` repeats once per file.
    """

    service_code = serializers.CharField(max_length=4, help_text="4-digit small-class code")
    lat = serializers.FloatField(required=False, help_text="latitude, degrees")
    lng = serializers.FloatField(required=False, help_text="longitude, degrees")
    crs = serializers.CharField(required=False, help_text="wgs84 (default), gcj02 or an EPSG code")
    description = PersonText(required=False, allow_blank=True, default="",
                             help_text=f"at most {DESCRIPTION_MAX} characters")
    address = PersonText(required=False, allow_blank=True, default="", help_text=f"at most {ADDRESS_MAX} characters")
    attributes = JSONText(required=False, default=dict)
    component_code = serializers.CharField(required=False, allow_blank=True, max_length=16)
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=64)
    device_time = serializers.DateTimeField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False,
                                      help_text="ignored with an API key: the key's channel counts")
    photos = photo_files(required=False, write_only=True)


class EventSerializer(GeoFeatureModelSerializer):
    service_code = serializers.CharField(source="small_class.code")
    service_name = serializers.CharField(source="small_class.name")
    department_code = serializers.CharField(source="department.code", default=None)
    department_name = serializers.CharField(source="department.name", default=None)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Event
        geo_field = "location"
        fields = ["id", "token", "service_code", "service_name", "description", "address", "attributes",
                  "grid_code", "community_code", "street_code", "department_code", "department_name",
                  "routing_status", "status", "channel", "device_time", "received_at", "photos"]

    def get_photos(self, event) -> list[str]:
        request = self.context.get("request")
        urls = [photo.image.url for photo in event.photos.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class DuplicateSerializer(EventSerializer):
    distance_m = serializers.FloatField(help_text="metres on the WGS84 spheroid")

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "distance_m"]
