import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_user


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="imports", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: Django caches permissions


@pytest.fixture
def admin_user(world):
    """A staff account given both import permissions in the Django admin."""
    return grant(make_user("ada", is_staff=True), "load_recommendations", "publish_portal_export")


@pytest.fixture
def plain_staff(world):
    """A staff account with no permission at all: staff status alone imports nothing."""
    return make_user("stan", is_staff=True)


@pytest.fixture
def second_approver(world):
    """Another approver of Force A, who may sign off what `world.approver` uploads."""
    from accounts.models import Membership

    return make_user("beth", world.force_a, Membership.Role.APPROVER)
