from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, readable by superusers and never changeable, even here."""

    list_display = ["created_at", "actor", "project", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type", "project"]
    search_fields = ["object_type", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
