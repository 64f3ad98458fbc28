async def unfinished(:
    pass
