"""The baseline of HTTP benchmarks: the smallest Django view, behind the full middleware stack.

Mounted at ``/bench/minimal`` only when the environment says ``BENCH_MINIMAL_VIEW=1`` (the
benchmark's own server process); never part of the product.
"""

from django.http import JsonResponse
from django.urls import path


def minimal(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/minimal", minimal, name="bench_minimal")]
