"""The staff roles, defined here and nowhere else (docs/roles.md).

Each role is a Django ``Group`` of the same name. ``club.accounts.roles_sync.roles_sync`` makes
the database match this module (on every ``migrate`` and by ``manage.py sync_roles``): it adds
the permissions listed, removes those no longer listed, and never touches who belongs to a
group. Permissions are named ``app_label.codename``; page and collection permissions are
Wagtail's, granted on every page of a type (or on the tree's root) and on the root collection.

Only administrators may manage users, groups, workflows, sites and API credentials:
``role_definition_problems`` refuses any other role that lists one of those permissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

ADMIN_ACCESS = "wagtailadmin.access_admin"
# The tree's root page: a grant there covers every page of the site.
ROOT_PAGE = "wagtailcore.page"
EVENT_INDEX_PAGE = "events.eventindexpage"
CAMPAIGN_APPROVAL_TASK = "Campaign approvers approval"  # created by campaigns/0002

# Permissions that let their holder change who may do what, or reach outside systems' keys.
ADMIN_ONLY_APPS = frozenset(
    {"auth", "accounts", "account", "mfa", "wagtailusers", "sessions", "contenttypes"}
)
ADMIN_ONLY_MODELS = frozenset(
    {
        "group",
        "grouppagepermission",
        "groupcollectionpermission",
        "groupsitepermission",
        "groupapprovaltask",
        "task",
        "workflow",
        "workflowtask",
        "workflowcontenttype",
        "workflowpage",
        "site",
        "locale",
        "apitoken",
        "operatorapitoken",
        "apikey",
        "collection",
    }
)


def perms(app_label: str, model: str, *verbs: str) -> tuple[str, ...]:
    """``perms("tiers", "tier", "add", "view")`` -> ``("tiers.add_tier", "tiers.view_tier")``."""
    return tuple(f"{app_label}.{verb}_{model}" for verb in verbs)


EDIT = ("add", "change", "view")
PUBLISH = ("add", "change", "view", "publish", "lock", "unlock")


@dataclass(frozen=True)
class PageGrant:
    """Wagtail page permissions on every page of ``page_type`` (``app_label.model``)."""

    page_type: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    key: str
    name: str  # the Group's name
    description: str
    permissions: tuple[str, ...] = ()
    page_grants: tuple[PageGrant, ...] = ()
    collection_permissions: tuple[str, ...] = ()  # on the root collection (images, documents)
    approval_tasks: tuple[str, ...] = ()  # GroupApprovalTask names this group approves in
    all_permissions: bool = False
    may: tuple[str, ...] = field(default=(), compare=False)  # what the role does, for docs/roles.md


MEDIA = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
PAGE_EDIT = ("add_page", "change_page", "publish_page")
CAMPAIGN_READ = (
    *perms("campaigns", "campaign", "view"),
    *perms("audiences", "audience", "view"),
    "sends.view_run",
    "sends.view_reachsimulation",
    "contact.view_contactpolicy",
    "contact.view_campaignbudget",
    "copromotions.view_copromotion",
)
MEMBER_FILE_READ = (
    "members.view_member",
    "members.view_consentrecord",
    "members.view_interest",
    "ledger.view_ledgerentry",
    "tiers.view_membertier",
    "profiles.view_memberprofile",
    "catalogue.view_redemption",
    "bundles.view_bundleorder",
    *perms("care", "accountmanager", "view"),
    *perms("care", "managerassignment", "view"),
    *perms("care", "contactlogentry", "view", "add"),
    "care.view_complaint",
)

MARKETER = Role(
    key="marketer",
    name="Marketers",
    description=_("Runs the financial tier and drafts campaigns; cannot publish a campaign."),
    permissions=(
        ADMIN_ACCESS,
        *CAMPAIGN_READ,
        *perms("campaigns", "campaign", "add", "change"),
        *perms("audiences", "audience", "add", "change"),
        "sends.change_run",
        "sends.add_reachsimulation",
        "contact.view_delivery",
        "contact.view_suppression",
        "contact.change_contactpolicy",
        "offers.view_offeracceptance",
        "copromotions.change_copromotion",
        *perms("tiers", "tier", *PUBLISH),
        "tiers.view_membertier",
        "tiers.view_tierchange",
        *perms("tiers", "tiersettings", "change", "view"),
        *perms("earning", "earningrule", *PUBLISH),
        *perms("earning", "earningrulemultiplier", *EDIT, "delete"),
        *perms("discounts", "discountschedule", *PUBLISH),
        *perms("discounts", "volumebracket", *EDIT, "delete"),
        *perms("discounts", "tenureband", *EDIT, "delete"),
        *perms("catalogue", "reward", *PUBLISH),
        *perms("catalogue", "rewardstock", *EDIT),
        *perms("catalogue", "vouchercode", "add", "view"),
        "catalogue.view_redemption",
        *perms("bundles", "bundletemplate", *PUBLISH),
        *perms("bundles", "bundletemplateline", *EDIT, "delete"),
        *perms("bundles", "bundlecomponent", *EDIT),
        *perms("bundles", "bundlerecommendersettings", "change", "view"),
        "bundles.view_bundleorder",
        "bundles.view_bundleaddonstats",
        *perms("membership", "membershipprice", *EDIT),
        *perms("membership", "membershipsettings", "change", "view"),
        "activity.view_monthlyactivity",
        "billing.view_billingevent",
        "billing.view_quarantinedevent",
        "ledger.view_ledgerentry",
        *perms("ledger", "ledgersettings", "change", "view"),
        "members.view_member",
        *perms("members", "interest", *EDIT),
        *perms("members", "subscriberimport", "add", "view"),
        *perms("profiles", "segmentruleset", "change", "view", "publish"),
        "profiles.view_memberprofile",
        *perms("profiles", "segmentoverride", "add", "view"),
        "profiles.view_churnmodel",
        *perms("care", "survey", *EDIT),
        "care.view_surveyresponse",
        "events.view_rsvp",
        *MEDIA,
    ),
    page_grants=(PageGrant(ROOT_PAGE, PAGE_EDIT),),
    collection_permissions=(
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    ),
    may=(
        "edit tiers, earning rules, discounts, rewards, bundles and their settings",
        "draft campaigns and audiences and submit them for approval (not publish)",
        "edit the site's pages, events included, and its images and documents",
        "import subscribers, read members, segments and reports",
    ),
)
APPROVER = Role(
    key="campaign_approver",
    name="Campaign approvers",
    description=_("Approves and publishes campaigns; reviews co-promotions and approves partner statements."),
    permissions=(
        ADMIN_ACCESS,
        *CAMPAIGN_READ,
        *perms("campaigns", "campaign", "change", "publish", "lock", "unlock"),
        "sends.change_run",
        "contact.view_delivery",
        "copromotions.change_copromotion",
        *perms("settlement", "statement", "change", "view", "approve"),
        "settlement.view_statementline",
        *perms("settlement", "copromotionrevenue", *EDIT),
    ),
    approval_tasks=(CAMPAIGN_APPROVAL_TASK,),
    may=(
        "approve (publish) campaigns in the approval workflow, pause sends",
        "review co-promotions' terms; enter partner revenue and approve statements",
        "read campaign reports",
    ),
)
CLUB_STAFF = Role(
    key="club_staff",
    name="Club staff",
    description=_("Runs club events: edits and publishes event pages, checks members in at the door."),
    permissions=(
        ADMIN_ACCESS,
        "events.check_in_rsvp",
        "events.view_rsvp",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
    ),
    page_grants=(PageGrant(EVENT_INDEX_PAGE, PAGE_EDIT),),
    collection_permissions=("add_image", "choose_image"),
    may=(
        "add, edit and publish event pages (under the events index only)",
        "check members in at the door, read RSVPs and the attendance report",
    ),
)
ACCOUNT_MANAGER = Role(
    key="account_manager",
    name="Account managers",
    description=_("Looks after managed lines: assigns account managers, records contacts."),
    permissions=(
        ADMIN_ACCESS,
        *MEMBER_FILE_READ,
        "care.change_managerassignment",
        *perms("care", "managerrule", *EDIT),
    ),
    may=(
        "read the member file (points, tier, profile, redemptions, complaints)",
        "assign account managers by hand and by rules, record contacts",
    ),
)
SUPPORT_AGENT = Role(
    key="support_agent",
    name="Support agents",
    description=_("Answers members: handles complaints, records contacts, adjusts points by hand."),
    permissions=(
        ADMIN_ACCESS,
        *MEMBER_FILE_READ,
        "care.change_complaint",
        *perms("care", "complaintupdate", "add", "view"),
        "ledger.add_ledgerentry",
        "catalogue.view_fulfilment",
        # members ask support to be forgotten (docs/privacy.md)
        "members.erase_member",
    ),
    may=(
        "read the member file",
        "take, answer, resolve and close complaints (goodwill points included)",
        "adjust a member's points by hand with a reason, record contacts",
        "erase a member's personal data at the member's request",
    ),
)
ANALYST = Role(
    key="analyst",
    name="Analysts",
    description=_("Reads and exports reports; changes nothing and cannot open the member file."),
    permissions=(
        ADMIN_ACCESS,
        *CAMPAIGN_READ,
        "care.view_survey",
        "care.view_surveyresponse",
        "profiles.view_segmentruleset",
        "profiles.view_segmentoverride",
        "profiles.view_churnmodel",
        "tiers.view_tier",
        "earning.view_earningrule",
        "discounts.view_discountschedule",
        "catalogue.view_reward",
        "bundles.view_bundletemplate",
        "bundles.view_bundleaddonstats",
        "settlement.view_statement",
        "settlement.view_statementline",
        "settlement.view_copromotionrevenue",
    ),
    may=(
        "read and export campaign results, segment, churn, satisfaction and settlement reports",
        "read (not change) tiers, rules, discounts, rewards and bundles",
    ),
)
ADMINISTRATOR = Role(
    key="administrator",
    name="Administrators",
    description=_("Everything, including users, groups (roles), workflows, sites and API keys."),
    all_permissions=True,
    page_grants=(
        PageGrant(
            ROOT_PAGE,
            ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"),
        ),
    ),
    collection_permissions=(
        "add_image",
        "change_image",
        "choose_image",
        "delete_image",
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
    ),
    approval_tasks=(CAMPAIGN_APPROVAL_TASK,),
    may=("every permission there is, including users, roles, workflows, sites and API keys",),
)

ROLES: tuple[Role, ...] = (
    MARKETER,
    APPROVER,
    CLUB_STAFF,
    ACCOUNT_MANAGER,
    SUPPORT_AGENT,
    ANALYST,
    ADMINISTRATOR,
)
ROLES_BY_KEY = {role.key: role for role in ROLES}


def admin_only(permission: str) -> bool:
    app_label, codename = permission.split(".", 1)
    model = codename.split("_", 1)[1] if "_" in codename else codename
    return app_label in ADMIN_ONLY_APPS or model in ADMIN_ONLY_MODELS


def roles_markdown(roles: tuple[Role, ...] = ROLES) -> str:
    """The table of docs/roles.md, from these definitions (a test keeps the page equal to it)."""
    lines = ["| role (group) | key | what it is for | may |", "|---|---|---|---|"]
    for role in roles:
        grants = "; ".join(role.may)
        lines.append(f"| {role.name} | `{role.key}` | {role.description} | {grants} |")
    return "\n".join(lines) + "\n"


def role_definition_problems(roles: tuple[Role, ...] = ROLES) -> list[str]:
    """What is wrong with the definitions (empty when nothing is): a malformed name, a
    duplicate key or group, or a role other than the administrators' holding an admin-only
    permission."""
    problems = []
    for attribute in ("key", "name"):
        values = [getattr(role, attribute) for role in roles]
        problems += [
            f"{attribute} {value!r} is used twice" for value in set(values) if values.count(value) > 1
        ]
    for role in roles:
        for permission in role.permissions:
            if permission.count(".") != 1:
                problems.append(f"{role.key}: {permission!r} is not app_label.codename")
            elif admin_only(permission) and not role.all_permissions:
                problems.append(f"{role.key}: {permission} is for administrators only")
    return problems
