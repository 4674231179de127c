"""Paging of every list in the JSON API: one schema, bounded, so no endpoint takes a negative
offset or one the database cannot hold (`offset=99999999999999999999` was a 500); and the
bounded type for object IDs in query parameters (a foreign-key filter with a 20-digit ID
overflows SQLite's integer)."""

from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema

#: the largest primary key the database holds (bigint)
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]

#: deeper than this, a client should narrow its filters (and the database need not skip rows)
MAX_OFFSET = 10_000
MAX_LIMIT = 200


class Paging(Schema):
    """limit/offset query parameters; an app narrows `limit` by subclassing."""

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="每页条数")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


def page(qs: QuerySet, paging: Paging) -> QuerySet:
    return qs[paging.offset : paging.offset + paging.limit]
