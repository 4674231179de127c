"""{% record_consultations record %}: on a public record page, the consultation whose final
policy it is, with a link to its feedback report (意见采纳情况)."""

from django import template

register = template.Library()


@register.inclusion_tag("participation/consultations/_record_links.html")
def record_consultations(record):
    from gongkai.participation.consultations import consultations_of_record

    return {"consultations": list(consultations_of_record(record))}
