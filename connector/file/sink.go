package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
)

// SinkConnector is FileStreamSinkConnector.
type SinkConnector struct {
	config map[string]string
}

var _ connector.SinkConnector = (*SinkConnector)(nil)

// NewSinkConnector returns an unstarted sink connector.
func NewSinkConnector() *SinkConnector { return &SinkConnector{} }

// Version of the connector.
func (c *SinkConnector) Version() string { return Version }

// Start checks the config and keeps it for the tasks.
func (c *SinkConnector) Start(ctx connector.ConnectorContext, config map[string]string) error {
	vals, err := SinkConfigDef().Parse(config)
	if err != nil {
		return err
	}
	name := vals.String(FileConfig)
	if name == "" {
		name = "standard output"
	}
	ctx.Logger().Info("starting file sink connector", "file", name)
	c.config = maps.Clone(config)
	return nil
}

// TaskClass names the task class in task configs.
func (c *SinkConnector) TaskClass() string { return SinkTaskClass }

// TaskConfigs returns maxTasks copies of the connector config, as Java does
// (several tasks appending to one file interleave their lines).
func (c *SinkConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = maps.Clone(c.config)
	}
	return out, nil
}

// Stop has nothing to release.
func (c *SinkConnector) Stop() error { return nil }

// NewTask returns a sink task.
func (c *SinkConnector) NewTask() connector.SinkTask { return NewSinkTask() }

// SinkTask appends one line per record value. Put buffers; Flush writes the
// buffer and syncs the file, so the offsets the runtime commits after it are
// durable in the file. Every write, flush, sync and close error is returned.
type SinkTask struct {
	filename string
	file     *os.File // nil for standard output
	out      *bufio.Writer
	log      *slog.Logger
	stopped  bool
}

var _ connector.SinkTask = (*SinkTask)(nil)

// NewSinkTask returns an unstarted task.
func NewSinkTask() *SinkTask { return &SinkTask{} }

// Version of the task.
func (t *SinkTask) Version() string { return Version }

// Start opens the file for appending, creating it if needed.
func (t *SinkTask) Start(ctx connector.SinkTaskContext, config map[string]string) error {
	vals, err := SinkConfigDef().Parse(config)
	if err != nil {
		return err
	}
	t.log = ctx.Logger()
	t.filename = vals.String(FileConfig)
	var w io.Writer = os.Stdout
	if t.filename != "" {
		f, err := os.OpenFile(t.filename, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("couldn't find or create file '%s' for FileStreamSinkTask: %w", t.filename, err)
		}
		t.file = f
		w = f
		if err := t.endTornLine(); err != nil {
			f.Close()
			return err
		}
	}
	t.out = bufio.NewWriterSize(w, 64<<10)
	return nil
}

// endTornLine starts a new line when the file ends in the middle of one:
// a worker killed while writing (the buffer is written in 64 KiB pieces)
// leaves part of a line, and the records replayed after the restart must
// not be glued onto it, or the first of them would be lost in it.
func (t *SinkTask) endTornLine() error {
	r, err := os.Open(t.filename)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.filename, err)
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := r.ReadAt(last, st.Size()-1); err != nil {
		return fmt.Errorf("read %s: %w", t.filename, err)
	}
	if last[0] == '\n' {
		return nil
	}
	t.log.Warn("the file ends in the middle of a line (a crash while writing?); starting a new line", "file", t.filename)
	if _, err := t.file.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("write %s: %w", t.filename, err)
	}
	return nil
}

func (t *SinkTask) logName() string {
	if t.filename == "" {
		return "stdout"
	}
	return t.filename
}

// Put writes each value as a line.
func (t *SinkTask) Put(ctx context.Context, records []*connector.SinkRecord) error {
	for _, r := range records {
		if err := writeValue(t.out, r.Value); err != nil {
			return fmt.Errorf("write %s (%s): %w", t.logName(), r.Coordinates(), err)
		}
		if err := t.out.WriteByte('\n'); err != nil {
			return fmt.Errorf("write %s (%s): %w", t.logName(), r.Coordinates(), err)
		}
	}
	return nil
}

// Flush makes every line written so far durable.
func (t *SinkTask) Flush(ctx context.Context, offsets map[connector.TopicPartition]int64) error {
	if err := t.out.Flush(); err != nil {
		return fmt.Errorf("flush %s: %w", t.logName(), err)
	}
	if t.file != nil {
		if err := t.file.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", t.logName(), err)
		}
	}
	return nil
}

// Stop flushes what Put buffered and closes the file. Lines whose offsets
// were not committed may be written again after a restart.
func (t *SinkTask) Stop() error {
	if t.stopped || t.out == nil {
		t.stopped = true
		return nil
	}
	t.stopped = true
	err := t.out.Flush()
	if err != nil {
		err = fmt.Errorf("flush %s: %w", t.logName(), err)
	}
	if t.file != nil {
		if cerr := t.file.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close %s: %w", t.logName(), cerr))
		}
	}
	return err
}

// writeValue writes v as Java's PrintStream.println(Object) would print it
// (String.valueOf), for the values converters produce.
func writeValue(w *bufio.Writer, v any) error {
	switch x := v.(type) {
	case string:
		_, err := w.WriteString(x)
		return err
	case connector.RawJSON:
		_, err := w.Write(x)
		return err
	case []byte:
		// Java would print the array's identity ("[B@1b6d3586"); the bytes
		// themselves are what anyone writing bytes to a file wants.
		_, err := w.Write(x)
		return err
	}
	_, err := w.WriteString(javaString(v))
	return err
}

// javaString renders a Connect value as Java's toString does.
func javaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int8:
		return strconv.Itoa(int(x))
	case int16:
		return strconv.Itoa(int(x))
	case int32:
		return strconv.Itoa(int(x))
	case int64:
		return strconv.FormatInt(x, 10)
	case float32:
		return javaFloat(float64(x), 32)
	case float64:
		return javaFloat(x, 64)
	case []byte:
		return string(x)
	case connector.RawJSON:
		return string(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + javaString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[any]any:
		parts := make([]string, 0, len(x))
		for k, e := range x {
			parts = append(parts, javaString(k)+"="+javaString(e))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case *data.Struct:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// javaFloat formats like Double.toString for ordinary magnitudes: a ".0"
// on whole numbers, scientific notation outside [1e-3, 1e7).
func javaFloat(f float64, bits int) string {
	abs := f
	if abs < 0 {
		abs = -abs
	}
	if abs != 0 && (abs < 1e-3 || abs >= 1e7) {
		s := strconv.FormatFloat(f, 'E', -1, bits)
		mant, exp, _ := strings.Cut(s, "E")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		e, _ := strconv.Atoi(exp) // drops "+" and leading zeros: E+10 -> 10, E-05 -> -5
		return mant + "E" + strconv.Itoa(e)
	}
	s := strconv.FormatFloat(f, 'f', -1, bits)
	if !strings.ContainsAny(s, ".NI") {
		s += ".0"
	}
	return s
}
