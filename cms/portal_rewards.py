"""The member portal's rewards pages (views and their URLs, included by ``cms.portal_urls``)."""

from __future__ import annotations

urlpatterns: list = []
