"""Every message of the allauth pages, forms, flash messages and emails a member can meet is in
our catalogues (listed in ``cms/allauth_messages.py``), so none shows in English in Vietnamese.

The test runs ``makemessages`` over a copy of the installed allauth's files that count (below) and
compares with the committed Vietnamese catalogue; after an allauth upgrade it names each new or
changed message to list. ``test_translations`` then checks that all three languages translate it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import allauth
import pytest
from django.core.management import call_command

from tests.pofile import po_catalogue_read

ALLAUTH_DIR = Path(allauth.__file__).parent
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
# Python files whose messages show on the pages: form labels, form errors, the adapter's errors.
ALLAUTH_PYTHON_FILES = (
    "account/adapter.py", "account/fields.py", "account/forms.py",
    "mfa/adapter.py", "mfa/base/forms.py", "mfa/totp/forms.py", "mfa/recovery_codes/forms.py",
)
# Templates of features our settings leave off (config/settings/integration_accounts.py): WebAuthn
# and passkeys (MFA_SUPPORTED_TYPES), login by code, verification and reset by code, trusted
# browsers, the separate change-email page (ACCOUNT_CHANGE_EMAIL).
LEFT_OUT = ("webauthn", "passkey", "login_code", "password_reset_code", "email_verification_code",
            "mfa/trust.html", "account/email_change.html")


def allauth_files_shown_to_members() -> list[Path]:
    templates = ALLAUTH_DIR / "templates"
    shown = [
        path for app in ("account", "mfa") for path in sorted((templates / app).rglob("*"))
        if path.suffix in {".html", ".txt"} and not any(part in path.as_posix() for part in LEFT_OUT)
    ]
    return shown + [ALLAUTH_DIR / name for name in ALLAUTH_PYTHON_FILES]


def test_the_pages_and_emails_members_meet_are_among_the_files_read():
    files = {path.relative_to(ALLAUTH_DIR).as_posix() for path in allauth_files_shown_to_members()}

    assert {
        "templates/mfa/index.html", "templates/mfa/totp/activate_form.html",
        "templates/mfa/recovery_codes/generate.html", "templates/mfa/authenticate.html",
        "templates/account/email.html", "templates/account/messages/email_confirmation_sent.txt",
        "templates/account/email/password_reset_key_message.txt",
        "templates/account/email/unknown_account_message.txt", "account/forms.py",
    } <= files
    assert not [name for name in files if "webauthn" in name or "login_code" in name]
    assert all((ALLAUTH_DIR / name).is_file() for name in files)


def test_every_allauth_message_a_member_sees_is_in_our_catalogue(tmp_path, monkeypatch, settings):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.skip("makemessages needs GNU gettext (xgettext, msgmerge): apt-get install gettext")
    for path in allauth_files_shown_to_members():
        copy = tmp_path / path.relative_to(ALLAUTH_DIR)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["vi"], verbosity=0)

    allauths = po_catalogue_read(path=tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    ours = po_catalogue_read(path=LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po")
    assert len(allauths.keys) > 150
    assert sorted(allauths.keys - ours.keys) == []
