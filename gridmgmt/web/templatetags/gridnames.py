"""``{% load gridnames %}``: ``{{ record|localname }}`` shows a class/department/area name in the page's language."""

from django import template

from gridmgmt.web.names import local_name, local_name_html

register = template.Library()


@register.filter
def localname(record) -> str:
    """The record's name in the current language; the Chinese fallback marked ``lang="zh-Hans"``; "—" if None."""
    return local_name_html(record) if record is not None else "—"


@register.filter
def localname_text(record) -> str:
    """Plain text for places that hold no markup (``<option>``, titles): the Chinese fallback ends in "(zh)"."""
    return local_name(record) if record is not None else "—"
