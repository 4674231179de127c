"""{% record_consultations record %}: on a public policy's page, the consultation whose final
text it is, with a link to its feedback report (意见采纳情况). Only policies are consulted on
(and linked), so other records' pages keep their query budget (tests/records/test_page_speed)."""

from django import template

register = template.Library()


@register.inclusion_tag("participation/consultations/_record_links.html")
def record_consultations(record):
    from gongkai.participation.consultations import consultations_of_record

    if record.kind != "policy":
        return {"consultations": []}
    return {"consultations": list(consultations_of_record(record))}
