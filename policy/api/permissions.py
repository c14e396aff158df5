from rest_framework import permissions


class ModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; a write needs the matching Django model permission (add/change/delete)."""

    def has_permission(self, request, view):
        # A read needs no permission (perms_map names none for GET, HEAD, OPTIONS): DRF's check would
        # still build the view's queryset, to learn its model, on every request.
        if request.method in permissions.SAFE_METHODS and not self.perms_map.get(request.method):
            return bool(request.user)
        return super().has_permission(request, view)


class CanRedact(permissions.BasePermission):
    """Redacting history is for administrators: the `policy.add_redaction` permission (a superuser holds it)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("policy.add_redaction"))
