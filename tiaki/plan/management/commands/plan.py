import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.plan.export import plan_as_dict
from tiaki.plan.metrics import Period
from tiaki.plan.models import Plan
from tiaki.plan.report import annual_report, report_as_markdown


class Command(BaseCommand):
    help = "Work with loaded plans. `tiaki plan export [--plan CODE]` prints a plan as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser("export", help="print the loaded plan as JSON")
        export.add_argument("--plan", default=None, help="plan code (default: the only/NZ plan)")
        sub.add_parser("list", help="list loaded plans")
        report = sub.add_parser("report", help="print the annual progress report (Markdown)")
        report.add_argument("--plan", default=None, help="plan code (default: the only/NZ plan)")
        report.add_argument("--year", type=int, help="plan year, from 1")
        report.add_argument("--start", type=dt.date.fromisoformat,
                            help="any period instead: first day, YYYY-MM-DD")
        report.add_argument("--last", type=dt.date.fromisoformat,
                            help="any period instead: last day (included), YYYY-MM-DD")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "list":
            for plan in Plan.objects.all():
                count = plan.items.count()
                self.stdout.write(f"{plan.code}\t{plan.country}\t{count} items\t{plan.title}")
            return
        plans = Plan.objects.all()
        code = options.get("plan")
        if code:
            plans = plans.filter(code=code)
        elif plans.count() > 1:
            plans = plans.filter(country="NZ") or plans
        chosen = plans.order_by("-start_date").first()
        if chosen is None:
            raise CommandError("no plan loaded" + (f" with code {code!r}" if code else "") +
                               "; load one with `tiaki loadplan plans/nz-2009.yaml`")
        if verb == "report":
            year, start, last = options["year"], options["start"], options["last"]
            if (year is None) == (start is None and last is None):
                raise CommandError("give --year N, or --start and --last for any period")
            if year is not None and year < 1:
                raise CommandError("--year counts plan years from 1")
            period = None
            if year is None:
                if start is None or last is None or last < start:
                    raise CommandError("--start and --last both, the last day not before the "
                                       "first")
                period = Period(start, last + dt.timedelta(days=1))
            # The command line is the install's operator, who reads the whole plan.
            report = annual_report(plan=chosen, year=year, period=period,
                                   items=chosen.items.all())
            self.stdout.write(report_as_markdown(report))
            return
        self.stdout.write(json.dumps(plan_as_dict(chosen), ensure_ascii=False, indent=2))
