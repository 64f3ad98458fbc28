import functools
from functools import cache, lru_cache

import cachetools
from async_lru import alru_cache


@alru_cache(maxsize=128)  # expect: PP103
async def get_settings(tenant: str) -> dict:
    return {"tenant": tenant}


@alru_cache  # expect: PP103
async def get_flags() -> dict:
    return {}


@alru_cache(maxsize=None)  # expect: PP103
async def get_user(user_id: int) -> dict:
    return {"id": user_id}


@cachetools.cached(cache=cachetools.TTLCache(maxsize=10, ttl=60))  # expect: PP103
async def get_rates() -> dict:
    return {}


# Not flagged: sync functions, async caches.
@lru_cache
def parse(text: str) -> list:
    return text.split()


@alru_cache(maxsize=32)
async def fetch(key: str) -> str:
    return key
