"""moto's server mode for the tests, with one speed-up for large tables.

moto 5 answers every DynamoDB Query on a table's own key by sorting *all* the
items of the table and then keeping those of the asked partition: about 3 s a
Query on the 150,000 items of the generated city. Here such a Query reads its
partition directly. The answer is the same (the same items, filtered, sorted
and paged by moto's own code); only the wasted work is skipped. Queries on
secondary indexes are left untouched.

moto's DynamoDB is not atomic under concurrent requests (its conditional
writes and transactions check then write without a lock, on the server's
threads), so every DynamoDB request runs under one lock here: the emulator
answers one at a time, as if it were atomic, and the project's conditions
are still what decides who wins a race (the concurrent-claim tests rely on
it).

Usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT   (as moto_server)
"""

import sys
import threading

from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

_partition = threading.local()
_all_items = Table.all_items
_query = Table.query


def all_items(self):
    only = getattr(_partition, "key", None)
    if only is not None and only[0] is self:
        stored = self.items.get(only[1])
        if stored is None:
            return []
        items = list(stored.values()) if self.range_key_attr else [stored]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)
    return _all_items(self)


def query(self, hash_key, *args, **kwargs):
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name or hash_key is None:
        return _query(self, hash_key, *args, **kwargs)
    _partition.key = (self, hash_key)
    try:
        return _query(self, hash_key, *args, **kwargs)
    finally:
        _partition.key = None


_serial = threading.Lock()
_call_action = DynamoHandler.call_action


def call_action(self):
    with _serial:
        return _call_action(self)


Table.all_items = all_items
Table.query = query
DynamoHandler.call_action = call_action

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main())
