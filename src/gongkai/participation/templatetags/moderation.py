"""{% flag_target obj as target %}: the key the 举报 form posts ("" for content that cannot
be reported), with the reasons in the context for participation/_flag.html."""

from django import template

from gongkai.participation import moderation
from gongkai.participation.models import FlagReason

register = template.Library()


@register.simple_tag(takes_context=True)
def flag_target(context, obj) -> str:
    context["flag_reasons"] = FlagReason.choices
    return moderation.target_key(obj) if moderation.is_flaggable(obj) else ""
