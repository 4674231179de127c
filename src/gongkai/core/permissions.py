"""Who may see and change what. Every view and API call scopes its queryset through these.

An editor or reviewer acts for the organisations they are a member of; an office admin
(公开办管理员) acts for the whole site of their organisation; an evaluator reads the site.
"""

from django.db.models import Q, QuerySet

from .models import Membership, Organisation, Role, Site

WRITE_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)


def memberships_of(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organisation__is_active=True)


def sites_for(user) -> QuerySet[Site]:
    """Sites where the user holds any role."""
    if getattr(user, "is_superuser", False):
        return Site.objects.all()
    return Site.objects.filter(organisations__memberships__in=memberships_of(user)).distinct()


def organisations_for(user, roles=WRITE_ROLES, site: Site | None = None) -> QuerySet[Organisation]:
    """Organisations whose data the user may act on in one of `roles`.

    Office admins cover every organisation of their site; other roles cover their own
    organisation and its sub-organisations (a town's editor may act for its villages)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.is_superuser:
        qs = Organisation.objects.all()
    else:
        mine = memberships_of(user).filter(role__in=[str(r) for r in roles])
        admin_sites = mine.filter(role=Role.OFFICE_ADMIN).values("organisation__site")
        condition = Q(site__in=admin_sites)
        for site_id, path in mine.exclude(role=Role.OFFICE_ADMIN).values_list(
            "organisation__site", "organisation__path"
        ):
            condition |= Q(site_id=site_id, path__startswith=path)
        qs = Organisation.objects.filter(condition)
    if site is not None:
        qs = qs.filter(site=site)
    return qs


def has_role(user, role: Role | str, site: Site | None = None) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    qs = memberships_of(user).filter(role=str(role))
    if site is not None:
        qs = qs.filter(organisation__site=site)
    return qs.exists()


def scope_to_organisations(
    queryset: QuerySet, user, roles=WRITE_ROLES, field: str = "organisation"
) -> QuerySet:
    """Limit any queryset with an organisation foreign key to what the user may act on."""
    return queryset.filter(**{f"{field}__in": organisations_for(user, roles)})


def is_staff_member(user) -> bool:
    return getattr(user, "is_superuser", False) or memberships_of(user).exists()
