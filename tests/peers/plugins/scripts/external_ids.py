"""Every exported asset's assetId (empty for v2 rows) and externalId, in export order.
external_ids.csv: assetId,externalId"""
import pandas as pd

import common


def export(data):
    frame = pd.DataFrame([{"assetId": a.get("assetId", ""), "externalId": a.get("externalId")}
                          for a in data["jsonExport"]], columns=["assetId", "externalId"])
    return common.ExportResponse(
        file=common.zip_of([("external_ids.csv", frame.to_csv(index=False))]),
        file_name="external_ids.zip")
