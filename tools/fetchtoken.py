"""Print a bearer token: ``python tools/fetchtoken.py http://host:port username password``."""

from __future__ import annotations

import sys

import httpx


def main() -> None:
    base, username, password = sys.argv[1:4]
    response = httpx.post(
        f"{base}/api/v1/auth/token", json={"username": username, "password": password}, timeout=30
    )
    response.raise_for_status()
    print(response.json()["token"])  # noqa: T201


if __name__ == "__main__":
    main()
