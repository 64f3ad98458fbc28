import requests
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from ..db import get_db
from ..storage import BUCKET, s3

router = APIRouter(prefix="/users")


@router.get("/{user_id}")
async def read_user(user_id: int, db: Session = Depends(get_db)):
    user = db.execute("SELECT * FROM users WHERE id = :id", {"id": user_id}).first()
    profile = requests.get(f"https://profiles.internal/{user_id}", timeout=2).json()
    return {"user": dict(user._mapping), "profile": profile}


@router.get("/{user_id}/avatar")
async def avatar(user_id: int):
    obj = s3.get_object(Bucket=BUCKET, Key=f"{user_id}.png")
    return obj["Body"].read()


@router.get("/{user_id}/orders")
def orders(user_id: int, db: Session = Depends(get_db)):
    # A plain def: FastAPI runs it in its thread pool, so the sync Session is fine here.
    return db.execute("SELECT * FROM orders WHERE user_id = :id", {"id": user_id}).all()
