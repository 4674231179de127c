from ninja import Router

router = Router(tags=["信息发布"])
