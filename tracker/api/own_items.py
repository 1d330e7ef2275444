from ninja import Router

router = Router(tags=["own-items"])
