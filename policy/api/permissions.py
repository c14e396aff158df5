from rest_framework import permissions


class ModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; a write needs the matching Django model permission (add/change/delete)."""


class CanRedact(permissions.BasePermission):
    """Redacting history is for administrators: the `policy.add_redaction` permission (a superuser holds it)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("policy.add_redaction"))
