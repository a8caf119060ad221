"""A least-recently-used mapping bounded by the total weight of its values (a count, or bytes), safe across threads."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, Iterable


def one(_value) -> int:
    return 1


class LRU:
    """At most `budget` in weight (each value weighs `weigh(value)`); the least recently used go first.

    The lock guards only the dictionary: callers compute a missing value outside it, so a hit is never held
    up behind a miss (two threads may both compute one; the second store is a harmless overwrite).
    """

    def __init__(self, budget: int, weigh: Callable[[object], int] = one):
        if budget < 0:
            raise ValueError(f"cache budget must be at least 0, got {budget}")
        self.budget, self.used, self._weigh = budget, 0, weigh
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def found(self, keys: Iterable[Hashable]) -> dict:
        """The values held for keys (one lock for all), each now the most recently used."""
        with self._lock:
            hits = {key: self._items[key] for key in keys if key in self._items}
            for key in hits:
                self._items.move_to_end(key)
        return hits

    def put(self, key: Hashable, value) -> None:
        """Keep value (a value heavier than the whole budget is not kept), then drop the oldest over budget."""
        self.put_many({key: value})

    def put_many(self, items: dict) -> None:
        with self._lock:
            for key, value in items.items():
                weight = self._weigh(value)
                if weight > self.budget:
                    continue
                if key in self._items:
                    self.used -= self._weigh(self._items.pop(key))
                self._items[key] = value
                self.used += weight
            while self.used > self.budget:
                _, dropped = self._items.popitem(last=False)
                self.used -= self._weigh(dropped)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0
