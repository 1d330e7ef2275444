from ninja import Router

router = Router(tags=["guidance-profiles"])
