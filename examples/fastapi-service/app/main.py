import time

import httpx
from fastapi import FastAPI

from .routers import reports, users

app = FastAPI(title="example service")
app.include_router(users.router)
app.include_router(reports.router)
http = httpx.AsyncClient(timeout=5)


@app.get("/health")
async def health():
    time.sleep(0.05)  # "let the DB settle" — blocks every request on the worker
    return {"ok": True}


@app.get("/upstream")
async def upstream():
    response = await http.get("https://upstream.internal/status")
    return response.json()
