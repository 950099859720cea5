"""Service-level policies for the demo organisation (``aduan demo``): one per priority,
counted in business hours on the default calendar."""

from __future__ import annotations

from aduan.care.models import CareSettings
from aduan.organisation.models import Priority
from aduan.sla.models import SlaPolicy

# priority code: (name, first response minutes, resolution minutes)
POLICIES = {
    "critical": ("Kritis: 30 menit / 4 jam kerja", 30, 4 * 60),
    "high": ("Tinggi: 1 jam / 1 hari kerja", 60, 8 * 60),
    "normal": ("Sedang: 4 jam / 3 hari kerja", 4 * 60, 3 * 8 * 60),
    "low": ("Rendah: 1 hari / 5 hari kerja", 8 * 60, 5 * 8 * 60),
}


def create_policies() -> None:
    """Idempotent. Critical tickets also go on the callback list when resolved."""
    for order, (code, (name, first, resolution)) in enumerate(POLICIES.items()):
        priority = Priority.objects.filter(code=code).first()
        if priority is None:
            continue
        SlaPolicy.objects.get_or_create(
            code=f"demo-{code}",
            defaults={
                "name": name,
                "priority": priority,
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "order": order,
            },
        )
    settings_row, _ = CareSettings.objects.get_or_create(pk=1)
    critical = Priority.objects.filter(code="critical").first()
    if critical is not None:
        settings_row.callback_priorities.add(critical)
