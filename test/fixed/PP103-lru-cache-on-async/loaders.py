"""No async-lru import yet: --fix --unsafe-fixes adds it after the last import (test/fixed/)."""
from functools import lru_cache

import httpx
from async_lru import alru_cache


@alru_cache  # expect: PP103
async def load(url: str) -> str:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).text
