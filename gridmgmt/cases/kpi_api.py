"""KPI API: ``GET /api/kpis/?dimension=street&start=2025-01-01&end=2025-12-31`` (JSON, or ``format=csv``)."""

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.cases.kpis import COLUMNS, DIMENSIONS, kpi_table


class KpiCsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        if isinstance(data, dict) and "rows" in data:
            writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data["rows"])
        else:  # an error body
            out.write(str(data.get("detail", data)) if isinstance(data, dict) else str(data))
        # BOM so that spreadsheet programs read the Chinese names as UTF-8.
        return "\ufeff" + out.getvalue()


def _day(params, name: str) -> date:
    raw = params.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"'{name}' must be a date YYYY-MM-DD, got {raw!r}"}) from None




class KpiView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, KpiCsvRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("dimension", str, enum=DIMENSIONS, required=True),
                    OpenApiParameter("start", date, required=True, description="First day (local time)"),
                    OpenApiParameter("end", date, required=True, description="Last day, inclusive"),
                    OpenApiParameter("format", str, enum=["json", "csv"])],
        responses=inline_serializer("KpiTable", {"dimension": serializers.CharField(),
                                                 "start": serializers.DateField(), "end": serializers.DateField(),
                                                 "rows": inline_serializer(
                                                     "KpiRow", {c: serializers.CharField() for c in COLUMNS}, many=True)}),
        summary="综合评价 KPIs of a period, per unit of a dimension, in my jurisdiction")
    def get(self, request):
        dimension = request.query_params.get("dimension", "")
        if dimension not in DIMENSIONS:
            raise ValidationError({"dimension": f"'dimension' must be one of {', '.join(DIMENSIONS)}, got {dimension!r}"})
        first, last = _day(request.query_params, "start"), _day(request.query_params, "end")
        if last < first:
            raise ValidationError({"end": f"'end' ({last}) is before 'start' ({first})"})
        tz = ZoneInfo(settings.TIME_ZONE)
        rows = kpi_table(user=request.user, dimension=dimension, start=datetime.combine(first, time(), tz),
                         end=datetime.combine(last + timedelta(days=1), time(), tz))
        response = Response({"dimension": dimension, "start": first, "end": last, "rows": rows})
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="kpis-{dimension}-{first}-{last}.csv"'
        return response
