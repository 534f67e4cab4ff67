package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// produceLogs writes sample application log events, one JSON object per
// record, to topic at perSecond until ctx ends; sent counts them.
func produceLogs(ctx context.Context, brokers []string, topic string, perSecond int, sent *atomic.Int64) error {
	if perSecond <= 0 {
		return nil
	}
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.ClientID = "quickstart-logs"
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	prod, err := sarama.NewSyncProducer(brokers, c)
	if err != nil {
		return fmt.Errorf("sample log producer for %v: %w", brokers, err)
	}
	defer prod.Close()

	// A tick every 100 ms (or per event, when slower) sends what is due.
	every := max(100*time.Millisecond, time.Second/time.Duration(perSecond))
	tick := time.NewTicker(every)
	defer tick.Stop()
	start := time.Now()
	gen := newLogGenerator(rand.New(rand.NewPCG(uint64(start.UnixNano()), 1)))
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			due := int64(now.Sub(start).Seconds()*float64(perSecond)) - sent.Load()
			if due <= 0 {
				continue
			}
			msgs := make([]*sarama.ProducerMessage, due)
			for i := range msgs {
				msgs[i] = &sarama.ProducerMessage{Topic: topic, Value: sarama.ByteEncoder(gen.next(now))}
			}
			if err := prod.SendMessages(msgs); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("producing sample logs to %s: %w", topic, err)
			}
			sent.Add(due)
		}
	}
}

// logGenerator makes access-log-like events of a small web shop.
type logGenerator struct {
	rnd    *rand.Rand
	seq    int64
	routes []route
}

type route struct {
	method, path string // path may hold an id: %d
	ok           int
	service      string
}

func newLogGenerator(rnd *rand.Rand) *logGenerator {
	return &logGenerator{rnd: rnd, routes: []route{
		{"GET", "/", 200, "web"},
		{"GET", "/products", 200, "catalog"},
		{"GET", "/products/%d", 200, "catalog"},
		{"POST", "/cart/items", 201, "cart"},
		{"POST", "/checkout", 201, "checkout"},
		{"GET", "/orders/%d", 200, "orders"},
	}}
}

func (g *logGenerator) next(now time.Time) []byte {
	g.seq++
	r := g.routes[g.rnd.IntN(len(g.routes))]
	path := r.path
	if strings.Contains(path, "%d") {
		path = fmt.Sprintf(path, 1000+g.rnd.IntN(9000))
	}
	status, level := r.ok, "info"
	duration := 5 + g.rnd.IntN(80)
	message := fmt.Sprintf("%s %s %d %dms", r.method, path, status, duration)
	switch n := g.rnd.IntN(100); {
	case n < 2:
		status, level, duration = 503, "error", 3000+g.rnd.IntN(2000)
		message = fmt.Sprintf("%s %s %d %dms: upstream %s timed out", r.method, path, status, duration, r.service)
	case n < 7:
		status, level = 404, "warn"
		message = fmt.Sprintf("%s %s %d %dms", r.method, path, status, duration)
	case n < 20:
		level = "debug"
	}
	ev := map[string]any{
		"seq":         g.seq,
		"time":        now.UTC().Format(time.RFC3339Nano),
		"level":       level,
		"service":     r.service,
		"host":        fmt.Sprintf("web-%d", 1+g.rnd.IntN(3)),
		"method":      r.method,
		"path":        path,
		"status":      status,
		"duration_ms": duration,
		"trace_id":    fmt.Sprintf("%016x", g.rnd.Uint64()),
		"message":     message,
	}
	b, _ := json.Marshal(ev) // a map of strings and numbers always encodes
	return b
}
