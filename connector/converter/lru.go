package converter

import "sync"

// lru is a size-bounded cache that drops the least recently used entry,
// safe for concurrent use: JsonConverter's schemas.cache.size caches. A size
// of zero or less caches nothing, as Java's LRUCache of that size.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	size  int
	items map[K]*lruEntry[K, V]
	head  lruEntry[K, V] // sentinel: head.next is the most recent
}

type lruEntry[K comparable, V any] struct {
	key        K
	val        V
	prev, next *lruEntry[K, V]
}

func newLRU[K comparable, V any](size int) *lru[K, V] {
	c := &lru[K, V]{size: size, items: map[K]*lruEntry[K, V]{}}
	c.head.prev, c.head.next = &c.head, &c.head
	return c
}

func (c *lru[K, V]) unlink(e *lruEntry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *lru[K, V]) pushFront(e *lruEntry[K, V]) {
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.val, true
}

func (c *lru[K, V]) put(k K, v V) {
	if c.size <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.val = v
		c.unlink(e)
		c.pushFront(e)
		return
	}
	e := &lruEntry[K, V]{key: k, val: v}
	c.items[k] = e
	c.pushFront(e)
	if len(c.items) > c.size {
		last := c.head.prev
		c.unlink(last)
		delete(c.items, last.key)
	}
}

func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
