"""Pure-Python ingestion for border screening (no Django): PAXLST, MRZ, CSV/JSON traveller and
visa-application records, and lost/stolen travel document matching."""
