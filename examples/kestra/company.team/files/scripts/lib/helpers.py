def chunked(items, size):
    """Yields successive slices of `items` of at most `size` elements."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
