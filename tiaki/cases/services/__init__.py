"""State changes on victim cases: each checks its rule, changes, and audits in one transaction.

Rules come from seed 002 (PROTECTION and PROSECUTION, items 13-28), seed 004 (Oranga
Tamariki when children are involved) and issue 4. Refusals raise ``Refused`` with a reason
in plain words. Identifying details are encrypted (``tiaki.core.crypto``); they are never
written to the audit trail, to case history or to notifications.
"""

from tiaki.cases.services.case import (  # noqa: F401
    _involve_oranga_tamariki,
    case_open,
    child_acknowledge,
    identity_reveal,
    identity_update,
    member_add,
)
from tiaki.cases.services.certification import (  # noqa: F401
    certificate_pdf_export,
    certification_decline,
    certification_endorse,
    certification_request,
    certification_revoke,
)
from tiaki.cases.services.closure import case_close, case_export_htcds  # noqa: F401
from tiaki.cases.services.common import (  # noqa: F401
    CHILD_AGE,
    CHILD_SERVICE,
    CLOSURE_REASONS,
    HTCDS_EXPORT,
    IDENTITY_KEYS,
    MFAT_SERVICE,
    WITNESS_STATUSES,
    _age_from,
    _case_url,
    _check_case,
    _clean_identity,
    _clean_list,
    _decrypt_identity,
    _event,
    _next_reference,
    agency_staff,
    case_team,
    certifications_newest_first,
    child_gate,
    issued_certification,
    latest_certification,
)
from tiaki.cases.services.consent import (  # noqa: F401
    consent_current,
    consent_record,
    consents_current,
    require_consent,
)
from tiaki.cases.services.justice import (  # noqa: F401
    compensation_informed,
    court_date_add,
    court_outcome,
    interview_plan,
    witness_statement_set,
)
from tiaki.cases.services.minister import age_band, case_notice, minister_notify  # noqa: F401
from tiaki.cases.services.referrals import (  # noqa: F401
    TRANSITIONS,
    _close_referral,
    _shared_value,
    referral_create,
    referral_disclose,
    referral_disclosure_refusal,
    referral_respond,
    referral_withdraw,
    referrals_remind_overdue,
)
from tiaki.cases.services.repatriation import (  # noqa: F401
    humanitarian_assess,
    immigration_decide,
    immigration_lodge,
    repatriation_complete,
    repatriation_plan,
)
from tiaki.cases.services.safety import risk_assess  # noqa: F401
