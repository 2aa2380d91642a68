"""``{% load inbox %}{% unread_count as n %}``: the signed-in user's unread notifications, for the header of every page."""

from django import template

from gridmgmt.cases.selectors import notifications_of

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notifications_of(user, unread=True).count()
