"""Factories the member admin tests need beyond ``tests.factories``."""

import factory
from django.contrib.auth.models import Permission

from club.members.models import ConsentPurpose, ConsentRecord, Interest
from tests.factories import MemberFactory, StaffUserFactory
from tests.mfa_login import totp_activate


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"interest-{n}")
    name = factory.Sequence(lambda n: f"Interest {n}")


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    member = factory.SubFactory(MemberFactory)
    purpose = ConsentPurpose.MARKETING
    granted = True
    source = ConsentRecord.Source.PORTAL


def staff_with_mfa(*permissions: str, **fields):
    """A staff user with a TOTP authenticator (the admin refuses staff without one) and the
    given permissions, named "app_label.codename"."""
    user = StaffUserFactory(**fields)
    totp_activate(user)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
