"""Test data for participation: verified people of the public (and deputies, staff)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from gongkai.core.models import Membership, Organisation, Role, User
from gongkai.participation.models import PublicAccount

_serial = itertools.count(1)


def make_person(
    phone: str | None = None, *, email: str | None = None, name: str = "", verified: bool = True
) -> User:
    """A member of the public with a verified PublicAccount (phone unless `email` is given)."""
    n = next(_serial)
    if phone is None and email is None:
        phone = f"139{n:08d}"
    user = User.objects.create_user(username=f"person{n}-{phone or email}", password=None)
    now = timezone.now() if verified else None
    PublicAccount.objects.create(
        user=user,
        phone=phone,
        email=email,
        phone_verified_at=now if phone else None,
        email_verified_at=now if email else None,
        public_name=name,
    )
    return user


def make_staff(
    organisation: Organisation, role: Role | str = Role.EDITOR, *, username: str = ""
) -> User:
    """A staff member holding `role` in `organisation` (deputies: Role.DEPUTY)."""
    n = next(_serial)
    user = User.objects.create_user(username=username or f"staff{n}", password="x-unused-1")
    Membership.objects.create(user=user, organisation=organisation, role=str(role))
    return user


def make_programme(organisation: Organisation, year: int = 2026, **fields):
    """A livelihood-projects programme of `organisation`'s site (phase as given, default
    solicitation)."""
    from gongkai.participation.models import LivelihoodProgramme, ProgrammePhase

    fields.setdefault("phase", ProgrammePhase.SOLICITATION)
    fields.setdefault("title", f"{year} 年民生实事项目")
    return LivelihoodProgramme.objects.create(
        site=organisation.site, organisation=organisation, year=year, **fields
    )


def make_project(programme, title: str = "老旧小区加装电梯", **fields):
    from gongkai.participation.models import LivelihoodProject, ProjectCategory

    fields.setdefault("category", ProjectCategory.HOUSING)
    fields.setdefault("description", f"{title}的项目内容。")
    return LivelihoodProject.objects.create(programme=programme, title=title, **fields)
