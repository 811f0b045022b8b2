"""The view mixin of admin screens that show one member's personal data (docs/audit.md)."""

from __future__ import annotations

from .services import personal_data_viewed


class PersonalDataViewAudited:
    """A successful GET of the screen records one "viewed personal data" entry: the page
    itself, once, not its assets or the form posts it receives. Subclasses name the member
    with ``audited_member()``."""

    def audited_member(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            match = request.resolver_match
            screen = match.view_name if match is not None else type(self).__name__
            personal_data_viewed(member=self.audited_member(), user=request.user, screen=screen)
        return response
