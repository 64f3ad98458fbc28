"""Two modules below the entry: app.main → app.api.routes → app.services.analytics."""
import torch


@torch.inference_mode()
def score(values):
    return values


def summary():
    from google.cloud import bigquery
    import pandas as pd
    return pd.DataFrame({"a": [1]}).to_dict(), bigquery.Client
