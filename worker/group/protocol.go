package group

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
)

// The sub-protocol names a worker offers in JoinGroup, as the Java worker
// spells them.
const (
	ProtocolDefault    = "default"    // eager, version 0
	ProtocolCompatible = "compatible" // incremental cooperative, version 1
	ProtocolSessioned  = "sessioned"  // incremental cooperative with request signing, version 2
)

// ProtocolType is the JoinGroup protocol type of Connect worker groups.
const ProtocolType = "connect"

// Assignment error codes.
const (
	ErrorNone           int16 = 0
	ErrorConfigMismatch int16 = 1 // the leader could not read the config topic to the members' offset
)

// ConnectorInstance is the task number that stands for the connector
// instance itself in the wire format.
const ConnectorInstance = -1

// Compatibility is the worker's connect.protocol setting: which
// sub-protocols it offers, best first.
type Compatibility int

// The connect.protocol values.
const (
	Eager Compatibility = iota
	Compatible
	Sessioned
)

// ParseCompatibility reads a connect.protocol value (case-insensitive, as
// Java accepts it).
func ParseCompatibility(s string) (Compatibility, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "eager":
		return Eager, nil
	case "compatible":
		return Compatible, nil
	case "sessioned":
		return Sessioned, nil
	}
	return 0, fmt.Errorf("connect.protocol=%q: expected one of eager, compatible, sessioned", s)
}

func (c Compatibility) String() string {
	switch c {
	case Eager:
		return "eager"
	case Compatible:
		return "compatible"
	case Sessioned:
		return "sessioned"
	}
	return fmt.Sprintf("Compatibility(%d)", int(c))
}

// Protocols returns the sub-protocol names offered in JoinGroup, in
// preference order.
func (c Compatibility) Protocols() []string {
	switch c {
	case Compatible:
		return []string{ProtocolCompatible, ProtocolDefault}
	case Sessioned:
		return []string{ProtocolSessioned, ProtocolCompatible, ProtocolDefault}
	}
	return []string{ProtocolDefault}
}

// ProtocolVersion returns the wire version of a sub-protocol name.
func ProtocolVersion(name string) (int16, error) {
	switch name {
	case ProtocolDefault:
		return 0, nil
	case ProtocolCompatible:
		return 1, nil
	case ProtocolSessioned:
		return 2, nil
	}
	return 0, fmt.Errorf("unknown connect sub-protocol %q", name)
}

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int32
}

func (id TaskID) String() string { return fmt.Sprintf("%s-%d", id.Connector, id.Task) }

func (id TaskID) less(o TaskID) bool {
	if id.Connector != o.Connector {
		return id.Connector < o.Connector
	}
	return id.Task < o.Task
}

// Assignment is what the leader hands one member in SyncGroup. With the
// eager protocol it is the member's whole assignment; with the incremental
// protocols Connectors and Tasks are what to start now and the Revoked
// fields what to stop now.
type Assignment struct {
	// Version is the header version: 0 (eager), 1 or 2. Decoders fill it
	// from the bytes; the encoders take the version as an argument.
	Version           int16
	Error             int16
	Leader            string // the leader's member id
	LeaderURL         string // the leader's advertised REST URL
	ConfigOffset      int64  // config topic offset the assignment was computed at
	Connectors        []string
	Tasks             []TaskID
	RevokedConnectors []string
	RevokedTasks      []TaskID
	// Delay is the scheduled rebalance delay: when non-zero, members rejoin
	// after it so lost work can be reassigned. Millisecond precision.
	Delay time.Duration
}

// Failed reports whether the leader could not compute an assignment.
func (a *Assignment) Failed() bool { return a.Error != ErrorNone }

// MemberMetadata is what a member says about itself in JoinGroup.
type MemberMetadata struct {
	// Version is the header version (0, 1 or 2); filled by the decoders.
	Version      int16
	URL          string // advertised REST URL
	ConfigOffset int64  // next config topic offset the member will read; -1 if none
	// Allocation is what the member runs now (v1/v2 only); nil when it has
	// no assignment yet.
	Allocation *Assignment
}

// EncodeMetadata encodes member metadata for one sub-protocol version: 0 is
// ConnectProtocol's layout, 1 and 2 IncrementalCooperativeConnectProtocol's
// (the allocation is written with the same header version).
func EncodeMetadata(version int16, m MemberMetadata) ([]byte, error) {
	if version < 0 || version > 2 {
		return nil, fmt.Errorf("encode connect metadata: unsupported version %d", version)
	}
	w := &writer{}
	w.int16(version)
	if err := w.string("url", m.URL); err != nil {
		return nil, fmt.Errorf("encode connect metadata: %w", err)
	}
	w.int64(m.ConfigOffset)
	if version == 0 {
		return w.b, nil
	}
	if m.Allocation == nil {
		w.int32(-1)
		return w.b, nil
	}
	alloc, err := EncodeAssignment(version, *m.Allocation)
	if err != nil {
		return nil, fmt.Errorf("encode connect metadata allocation: %w", err)
	}
	w.int32(int32(len(alloc)))
	w.b = append(w.b, alloc...)
	return w.b, nil
}

// JoinProtocols returns the JoinGroup protocol list (name and metadata, in
// preference order) a worker with this setting sends.
func (c Compatibility) JoinProtocols(m MemberMetadata) ([]JoinProtocol, error) {
	names := c.Protocols()
	out := make([]JoinProtocol, 0, len(names))
	for _, name := range names {
		v, _ := ProtocolVersion(name)
		md, err := EncodeMetadata(v, m)
		if err != nil {
			return nil, err
		}
		out = append(out, JoinProtocol{Name: name, Metadata: md})
	}
	return out, nil
}

// JoinProtocol is one entry of a JoinGroup protocol list.
type JoinProtocol struct {
	Name     string
	Metadata []byte
}

// DecodeMetadata reads member metadata of any version the way the Java
// leader does (IncrementalCooperativeConnectProtocol.deserializeMetadata):
// a missing allocation is read as none, trailing bytes are ignored.
func DecodeMetadata(b []byte) (MemberMetadata, error) {
	r := &reader{b: b}
	m, err := decodeMetadataHead(r)
	if err != nil {
		return m, err
	}
	if r.remaining() == 0 {
		return m, nil
	}
	alloc, err := r.nullableBytes("allocation")
	if err != nil {
		return m, fmt.Errorf("decode connect metadata: %w", err)
	}
	if alloc != nil {
		a, err := DecodeAssignment(alloc)
		if err != nil {
			return m, fmt.Errorf("decode connect metadata allocation: %w", err)
		}
		m.Allocation = &a
	}
	return m, nil
}

// DecodeMetadataEager reads metadata with the v0 layout only
// (ConnectProtocol.deserializeMetadata); anything after the config offset
// is ignored.
func DecodeMetadataEager(b []byte) (MemberMetadata, error) {
	return decodeMetadataHead(&reader{b: b})
}

func decodeMetadataHead(r *reader) (MemberMetadata, error) {
	var m MemberMetadata
	v, err := r.version()
	if err != nil {
		return m, fmt.Errorf("decode connect metadata: %w", err)
	}
	m.Version = v
	if m.URL, err = r.string("url"); err != nil {
		return m, fmt.Errorf("decode connect metadata: %w", err)
	}
	if m.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return m, fmt.Errorf("decode connect metadata: %w", err)
	}
	return m, nil
}

// EncodeAssignment encodes an assignment: version 0 with ConnectProtocol's
// layout (the revoked fields and the delay are not part of it), 1 and 2 with
// IncrementalCooperativeConnectProtocol's. Entries are grouped per connector
// in the order the Java worker writes them (see groupAssigned), so the bytes
// equal Java's for the same assignment.
func EncodeAssignment(version int16, a Assignment) ([]byte, error) {
	if version < 0 || version > 2 {
		return nil, fmt.Errorf("encode connect assignment: unsupported version %d", version)
	}
	w := &writer{}
	w.int16(version)
	w.int16(a.Error)
	if err := w.string("leader", a.Leader); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	if err := w.string("leader-url", a.LeaderURL); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	w.int64(a.ConfigOffset)
	if err := w.groups(groupAssigned(a.Connectors, a.Tasks)); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	if version == 0 {
		return w.b, nil
	}
	// Java always writes the revoked array, empty rather than null.
	if err := w.groups(groupRevoked(a.RevokedConnectors, a.RevokedTasks)); err != nil {
		return nil, fmt.Errorf("encode connect assignment revoked: %w", err)
	}
	ms := a.Delay.Milliseconds()
	if ms > math.MaxInt32 {
		ms = math.MaxInt32
	}
	w.int32(int32(ms))
	return w.b, nil
}

// DecodeAssignment reads an assignment of any version the way the Java
// worker does (IncrementalCooperativeConnectProtocol.deserializeAssignment):
// after the fixed fields, missing trailing fields take their defaults (no
// assignment, no revocations, no delay), null arrays read as empty, and
// trailing bytes are ignored.
func DecodeAssignment(b []byte) (Assignment, error) {
	r := &reader{b: b}
	a, err := decodeAssignmentHead(r, true)
	if err != nil {
		return a, err
	}
	if r.remaining() > 0 {
		if a.Connectors, a.Tasks, err = r.groups("assignment", true); err != nil {
			return a, fmt.Errorf("decode connect assignment: %w", err)
		}
	}
	if r.remaining() > 0 {
		if a.RevokedConnectors, a.RevokedTasks, err = r.groups("revoked", true); err != nil {
			return a, fmt.Errorf("decode connect assignment: %w", err)
		}
	}
	if r.remaining() > 0 {
		d, err := r.int32("delay")
		if err != nil {
			return a, fmt.Errorf("decode connect assignment: %w", err)
		}
		a.Delay = time.Duration(d) * time.Millisecond
	}
	return a, nil
}

// DecodeAssignmentEager reads an assignment with the v0 layout only
// (ConnectProtocol.deserializeAssignment): every field is required and the
// assignment array may not be null.
func DecodeAssignmentEager(b []byte) (Assignment, error) {
	r := &reader{b: b}
	a, err := decodeAssignmentHead(r, false)
	if err != nil {
		return a, err
	}
	if a.Connectors, a.Tasks, err = r.groups("assignment", false); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	return a, nil
}

func decodeAssignmentHead(r *reader, tolerant bool) (Assignment, error) {
	var a Assignment
	var err error
	if a.Version, err = r.version(); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	// The fixed fields have no defaults: even the tolerant reader needs them.
	missing := func(field string) error {
		if tolerant && r.remaining() == 0 {
			return fmt.Errorf("decode connect assignment: missing value for field %q which has no default value", field)
		}
		return nil
	}
	if err := missing("error"); err != nil {
		return a, err
	}
	if a.Error, err = r.int16("error"); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	if err := missing("leader"); err != nil {
		return a, err
	}
	if a.Leader, err = r.string("leader"); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	if err := missing("leader-url"); err != nil {
		return a, err
	}
	if a.LeaderURL, err = r.string("leader-url"); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	if err := missing("config-offset"); err != nil {
		return a, err
	}
	if a.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return a, fmt.Errorf("decode connect assignment: %w", err)
	}
	return a, nil
}

// connectorGroup is one wire element: a connector and its task numbers,
// ConnectorInstance standing for the connector itself.
type connectorGroup struct {
	connector string
	tasks     []int32
}

// groupAssigned groups an assignment the way Java's Assignment.asMap does:
// the connector instances first, in java.util.HashSet iteration order of
// their names, then tasks in the order given, a connector seen only through
// its tasks getting its group when its first task comes.
func groupAssigned(connectors []string, tasks []TaskID) []connectorGroup {
	var groups []connectorGroup
	index := map[string]int{}
	for _, c := range javaHashSetOrder(connectors) {
		index[c] = len(groups)
		groups = append(groups, connectorGroup{connector: c, tasks: []int32{ConnectorInstance}})
	}
	for _, t := range tasks {
		i, ok := index[t.Connector]
		if !ok {
			i = len(groups)
			index[t.Connector] = i
			groups = append(groups, connectorGroup{connector: t.Connector})
		}
		groups[i].tasks = append(groups[i].tasks, t.Task)
	}
	return groups
}

// groupRevoked groups revocations as ExtendedAssignment.revokedAsMap does:
// distinct connectors in the order given, then tasks in the order given.
func groupRevoked(connectors []string, tasks []TaskID) []connectorGroup {
	var groups []connectorGroup
	index := map[string]int{}
	add := func(c string) int {
		i, ok := index[c]
		if !ok {
			i = len(groups)
			index[c] = i
			groups = append(groups, connectorGroup{connector: c})
		}
		return i
	}
	for _, c := range connectors {
		if _, seen := index[c]; seen {
			continue
		}
		i := add(c)
		groups[i].tasks = append(groups[i].tasks, ConnectorInstance)
	}
	for _, t := range tasks {
		i := add(t.Connector)
		groups[i].tasks = append(groups[i].tasks, t.Task)
	}
	return groups
}

// javaHashSetOrder returns the distinct names in the iteration order of a
// java.util.HashSet built from them with new HashSet<>(names): buckets by
// the spread String.hashCode, insertion order within a bucket. The set is
// sized from the collection so it never resizes. (A bucket of eight or more
// colliding names would make Java restructure it; names that collide that
// much only change the group order, which no reader depends on.)
func javaHashSetOrder(names []string) []string {
	initial := int(float32(len(names))/float32(0.75)) + 1
	if initial < 16 {
		initial = 16
	}
	capacity := 1
	for capacity < initial && capacity < 1<<30 {
		capacity <<= 1
	}
	type entry struct {
		name   string
		bucket int
	}
	seen := map[string]bool{}
	entries := make([]entry, 0, len(names))
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		h := uint32(javaStringHash(n))
		h ^= h >> 16
		entries = append(entries, entry{name: n, bucket: int(h & uint32(capacity-1))})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].bucket < entries[j].bucket })
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.name
	}
	return out
}

// javaStringHash is java.lang.String.hashCode: over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// writer appends Kafka protocol primitives (big-endian).
type writer struct{ b []byte }

func (w *writer) int16(v int16) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }
func (w *writer) int32(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }
func (w *writer) int64(v int64) { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)) }

func (w *writer) string(field, s string) error {
	if len(s) > math.MaxInt16 {
		return fmt.Errorf("field %q: string length %d is larger than the maximum string length %d", field, len(s), math.MaxInt16)
	}
	w.int16(int16(len(s)))
	w.b = append(w.b, s...)
	return nil
}

func (w *writer) groups(groups []connectorGroup) error {
	w.int32(int32(len(groups)))
	for _, g := range groups {
		if err := w.string("connector", g.connector); err != nil {
			return err
		}
		w.int32(int32(len(g.tasks)))
		for _, t := range g.tasks {
			w.int32(t)
		}
	}
	return nil
}

// errShort is wrapped by every decode error caused by running out of bytes.
var errShort = errors.New("not enough bytes")

// reader reads Kafka protocol primitives, naming the field on error.
type reader struct {
	b   []byte
	off int
}

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) take(field string, n int) ([]byte, error) {
	if r.remaining() < n {
		return nil, fmt.Errorf("reading field %q at byte %d: need %d bytes, %d left: %w", field, r.off, n, r.remaining(), errShort)
	}
	b := r.b[r.off : r.off+n]
	r.off += n
	return b, nil
}

func (r *reader) int16(field string) (int16, error) {
	b, err := r.take(field, 2)
	if err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(b)), nil
}

func (r *reader) int32(field string) (int32, error) {
	b, err := r.take(field, 4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

func (r *reader) int64(field string) (int64, error) {
	b, err := r.take(field, 8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// version reads the header; negative versions are rejected as Java does,
// higher ones are read with the newest known layout.
func (r *reader) version() (int16, error) {
	v, err := r.int16("version")
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return v, fmt.Errorf("unsupported connect protocol version %d", v)
	}
	return v, nil
}

func (r *reader) string(field string) (string, error) {
	n, err := r.int16(field)
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", fmt.Errorf("reading field %q: string length %d cannot be negative", field, n)
	}
	b, err := r.take(field, int(n))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (r *reader) nullableBytes(field string) ([]byte, error) {
	n, err := r.int32(field)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, nil
	}
	return r.take(field, int(n))
}

// groups reads an array of connector groups and splits it into connector
// instances and tasks, in wire order. A null array (nullable only) reads as
// empty.
func (r *reader) groups(field string, nullable bool) ([]string, []TaskID, error) {
	n, err := r.int32(field)
	if err != nil {
		return nil, nil, err
	}
	if n < 0 {
		if nullable {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("reading field %q: array size %d cannot be negative", field, n)
	}
	// Each element takes at least 6 bytes; refuse counts the bytes cannot hold.
	if int(n) > r.remaining() {
		return nil, nil, fmt.Errorf("reading field %q: array of size %d, only %d bytes available: %w", field, n, r.remaining(), errShort)
	}
	var connectors []string
	var tasks []TaskID
	for range n {
		c, err := r.string(field + ".connector")
		if err != nil {
			return nil, nil, err
		}
		m, err := r.int32(field + ".tasks")
		if err != nil {
			return nil, nil, err
		}
		if m < 0 {
			return nil, nil, fmt.Errorf("reading field %q: tasks array size %d cannot be negative", field, m)
		}
		if int(m)*4 > r.remaining() {
			return nil, nil, fmt.Errorf("reading field %q: tasks array of size %d, only %d bytes available: %w", field, m, r.remaining(), errShort)
		}
		for range m {
			t, err := r.int32(field + ".tasks")
			if err != nil {
				return nil, nil, err
			}
			if t == ConnectorInstance {
				connectors = append(connectors, c)
			} else {
				tasks = append(tasks, TaskID{Connector: c, Task: t})
			}
		}
	}
	return connectors, tasks, nil
}
