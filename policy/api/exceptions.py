"""One error shape for the whole API.

A Django `ValidationError` raised below DRF (a model's `clean()`, a constraint)
becomes a 400 with field-level messages instead of a 500; `IntegrityError` that
slips past validation becomes a 400 too, the transaction having rolled back; deleting
a record others still refer to (a protected foreign key) is a 409 naming them; a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is a 413; a database too busy to take the write (policy.busy) is a 503
with `Retry-After`.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .. import busy


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The record has changed since you read it."
    default_code = "precondition_failed"


class DatabaseBusy(exceptions.APIException):
    status_code = 503
    default_detail = busy.MESSAGE
    default_code = "database_busy"
    wait = busy.RETRY_AFTER  # DRF sends it as Retry-After


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"The request body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KiB this API accepts."
        )
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        blockers = sorted({f"{obj._meta.verbose_name} “{getattr(obj, 'slug', obj.pk)}”" for obj in exc.args[1]})[:20]
        exc = Conflict(f"Cannot delete: still referred to by {', '.join(blockers)}.")
    elif busy.is_busy(exc):
        exc = DatabaseBusy()
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError({"non_field_errors": ["The change conflicts with existing data."]})
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 400:
        type_closest(response.data)
    return response


CLOSEST_NUMBERS = ("start", "end", "differs_at")


def type_closest(data):
    """DRF turns every value of an error body into text; an excerpt's closest passage (policy.closest),
    wherever it stands (an item of a bulk write, a policy's link), gets its offsets back as numbers.
    In place, so the body keeps its serializer (the browsable API redraws its form from it)."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and key.endswith("_closest") and isinstance(value, dict):
            value.update((name, int(value[name])) for name in CLOSEST_NUMBERS if name in value)
        else:
            type_closest(value)
