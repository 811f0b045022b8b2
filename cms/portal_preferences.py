"""The member portal's preferences pages (views and their URLs, included by ``cms.portal_urls``)."""

from __future__ import annotations

urlpatterns: list = []
