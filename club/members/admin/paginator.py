"""Counting the admin member list without reading millions of rows."""

from __future__ import annotations

from django.utils.functional import cached_property
from wagtail.admin.paginator import WagtailPaginator

from ..selectors import member_count_estimate

# Below this many rows an exact COUNT(*) is cheap; above it the unfiltered list shows the
# planner's estimate (PostgreSQL keeps it fresh through autovacuum/ANALYZE).
ESTIMATE_COUNT_FROM_ROWS = 100_000


class MemberPaginator(WagtailPaginator):
    @cached_property
    def count(self) -> int:
        if self._is_unfiltered():
            estimate = member_count_estimate()
            if estimate is not None and estimate >= ESTIMATE_COUNT_FROM_ROWS:
                return estimate
        return super().count

    def _is_unfiltered(self) -> bool:
        query = getattr(self.object_list, "query", None)
        return query is not None and not query.where
