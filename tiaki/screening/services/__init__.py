"""State changes in border screening: ingesting records, screening them into alerts, the
lists they are screened against, risk profiles, and officers' dispositions.

Every function checks its policy, makes its change and writes its audit row in one
transaction (docs/architecture.md).
"""

from tiaki.screening.services.common import MAX_PROBLEMS_KEPT, SCREEN_CHUNK, Progress  # noqa: F401
from tiaki.screening.services.dispositions import (  # noqa: F401
    _report_trafficking,
    alert_dispose,
    post_membership_set,
    screening_link,
)
from tiaki.screening.services.ingest import (  # noqa: F401
    _ALERT_RELATED,
    IngestOutcome,
    ScreenOutcome,
    _create_alerts,
    _date_only,
    _posts,
    _problem,
    _record_alerts,
    _record_screen,
    batch_screen,
    ingest_file,
    read_source,
    record_screen,
    resume_stalled,
    route_post,
    traveller_from_record,
)
from tiaki.screening.services.lists import (  # noqa: F401
    _DOB_RE,
    WATCHLIST_COLUMNS,
    ImportOutcome,
    _csv_rows,
    _document_values,
    bump_version,
    lost_document_record,
    lost_document_withdraw,
    lost_documents_import,
    watchlist_expire,
    watchlist_import,
)
from tiaki.screening.services.profiles import (  # noqa: F401
    PENDING_APPLICATION_DAYS,
    TestResult,
    _check_dates,
    _check_rule,
    pending_screen,
    profile_create,
    profile_publish,
    profile_retire,
    profile_test_add,
    profile_test_remove,
    profile_tests_run,
    profile_version_save,
)
