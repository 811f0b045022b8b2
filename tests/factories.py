"""factory-boy factories shared by the whole suite."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from club.members.models import CustomerType, Member, PaymentPlan

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    is_staff = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("account_number",)

    msisdn = factory.Sequence(lambda n: f"+8490{n:07d}")
    account_number = factory.Sequence(lambda n: f"ACC{n:08d}")
    customer_type = CustomerType.INDIVIDUAL
    activation_date = dt.date(2020, 1, 15)
    payment_plan = PaymentPlan.POSTPAID
    region = "Hà Nội"
    city = "Hà Nội"
    language = "vi"
