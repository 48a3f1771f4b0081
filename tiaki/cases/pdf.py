"""The certification certificate as a PDF (seed 002, item 13).

Rendered through ``tiaki.core.pdf`` (fpdf2 with HarfBuzz shaping and bundled fonts), so the
endorsing officer's name prints in whatever script it is written — te reo Māori macrons,
Samoan and Tongan glottal stops, Chinese, Thai, Arabic. It carries no identifying details:
only the case's pseudonymous reference. Dates are in the install's time zone.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.cases.models import Certification
from tiaki.core.pdf import Document

# The same words as the certificate page, so one catalogue entry serves both.
STATEMENT = gettext_noop(
    "New Zealand Police certify that there is a reasonable suspicion that the person known "
    "by the case reference above has been trafficked, within the meaning of section 98D of "
    "the Crimes Act 1961. This certification was made on an assessment of evidence and "
    "witness statements and endorsed by a senior police officer (Plan of Action to Prevent "
    "People Trafficking, 2009, action item 13)."
)


def certificate_document(cert: Certification) -> Document:
    local = timezone.localtime
    endorser = cert.endorsed_by
    title = _("Certificate %(reference)s") % {"reference": cert.reference}
    doc = Document(title=title, author=_("New Zealand Police"), footer=title)
    doc.heading(_("New Zealand Police"))
    doc.heading(_("Certification of a suspected victim of trafficking"), 2)
    doc.space()
    doc.text(f"{_('Certificate reference')}: {cert.reference}")
    doc.text(f"{_('Case reference')}: {cert.case.reference}")
    doc.text(f"{_('Date issued')}: "
             + (date_format(local(cert.decided_at), "d F Y") if cert.decided_at
                else _("not issued")))
    doc.text(f"{_('Endorsed by')}: "
             + ((endorser.get_full_name() or endorser.username) if endorser else ""))
    doc.space()
    doc.text(_(STATEMENT))
    if cert.status == Certification.Status.REVOKED:
        doc.space()
        doc.heading(_("REVOKED"), 2)
        when = date_format(local(cert.revoked_at), "d F Y") if cert.revoked_at else ""
        doc.text(_("This certification was revoked on %(date)s.") % {"date": when})
    doc.space()
    doc.small(_("Identity is held by the case team under the reference above. "
                "Verify with New Zealand Police."))
    return doc


def certificate_pdf(cert: Certification) -> bytes:
    return certificate_document(cert).render()
