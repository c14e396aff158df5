"""An anonymous visitor's expensive pages count against THROTTLE_EXPENSIVE, as the API's reads do.

A list's search, the cross-type search and deep pages cost what their API twins cost, so they
are judged by the same rule (policy.expensive_reads.is_expensive) and counted in the same
allowance, per address: a client cannot double its rate by alternating `/statements/?search=`
and `/api/v1/statements/?search=`. Over it: a 429 page saying how long to wait, with
`Retry-After`. Signed-in visitors (the admin's session) are not counted, as in the API.
"""

import math

from django.shortcuts import render
from rest_framework.request import Request

from ..expensive_reads import ExpensiveRateThrottle
from .resources import RESOURCES


def refused_as_expensive(request):
    """A 429 page if this anonymous visitor's expensive reads are over THROTTLE_EXPENSIVE, else None
    (and the read is counted). Called once the page knows it will read: not for the redirect that
    drops a submitted form's empty fields, which would count one search twice."""
    throttle = ExpensiveRateThrottle()
    if request.user.is_authenticated or throttle.allow_request(Request(request), None):
        return None
    seconds = math.ceil(throttle.wait() or 1)
    context = {"resources": RESOURCES, "seconds": seconds}
    response = render(request, "policy/web/throttled.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
