"""The one pagination rule of the API's lists: ``limit`` with ``offset`` or ``page``.

``limit`` is 1–:attr:`Page.max_limit` (default :attr:`Page.default_limit`);
``offset`` counts rows skipped (0 up); ``page`` (1 up) is the same as
``offset=(page-1)*limit``. Each is parsed by :mod:`gridmgmt.api_params`, so a
negative, fractional or non-ASCII value answers 400 naming the parameter
instead of being ignored, and asking for both ``offset`` and ``page`` is refused.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from gridmgmt.api_params import MAX_ID, int_param


class Page(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def get_limit(self, request) -> int:
        return int_param(request.query_params, self.limit_query_param, default=self.default_limit,
                         low=1, high=self.max_limit)

    def get_offset(self, request) -> int:
        params = request.query_params
        offset = int_param(params, self.offset_query_param, default=None, low=0, high=MAX_ID)
        page = int_param(params, "page", default=None, low=1, high=MAX_ID // self.max_limit)
        if offset is not None and page is not None:
            raise ValidationError({"page": _("'page' and 'offset' cannot both be given")})
        if page is not None:
            return (page - 1) * self.get_limit(request)
        return offset or 0
