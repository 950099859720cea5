"""Customer rows for ``aduan seed`` (see ``aduan.demo.bulk``): Indonesian names, unique
phone numbers and addresses, some customers verified, created two to three years ago."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

from aduan.customers.phones import normalise_phone
from aduan.demo import data

DAY = 86400.0

STREETS = ["Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Gajah Mada", "Jl. Pemuda"]
CITIES = ["Jakarta", "Bandung", "Malang", "Surabaya", "Semarang", "Yogyakarta", "Medan"]

CUSTOMER_COLUMNS = [
    "id",
    "name",
    "phone",
    "email",
    "organisation_name",
    "address",
    "customer_number",
    "is_verified",
    "verified_at",
    "language",
    "notes",
    "created_at",
    "updated_at",
]


def _e164(local: str) -> str:
    """0812-3456-7890 -> +6281234567890, (0341) 7418780 -> +623417418780 (Indonesian only)."""
    digits = "".join(ch for ch in local if ch.isdigit())
    return "+62" + digits[1:]


def customer_rows(
    rng: random.Random,
    count: int,
    first_id: int,
    now: datetime.datetime,
    taken_phones: set[str],
    taken_emails: set[str],
) -> Iterator[tuple[Any, ...]]:
    email_index = first_id
    for n in range(count):
        while True:
            local = data.fake_phone(rng)
            phone = _e164(local)
            if phone not in taken_phones:
                break
        # Same rule as the services; checked on a sample so the loop stays fast.
        if n < 200 or n % 5000 == 0:
            assert normalise_phone(local) == phone, (local, phone)
        taken_phones.add(phone)
        first = rng.choice(data.FIRST_NAMES)
        last = rng.choice(data.LAST_NAMES)
        while True:
            email = f"{first.lower()}.{last.lower()}{email_index}@contoh.co.id"
            email_index += 1
            if email not in taken_emails:
                break
        created = now - datetime.timedelta(seconds=rng.uniform(730 * DAY, 1095 * DAY))
        verified = rng.random() < 0.6
        address = (
            f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, {rng.choice(CITIES)}"
            if rng.random() < 0.5
            else ""
        )
        yield (
            first_id + n,
            f"{first} {last}",
            phone,
            email,
            rng.choice(data.INSTITUTIONS),
            address,
            f"PLG-{first_id + n:07d}" if verified else "",
            verified,
            created + datetime.timedelta(days=rng.randint(0, 30)) if verified else None,
            "",
            "",
            created,
            created,
        )
