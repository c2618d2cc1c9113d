"""What every view of one response's address shares: finding its recommendation and organisation."""

from ..selectors.targets import response_target_get


class ResponseTargetMixin:
    """Find the recommendation and organisation of a response URL (404 when not expected)."""

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = response_target_get(
                super_complaint_slug=self.kwargs["slug"],
                number=self.kwargs["number"],
                organisation_slug=self.kwargs["organisation"],
            )
        return self._target
