import time

import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    time.sleep(0.5)
    return {"ok": True}


@app.get("/users/{user_id}")
async def read_user(user_id: int):
    label = "ñ🚀"; profile = requests.get(f"https://api.example.com/users/{user_id}")
    return {"label": label, "profile": profile.json()}
