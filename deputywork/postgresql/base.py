"""Django's PostgreSQL backend, with a health check that costs no round trip on an idle session.

With CONN_HEALTH_CHECKS on, Django asks the server `SELECT 1` before the first query of every
request that reuses a connection. That is a round trip of its own, and on the residents' submit
(one statement in all) it was a third of the database work. An idle session has nothing to
say: when its socket holds something to read, the server has closed it (a restart,
pg_terminate_backend, idle_session_timeout) or sent a message, and only then is Django's own
check made, which tells the two apart. A session in a transaction, or after an error, is
checked as Django checks it.

What a look at the socket cannot see is a connection dropped without a word (a firewall or NAT
forgetting an idle flow): its first query fails instead. CONN_MAX_AGE (60 s by default) closes a
session long before such devices forget one; a longer CONN_MAX_AGE across such a network wants
TCP keepalives in OPTIONS (keepalives_idle).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        session = self.connection
        if session is None or session.closed or session.broken:
            return False
        if session.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()  # not select(): a descriptor may be above 1024
            poller.register(session.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
