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

moto also backs up every table a transaction touches with a deep copy of the
whole table, to roll back a cancelled transaction: with thousands of rewards
in the table, each claim copied them all (seconds and gigabytes). Here the
backup copies the table's item index and deep-copies only the items the
transaction names: the rollback restores the same state.

Usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT   (as moto_server)
"""

import copy
import sys
import threading
from collections import defaultdict

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

_partition = threading.local()
_all_items = Table.all_items
_query = Table.query


def all_items(self):
    if getattr(_partition, "unsorted", False):
        # An index query sorts what matches itself: no need to sort them all.
        return [
            item
            for stored in self.items.values()
            for item in (stored.values() if self.range_key_attr else [stored])
        ]
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
    if index_name:
        _partition.unsorted = True
        try:
            return _query(self, hash_key, *args, **kwargs)
        finally:
            _partition.unsorted = False
    if hash_key is None:
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


class _NamedItemsCopy:
    """`copy` as moto's transaction code sees it: a Table is backed up by
    its item index, with deep copies of the named items only."""

    def __init__(self, named):
        self.named = named

    def deepcopy(self, obj, memo=None):
        if not isinstance(obj, Table):
            return copy.deepcopy(obj, memo)
        backup = copy.copy(obj)
        backup.items = defaultdict(dict)
        for hash_key, stored in obj.items.items():
            backup.items[hash_key] = dict(stored) if isinstance(stored, dict) else stored
        for hash_key, range_key in self.named.get(obj.name, ()):
            stored = backup.items.get(hash_key)
            if range_key is not None and isinstance(stored, dict) and range_key in stored:
                stored[range_key] = copy.deepcopy(stored[range_key])
            elif range_key is None and stored is not None:
                backup.items[hash_key] = copy.deepcopy(stored)
        return backup

    def __getattr__(self, name):
        return getattr(copy, name)


_transact_write_items = DynamoDBBackend.transact_write_items


def transact_write_items(self, transact_items):
    named = {}
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = self.tables.get(op.get("TableName"))
        if table is None:
            continue
        key = op.get("Key") or op.get("Item") or {}
        hash_key = key.get(table.hash_key_attr)
        range_key = key.get(table.range_key_attr) if table.range_key_attr else None
        if hash_key is not None:
            named.setdefault(table.name, set()).add(
                (DynamoType(hash_key), DynamoType(range_key) if range_key is not None else None)
            )
    dynamodb_models.copy = _NamedItemsCopy(named)
    try:
        return _transact_write_items(self, transact_items)
    finally:
        dynamodb_models.copy = copy


Table.all_items = all_items
Table.query = query
DynamoHandler.call_action = call_action
DynamoDBBackend.transact_write_items = transact_write_items

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main())
