"""The WTO Regional Trade Agreements database export: every notified agreement's signature and entry into force."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import TableSpec, date_column, number_column, text_column

WTO_DATES = ["Date of Signature (G)", "Date of Signature (S)", "Date of Notification (G)", "Date of Notification (S)",
             "Date of Entry into Force (G)", "Date of Entry into Force (S)", "Inactive Date"]
# WTO consideration dates may be scheduled after the export date, so they are not held to it.
WTO_RTA = TableSpec(
    as_of="as_of_wto",
    file="wto_rta.csv",
    id_column="RTA ID",
    sourced={c: "source" for c in WTO_DATES},
    schema=pa.DataFrameSchema(
        {
            "RTA ID": number_column(min_value=1, integer=True, required=True),
            "RTA Name": text_column(),
            **{c: date_column() for c in WTO_DATES},
            "Accession?": text_column(allowed=["Yes", "No"]),
            "source": text_column(),
        },
        strict=False,  # the export's other columns are kept exactly as exported
    ),
)
