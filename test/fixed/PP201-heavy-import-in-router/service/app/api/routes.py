from typing import TYPE_CHECKING

import numpy as np  # not in the catalogue: costs about as much as the framework
import torch  # loaded anyway: `from torch import nn` below is used at import time
from fastapi import APIRouter
from sklearn.linear_model import LogisticRegression
from torch import nn

from app.services import analytics

if TYPE_CHECKING:
    import tensorflow as tf

__lazy_modules__ = ["matplotlib.pyplot"]
import matplotlib.pyplot as plt

router = APIRouter()
# Used while the module is imported: cannot simply be moved.
model = LogisticRegression()


class Scorer(nn.Module):
    pass


@router.get("/predict")
def predict(x: float):
    import sentence_transformers
    import transformers  # inside the function: not flagged

    encoder = sentence_transformers.SentenceTransformer("all-MiniLM-L6-v2")
    return {"y": float(torch.tensor([x]).sum()), "np": np.pi, "t": str(transformers), "a": analytics.summary(), "e": str(encoder)}


def plot(t: "tf.Tensor"):
    return plt.plot([1, 2])
