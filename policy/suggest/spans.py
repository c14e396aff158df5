"""Sorted, non-overlapping spans (quotes, mentions, dates) and the queries the extractors ask of
them, by bisection: a long text must cost in proportion to its length, not its square."""

import bisect


class Spans:
    def __init__(self, items):
        self.items = sorted(items, key=lambda item: item.start)
        self.starts = [item.start for item in self.items]
        self.ends = [item.end for item in self.items]

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def at(self, position):
        """The span holding `position` (start <= position < end), or None."""
        index = bisect.bisect_right(self.starts, position) - 1
        if index >= 0 and position < self.items[index].end:
            return self.items[index]
        return None

    def within(self, start, end):
        """The spans wholly inside [start, end)."""
        low, high = bisect.bisect_left(self.starts, start), bisect.bisect_right(self.starts, end)
        return [item for item in self.items[low:high] if item.end <= end]

    def overlapping(self, start, end):
        low = bisect.bisect_right(self.ends, start)
        high = bisect.bisect_left(self.starts, end)
        return self.items[low:high]

    def before(self, position):
        """The spans that start before `position`, nearest first."""
        index = bisect.bisect_left(self.starts, position)
        return reversed(self.items[:index])
