"""Who may see and change what. Every view and API call scopes its queryset through these,
and every service that changes state checks its actor with `require` (below).

An editor or reviewer acts for the organisations they are a member of; an office admin
(公开办管理员) acts for the whole site of their organisation; an evaluator reads the site.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
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


def staff_site(request) -> Site | None:
    """The site a staff member works on: the request's site if they hold a role there,
    otherwise the first site they hold a role in."""
    sites = sites_for(request.user)
    site = getattr(request, "site", None)
    if site is not None and sites.filter(pk=site.pk).exists():
        return site
    return sites.order_by("id").first()


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


# --------------------------------------------------------------------------- the one guard
#
# Every service function that changes state (records.workflow, catalogue.services and its
# importer, foi.workflow) starts with `require(actor, what, obj, roles)`. The domain app says
# which roles the step needs; this module decides whether the actor holds one of them for the
# object's organisation or site. Views, the API and commands call the same services, so they
# cannot disagree about who may do what: views scope their querysets, the service is the guard.


class PermissionDenied(DjangoPermissionDenied):
    """A refused step, with a Chinese message for the user. Django answers it with 403."""


class SystemActor:
    """The actor of management commands and scheduled jobs (定时发布、保存期限、导入).

    Passed explicitly (`permissions.SYSTEM`), so a job is never run by leaving the actor out:
    a missing actor is refused. It is not a user: it has no id, no roles and cannot log in."""

    pk = id = None
    is_system = True
    is_authenticated = False
    is_anonymous = False
    is_superuser = False
    is_staff = False
    is_active = True

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "permissions.SYSTEM"


SYSTEM = SystemActor()
PUBLIC = AnonymousUser()
"""The anonymous public, for the few steps the regulations open to anyone (applying online,
《政府信息公开条例》第二十九条)."""


def is_system(actor) -> bool:
    return getattr(actor, "is_system", False) is True


def _organisation_of(obj) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


def _site_of(obj) -> Site | None:
    if isinstance(obj, Site):
        return obj
    return getattr(obj, "site", None)


def can_act_on(actor, organisation: Organisation, roles=WRITE_ROLES) -> bool:
    """May `actor` act for `organisation` in one of `roles` (office admins: their whole site;
    others: their organisation and its sub-organisations)?"""
    if is_system(actor):
        return True
    if organisation is None or not getattr(actor, "is_authenticated", False):
        return False
    return organisations_for(actor, roles).filter(pk=organisation.pk).exists()


def can_act_on_site(actor, site: Site, roles=WRITE_ROLES) -> bool:
    """May `actor` act on `site` as a whole (its catalogue, its settings) in one of `roles`?"""
    if is_system(actor):
        return True
    if site is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return (
        memberships_of(actor)
        .filter(role__in=[str(r) for r in roles], organisation__site=site)
        .exists()
    )


def allows(actor, obj, roles=WRITE_ROLES, *, public: bool = False) -> bool:
    """The predicate behind `require`. `obj` is an organisation, a site, anything with an
    `organisation` (checked against it) or else a `site`, or None (a role anywhere). `public=True`: the anonymous public
    may take the step too."""
    if actor is None:
        return False
    if public and not getattr(actor, "is_authenticated", False) and not is_system(actor):
        return True
    if obj is None:  # not bound to a place: holding one of the roles anywhere is enough
        return is_system(actor) or (
            getattr(actor, "is_authenticated", False) and organisations_for(actor, roles).exists()
        )
    if isinstance(obj, Site):
        return can_act_on_site(actor, obj, roles)
    organisation = _organisation_of(obj)
    if organisation is not None:
        return can_act_on(actor, organisation, roles)
    return can_act_on_site(actor, _site_of(obj), roles)


def require(
    actor, what: str, obj, roles=WRITE_ROLES, *, public: bool = False, message: str = ""
) -> None:
    """Refuse (PermissionDenied with a Chinese message) unless `actor` may do `what` on `obj`.

    `what` completes “您没有权限……”, e.g. "提交该信息"; `message` replaces the whole sentence."""
    if actor is None:
        raise PermissionDenied("未指明操作人，操作未执行（命令和定时任务以系统身份运行）。")
    if allows(actor, obj, roles, public=public):
        return
    if message:
        raise PermissionDenied(message)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(f"请先登录后再{what}。")
    place = _organisation_of(obj) or _site_of(obj)
    suffix = f"（{place.name}）" if place is not None else ""
    raise PermissionDenied(f"您没有权限{what}{suffix}。")


def user_of(actor):
    """The user to store in a `…_by` foreign key: None for the system actor and the public."""
    return actor if getattr(actor, "is_authenticated", False) else None
