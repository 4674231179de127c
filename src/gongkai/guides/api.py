"""/api/v1/services/…: guides, windows, certificate types, scenarios and case statistics."""

from ninja import Router

router = Router(tags=["办事服务"])
