"""Pure-Python ingestion for border screening ("Prevent at the border"); imports no Django.

Entry points:

* :func:`.paxlst.parse_paxlst` / :func:`.paxlst.parse_paxlst_file`: UN/EDIFACT PAXLST (API);
* :func:`.mrz.parse_mrz`: ICAO Doc 9303 MRZ (TD1, TD2, TD3, MRV-A, MRV-B) with check digits;
* :func:`.records.ingest` (and ``read_csv``, ``read_json``, ``records_from_paxlst``,
  ``detect_format``): one normalised, fingerprinted :class:`.record_model.TravellerRecord`;
* :func:`.documents.bulk_match` and :class:`.documents.DocumentRegistry`: lost/stolen
  document matching with confusable-character folding.

Modules are imported explicitly (``from tiaki.screening.parsers.mrz import parse_mrz``) so that
using one parser does not load polars.
"""
