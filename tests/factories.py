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


class TierFactory(factory.django.DjangoModelFactory):
    """A live (published) tier; pass ``live=False`` for a draft."""

    class Meta:
        model = "tiers.Tier"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.LazyAttribute(lambda tier: tier.code.title())
    rank = factory.Sequence(lambda n: n + 1)
    min_rolling_spend = 0
    min_tenure_years = 0
    points_multiplier = 1
    live = True


class EarningRuleFactory(factory.django.DjangoModelFactory):
    """A live earning rule: 1 point per 10,000 of a paid bill unless told otherwise."""

    class Meta:
        model = "earning.EarningRule"

    name = factory.Sequence(lambda n: f"Rule {n}")
    event_kind = "bill_paid"
    amount_points = 1
    amount_step = 10_000
    live = True
