"""KPI API: ``GET /api/kpis/?dimension=street&start=2025-01-01&end=2025-12-31`` (JSON, or ``format=csv``)."""

import csv
import io
from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.api_params import choice_param, date_param, day_end_exclusive, day_start
from gridmgmt.cases.kpis import COLUMN_LABELS, COLUMNS, DIMENSIONS, kpi_table


class KpiCsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        # Headers in the reader's language (the request's, activated by LocaleMiddleware).
        csv.writer(out).writerow([str(COLUMN_LABELS[column]) for column in COLUMNS])
        csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore").writerows(data["rows"])
        # BOM so that spreadsheet programs read the Chinese names as UTF-8.
        return "\ufeff" + out.getvalue()


class KpiView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, KpiCsvRenderer]

    def handle_exception(self, exc):
        # Errors are the API's JSON ``{name: [message]}`` whatever format the table was asked in.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)

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
        params = request.query_params
        dimension = choice_param(params, "dimension", DIMENSIONS)
        if dimension is None:
            raise ValidationError({"dimension": f"'dimension' is required: one of {', '.join(DIMENSIONS)}"})
        first, last = date_param(params, "start", required=True), date_param(params, "end", required=True)
        if last < first:
            raise ValidationError({"end": f"'end' ({last}) is before 'start' ({first})"})
        rows = kpi_table(user=request.user, dimension=dimension, start=day_start(first),
                         end=day_end_exclusive(last))
        response = Response({"dimension": dimension, "start": first, "end": last, "rows": rows})
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="kpis-{dimension}-{first}-{last}.csv"'
        return response
