"""Import offers from a CSV file (docs/offers-csv.md) or UiTdatabank JSON-LD.

The work is split by job: import_rows (shared checks and the report), import_csv,
uitdatabank (+ uitdatabank_terms) and import_write. This module names the entry points.
"""

from __future__ import annotations

from handlers.offers.import_csv import read_csv as read_csv
from handlers.offers.import_rows import ImportFileError as ImportFileError
from handlers.offers.import_rows import ImportReport as ImportReport
from handlers.offers.import_rows import RowError as RowError
from handlers.offers.import_rows import taal_level as taal_level
from handlers.offers.import_write import DEMO_FILE as DEMO_FILE
from handlers.offers.import_write import import_demo as import_demo
from handlers.offers.import_write import import_documents as import_documents
from handlers.offers.import_write import import_file as import_file
from handlers.offers.import_write import write_records as write_records
from handlers.offers.uitdatabank import read_jsonld as read_jsonld
