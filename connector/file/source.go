package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
)

// SourceConnector is FileStreamSourceConnector: one task reading one file.
type SourceConnector struct {
	config map[string]string
}

var _ connector.SourceConnector = (*SourceConnector)(nil)

// NewSourceConnector returns an unstarted source connector.
func NewSourceConnector() *SourceConnector { return &SourceConnector{} }

// Version of the connector.
func (c *SourceConnector) Version() string { return Version }

// Start checks the config and keeps it for the task.
func (c *SourceConnector) Start(ctx connector.ConnectorContext, config map[string]string) error {
	vals, err := SourceConfigDef().Parse(config)
	if err != nil {
		return err
	}
	name := vals.String(FileConfig)
	if name == "" {
		name = "standard input"
	}
	ctx.Logger().Info("starting file source connector", "file", name)
	c.config = maps.Clone(config)
	return nil
}

// TaskClass names the task class in task configs.
func (c *SourceConnector) TaskClass() string { return SourceTaskClass }

// TaskConfigs returns one task config whatever maxTasks is: one input
// stream makes sense.
func (c *SourceConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return []map[string]string{maps.Clone(c.config)}, nil
}

// Stop has nothing to release.
func (c *SourceConnector) Stop() error { return nil }

// NewTask returns a source task.
func (c *SourceConnector) NewTask() connector.SourceTask { return NewSourceTask() }

// waitForData is how long Poll waits when the file has nothing new (or does
// not exist yet) before returning no records, as the Java task does.
const waitForData = time.Second

// SourceTask reads lines and returns them as records with a string value
// schema. Line ends are \n, \r\n or a lone \r; a line without its end is
// held back until the end arrives. The committed position counts bytes up
// to the end of the last line returned, so a restart continues exactly
// there. (Java counts decoded characters and seeks by bytes, which agree
// only for ASCII files; bytes are right for every file.)
type SourceTask struct {
	filename  string
	topic     string
	batchSize int
	reader    connector.OffsetReader
	log       *slog.Logger

	mu      sync.Mutex // guards in and closed against Stop from another goroutine
	in      *os.File
	closed  bool
	stopped chan struct{}

	buf      []byte
	n        int   // bytes of buf in use
	position int64 // bytes of the file consumed into returned lines
	tracked  bool  // false for standard input: no offsets
}

var _ connector.SourceTask = (*SourceTask)(nil)

// NewSourceTask returns an unstarted task.
func NewSourceTask() *SourceTask {
	return &SourceTask{buf: make([]byte, 1024), stopped: make(chan struct{})}
}

// Version of the task.
func (t *SourceTask) Version() string { return Version }

// Start reads the config; the file is opened by the first Poll, so a file
// that does not exist yet is waited for.
func (t *SourceTask) Start(ctx connector.SourceTaskContext, config map[string]string) error {
	vals, err := SourceConfigDef().Parse(config)
	if err != nil {
		return err
	}
	t.filename = vals.String(FileConfig)
	t.topic = vals.String(TopicConfig)
	t.batchSize = int(vals.Int(BatchSizeConfig))
	if t.batchSize < 1 {
		return fmt.Errorf("%s=%d: must be at least 1", BatchSizeConfig, t.batchSize)
	}
	t.reader = ctx.OffsetReader()
	t.log = ctx.Logger()
	if t.filename == "" {
		t.mu.Lock()
		t.in = os.Stdin
		t.mu.Unlock()
	}
	return nil
}

func (t *SourceTask) logName() string {
	if t.filename == "" {
		return "stdin"
	}
	return t.filename
}

// open opens the file and seeks to the committed position; it returns
// false when the file does not exist yet.
func (t *SourceTask) open(ctx context.Context) (bool, error) {
	f, err := os.Open(t.filename)
	if errors.Is(err, fs.ErrNotExist) {
		t.log.Warn("file not found, waiting for it to be created", "file", t.filename)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open %s: %w", t.filename, err)
	}
	pos, err := t.committedPosition(ctx)
	if err != nil {
		_ = f.Close()
		return false, err
	}
	if pos > 0 {
		if _, err := f.Seek(pos, io.SeekStart); err != nil {
			_ = f.Close()
			return false, fmt.Errorf("seek %s to committed position %d: %w", t.filename, pos, err)
		}
		t.log.Debug("resuming from committed position", "file", t.filename, "position", pos)
	}
	t.position = pos
	t.tracked = true
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		_ = f.Close()
		return false, nil
	}
	t.in = f
	return true, nil
}

func (t *SourceTask) committedPosition(ctx context.Context) (int64, error) {
	off, err := t.reader.Offset(ctx, map[string]any{FilenameField: t.filename})
	if err != nil {
		return 0, fmt.Errorf("read committed offset of %s: %w", t.filename, err)
	}
	if off == nil || off[PositionField] == nil {
		return 0, nil
	}
	pos, ok := off[PositionField].(int64)
	if !ok {
		return 0, fmt.Errorf("committed offset of %s: %s is %v (%T), want a long", t.filename, PositionField, off[PositionField], off[PositionField])
	}
	if pos < 0 {
		return 0, fmt.Errorf("committed offset of %s: %s is %d, want a position >= 0", t.filename, PositionField, pos)
	}
	return pos, nil
}

// wait pauses before an empty poll returns, ending early on ctx or Stop.
func (t *SourceTask) wait(ctx context.Context) {
	timer := time.NewTimer(waitForData)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-t.stopped:
	case <-timer.C:
	}
}

// Poll returns up to batch.size lines, or none after waiting a second when
// there is nothing new.
func (t *SourceTask) Poll(ctx context.Context) ([]*connector.SourceRecord, error) {
	t.mu.Lock()
	in, closed := t.in, t.closed
	t.mu.Unlock()
	if closed {
		return nil, nil
	}
	if in == nil {
		ok, err := t.open(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			t.wait(ctx)
			return nil, nil
		}
		in = t.in
	}

	var records []*connector.SourceRecord
	readAny := false
	for {
		for {
			line, ok := t.extractLine()
			if !ok {
				break
			}
			records = append(records, t.record(line))
			if len(records) >= t.batchSize {
				return records, nil
			}
		}
		if t.n == len(t.buf) {
			// A line longer than the buffer: grow it.
			nb := make([]byte, 2*len(t.buf))
			copy(nb, t.buf[:t.n])
			t.buf = nb
			t.log.Debug("grew line buffer", "file", t.logName(), "size", len(nb))
		}
		if t.filename == "" {
			// Standard input may be a pipe or terminal: never block Poll
			// for longer than the usual wait.
			_ = in.SetReadDeadline(time.Now().Add(waitForData))
		}
		n, err := in.Read(t.buf[t.n:])
		t.n += n
		if n > 0 {
			readAny = true
			continue
		}
		switch {
		case err == nil, errors.Is(err, io.EOF), errors.Is(err, os.ErrDeadlineExceeded):
		case t.isClosed():
			return records, nil // Stop closed the file under us
		default:
			return records, fmt.Errorf("read %s: %w", t.logName(), err)
		}
		break
	}
	if len(records) == 0 && !readAny {
		t.wait(ctx)
	}
	return records, nil
}

func (t *SourceTask) isClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// extractLine takes the next complete line off the buffer.
func (t *SourceTask) extractLine() (string, bool) {
	b := t.buf[:t.n]
	i := bytes.IndexAny(b, "\r\n")
	if i < 0 {
		return "", false
	}
	next := i + 1
	if b[i] == '\r' {
		if i+1 >= len(b) {
			return "", false // cannot tell \r from \r\n yet
		}
		if b[i+1] == '\n' {
			next = i + 2
		}
	}
	line := string(b[:i])
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD") // as Java's UTF-8 decoder does
	}
	t.n = copy(t.buf, b[next:])
	t.position += int64(next)
	return line, true
}

func (t *SourceTask) record(line string) *connector.SourceRecord {
	var partition, offset map[string]any
	if t.tracked {
		partition = map[string]any{FilenameField: t.filename}
		offset = map[string]any{PositionField: t.position}
	} else {
		partition = map[string]any{FilenameField: nil}
		offset = map[string]any{PositionField: nil}
	}
	r := connector.NewSourceRecord(partition, offset, t.topic, data.StringSchema, line)
	r.Timestamp = time.Now().UnixMilli()
	r.TimestampType = connector.CreateTime
	return r
}

// Stop closes the file and wakes a waiting Poll. It may be called from
// another goroutine while Poll runs, and more than once.
func (t *SourceTask) Stop() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	close(t.stopped)
	if t.in != nil && t.in != os.Stdin {
		if err := t.in.Close(); err != nil {
			return fmt.Errorf("close %s: %w", t.filename, err)
		}
	}
	return nil
}
