package kafkastore

import (
	"context"
	"fmt"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// lifecycle is what the three stores share: a log on their topic, started
// once, stopped once, usable in between. It has a lock of its own; each
// store's lock guards its cache.
type lifecycle struct {
	what string // the store, in errors: "config store"
	log  *kafkalog.Log

	mu    sync.Mutex
	state int
}

const (
	stateNew = iota
	stateStarted
	stateStopped
)

// Start reads the whole topic, then follows it.
func (l *lifecycle) Start(ctx context.Context) error {
	l.mu.Lock()
	if l.state != stateNew {
		l.mu.Unlock()
		return storage.ErrClosed
	}
	l.mu.Unlock()
	if err := l.log.Start(ctx); err != nil {
		return fmt.Errorf("%s: %w", l.what, err)
	}
	l.mu.Lock()
	l.state = stateStarted
	l.mu.Unlock()
	return nil
}

// Stop stops following the topic; later calls fail with storage.ErrClosed.
func (l *lifecycle) Stop(ctx context.Context) error {
	l.mu.Lock()
	was := l.state
	l.state = stateStopped
	l.mu.Unlock()
	if was != stateStarted {
		return nil
	}
	return l.log.Stop(ctx)
}

// usable is storage.ErrClosed unless the store has started and not stopped.
func (l *lifecycle) usable() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state != stateStarted {
		return storage.ErrClosed
	}
	return nil
}
