"""REST API for customer care (seed 004, seed 002 steps 16-17): hard complaints and their
queue, the phrase list, super emergencies and external groups, promises, callbacks and
their report, and special actions by the director; one module per procedure, like the
services. Each endpoint checks who is asking in the service it calls."""

from ninja import Router

from aduan.care.api import callbacks, emergencies, hard_complaints, promises, special_actions

router = Router(tags=["care"])
for part in (hard_complaints, emergencies, promises, callbacks, special_actions):
    router.add_router("", part.router)
