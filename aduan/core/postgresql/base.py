"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection at the start of every request
before using it, by running ``SELECT 1``: one more round trip to the server per request,
which on the API's hot paths cost as much as a tenth of the request (docs/performance.md).

An idle connection has nothing to read. The server writes to one only to close it (a
restart, ``pg_terminate_backend``, an idle timeout: an error message, then the end of the
stream) or to report a changed setting after a configuration reload. So the connection is
usable unless psycopg has seen it break or its socket is readable; in the second case a new
connection is the right answer either way. A connection that died without a word (a
silently dropped network path) fails its first query here as it failed ``SELECT 1`` before,
and Django replaces it after that request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
