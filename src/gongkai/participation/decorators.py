"""View decorators of the public participation pages."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .accounts import is_person


def person_required(view):
    """A page for verified people: others are sent to the public login, and come back."""

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not is_person(request.user):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:login')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
