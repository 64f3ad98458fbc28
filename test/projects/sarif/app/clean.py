import asyncio


async def wait():
    await asyncio.sleep(1)
