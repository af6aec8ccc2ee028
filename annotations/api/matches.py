""" "Checked before?": the earlier claims with a verdict that a claim repeats."""

from __future__ import annotations

from rest_framework import generics

from .. import access
from ..models import ClaimMatch
from .serializers import ClaimMatchSerializer


class ClaimMatchList(generics.ListAPIView):
    """Earlier claims of the organisation, with their verdicts, that this claim repeats; best first."""

    serializer_class = ClaimMatchSerializer
    pagination_class = None

    def get_queryset(self):
        claim, _ = access.get_claim_for_user(self.request.user, self.kwargs["pk"])
        return (
            ClaimMatch.objects.filter(claim=claim)
            .readable_from(claim.project)
            .select_related("matched_claim__project", "matched_claim__document")
            .order_by("-score", "id")
        )
