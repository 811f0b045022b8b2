from django.core.management.base import BaseCommand, CommandError

from rewards.models import OperatorApiToken, OperatorScope


class Command(BaseCommand):
    help = "Issue an API token for the operator's billing system; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes", default=",".join(OperatorScope.values),
            help=f"comma-separated, of: {', '.join(OperatorScope.values)}",
        )

    def handle(self, *args, name, scopes, **options):
        wanted = [s.strip() for s in scopes.split(",") if s.strip()]
        unknown = sorted(set(wanted) - set(OperatorScope.values))
        if unknown or not wanted:
            raise CommandError(f"unknown or missing scopes: {', '.join(unknown) or '(none)'}")
        token, raw = OperatorApiToken.issue(name=name, scopes=wanted)
        self.stdout.write(f"token {token.pk} ({', '.join(wanted)}): {raw}")
        self.stdout.write("Store it now: only its digest is kept.")
