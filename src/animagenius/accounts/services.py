from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from animagenius.accounts.models import User


@transaction.atomic
def user_ensure(*, email: str, password: str, is_staff: bool = False) -> tuple[User, bool]:
    """Create the user, or reset the password of the existing one, its email address verified (sign-in asks
    for that). Returns (user, created)."""
    user = User.objects.filter(email=email.lower()).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email, password)
    else:
        user.set_password(password)
    user.is_staff = user.is_superuser = is_staff
    if is_staff:
        user.role = User.Role.ADMIN
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user, created
