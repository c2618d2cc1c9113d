from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """
    A record the admin shows and never writes: rows made by a service that checks the rules
    (a review, a request for more time, a chasing letter, a reminder digest sent). Adding,
    changing or deleting one in the admin would bypass those rules.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
