"""A database of its own for tests that run Aduan in other processes (the pipe command, the
mail worker) and kill them: the test's own database lives inside a transaction no other
process can see. SQLite file or PostgreSQL database, like the test run itself."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[4]


@dataclass
class LiveDatabase:
    vendor: str
    env: dict[str, str]
    path: Path | None = None
    pg: dict[str, Any] = field(default_factory=dict)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "aduan.cli", *args]

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(  # noqa: S603
            self.command(*args),
            input=input,
            capture_output=True,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            timeout=timeout,
            check=False,
        )

    def popen(
        self, *args: str, env: dict[str, str] | None = None, **kwargs: Any
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            self.command(*args), cwd=ROOT, env={**self.env, **(env or {})}, **kwargs
        )

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "postgresql":
            with psycopg.connect(**self.pg, autocommit=True, connect_timeout=10) as conn:
                return list(conn.execute(statement.replace("?", "%s"), params).fetchall())
        assert self.path is not None
        with sqlite3.connect(self.path, timeout=30) as conn:
            return list(conn.execute(statement, params).fetchall())

    def scalar(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        return self.query(statement, params)[0][0]

    def drop(self) -> None:
        if self.vendor == "postgresql":
            admin = {**self.pg, "dbname": "postgres"}
            with psycopg.connect(**admin, autocommit=True, connect_timeout=10) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.pg["dbname"])
                    )
                )


def create_live_database() -> LiveDatabase:
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "ADUAN_DATA_DIR", "DJANGO_SETTINGS_MODULE")
    }
    data_dir = Path(tempfile.mkdtemp(prefix="aduan-live-"))
    env = {
        **base_env,
        "DEBUG": "true",
        "ADUAN_DATA_DIR": str(data_dir),
        "MEDIA_ROOT": str(data_dir / "media"),
        "DJANGO_SETTINGS_MODULE": "aduan.config.settings",
        # Queued mail stays queued: these processes only take mail in.
        "ADUAN_DELIVERY": "worker",
        "LOG_LEVEL": "WARNING",
    }
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{settings['NAME']}_live"
        pg = {
            "host": settings["HOST"] or "localhost",
            "port": int(settings["PORT"] or 5432),
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
            "dbname": name,
        }
        live = LiveDatabase("postgresql", env, pg=pg)
        live.drop()
        with psycopg.connect(
            **{**pg, "dbname": "postgres"}, autocommit=True, connect_timeout=10
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        password = f":{pg['password']}" if pg["password"] else ""
        env["DATABASE_URL"] = f"postgres://{pg['user']}{password}@{pg['host']}:{pg['port']}/{name}"
    else:
        live = LiveDatabase("sqlite", env, path=data_dir / "aduan.sqlite3")
    for args in (
        ("migrate", "-v0"),
        ("shell", "-c", "from aduan.demo.setup import create_structure; create_structure()"),
    ):
        result = live.run(*args, timeout=300)
        assert result.returncode == 0, result.stderr.decode()
    return live
