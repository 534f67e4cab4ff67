package filestore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/kafka-connect-go/connect/storage"
)

// The Java standalone worker keeps its offsets as one object written by
// java.io.ObjectOutputStream: a java.util.HashMap whose keys and values are
// byte arrays (values may be null). This file reads and writes exactly that,
// following the Java Object Serialization Stream Protocol. The reader
// accepts what any ObjectOutputStream would produce for such a map —
// back-references to earlier objects and class descriptors, long block
// data, resets — and rejects everything else with an error naming the byte
// offset.

// Stream protocol constants (java.io.ObjectStreamConstants).
const (
	streamMagic   = 0xACED
	streamVersion = 5

	tcNull          = 0x70
	tcReference     = 0x71
	tcClassDesc     = 0x72
	tcObject        = 0x73
	tcString        = 0x74
	tcArray         = 0x75
	tcBlockData     = 0x77
	tcEndBlockData  = 0x78
	tcReset         = 0x79
	tcBlockDataLong = 0x7A
	tcLongString    = 0x7C

	baseWireHandle = 0x7E0000

	scWriteMethod  = 0x01
	scSerializable = 0x02

	hashMapClass     = "java.util.HashMap"
	hashMapUID       = 362498820763181265
	byteArrayClass   = "[B"
	byteArrayUID     = -5984413125824719648
	hashMapLoadFactr = 0.75
)

type classDesc struct {
	name   string
	flags  byte
	fields []fieldDesc
	super  *classDesc
}

type fieldDesc struct {
	typ  byte // B C D F I J S Z, or L / [ for objects
	name string
}

// hashMapValue is a decoded java.util.HashMap: its entries in stream order.
type hashMapValue struct {
	keys, values []any
}

type javaReader struct {
	r       *bytes.Reader
	size    int
	handles []any
}

func (jr *javaReader) pos() int { return jr.size - jr.r.Len() }

func (jr *javaReader) errorf(format string, args ...any) error {
	return fmt.Errorf("java serialization at byte %d: %s", jr.pos(), fmt.Sprintf(format, args...))
}

func (jr *javaReader) u8() (byte, error) {
	b, err := jr.r.ReadByte()
	if err != nil {
		return 0, jr.errorf("unexpected end of data")
	}
	return b, nil
}

func (jr *javaReader) read(n int) ([]byte, error) {
	if n < 0 || n > jr.r.Len() {
		return nil, jr.errorf("length %d exceeds the %d bytes left", n, jr.r.Len())
	}
	b := make([]byte, n)
	_, _ = io.ReadFull(jr.r, b)
	return b, nil
}

func (jr *javaReader) u16() (uint16, error) {
	b, err := jr.read(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

func (jr *javaReader) i32() (int32, error) {
	b, err := jr.read(4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

func (jr *javaReader) i64() (int64, error) {
	b, err := jr.read(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

func (jr *javaReader) utf() (string, error) {
	n, err := jr.u16()
	if err != nil {
		return "", err
	}
	b, err := jr.read(int(n))
	return string(b), err
}

func (jr *javaReader) newHandle(v any) int {
	jr.handles = append(jr.handles, v)
	return len(jr.handles) - 1
}

func (jr *javaReader) reference() (any, error) {
	h, err := jr.i32()
	if err != nil {
		return nil, err
	}
	i := int(h) - baseWireHandle
	if i < 0 || i >= len(jr.handles) {
		return nil, jr.errorf("reference to unknown handle 0x%x", h)
	}
	return jr.handles[i], nil
}

// content reads one object (or null); block data is not allowed here.
func (jr *javaReader) content() (any, error) {
	for {
		tc, err := jr.u8()
		if err != nil {
			return nil, err
		}
		switch tc {
		case tcReset:
			jr.handles = jr.handles[:0]
			continue
		case tcNull:
			return nil, nil
		case tcReference:
			return jr.reference()
		case tcClassDesc:
			return jr.classDescBody()
		case tcString:
			s, err := jr.utf()
			if err != nil {
				return nil, err
			}
			jr.newHandle(s)
			return s, nil
		case tcLongString:
			n, err := jr.i64()
			if err != nil {
				return nil, err
			}
			if n > math.MaxInt32 {
				return nil, jr.errorf("string of %d bytes is too long", n)
			}
			b, err := jr.read(int(n))
			if err != nil {
				return nil, err
			}
			jr.newHandle(string(b))
			return string(b), nil
		case tcArray:
			return jr.array()
		case tcObject:
			return jr.object()
		default:
			return nil, jr.errorf("unexpected type code 0x%02x", tc)
		}
	}
}

// classDesc reads a class descriptor reference: a new one, a back-reference or null.
func (jr *javaReader) classDesc() (*classDesc, error) {
	v, err := jr.content()
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	cd, ok := v.(*classDesc)
	if !ok {
		return nil, jr.errorf("expected a class descriptor, found %T", v)
	}
	return cd, nil
}

func (jr *javaReader) classDescBody() (*classDesc, error) {
	name, err := jr.utf()
	if err != nil {
		return nil, err
	}
	if _, err := jr.i64(); err != nil { // serialVersionUID: not checked, as Java's readers accept any for these classes
		return nil, err
	}
	cd := &classDesc{name: name}
	jr.newHandle(cd)
	if cd.flags, err = jr.u8(); err != nil {
		return nil, err
	}
	n, err := jr.u16()
	if err != nil {
		return nil, err
	}
	for i := 0; i < int(n); i++ {
		typ, err := jr.u8()
		if err != nil {
			return nil, err
		}
		fname, err := jr.utf()
		if err != nil {
			return nil, err
		}
		if typ == 'L' || typ == '[' {
			if _, err := jr.content(); err != nil { // the field's class name
				return nil, err
			}
		}
		cd.fields = append(cd.fields, fieldDesc{typ: typ, name: fname})
	}
	if err := jr.skipAnnotation(); err != nil {
		return nil, err
	}
	if cd.super, err = jr.classDesc(); err != nil {
		return nil, err
	}
	return cd, nil
}

// skipAnnotation skips block data and objects up to TC_ENDBLOCKDATA.
func (jr *javaReader) skipAnnotation() error {
	_, _, err := jr.annotation()
	return err
}

// annotation reads the contents up to TC_ENDBLOCKDATA: the block data bytes
// concatenated, and the objects in order.
func (jr *javaReader) annotation() ([]byte, []any, error) {
	var data []byte
	var objs []any
	for {
		tc, err := jr.u8()
		if err != nil {
			return nil, nil, err
		}
		switch tc {
		case tcEndBlockData:
			return data, objs, nil
		case tcBlockData:
			n, err := jr.u8()
			if err != nil {
				return nil, nil, err
			}
			b, err := jr.read(int(n))
			if err != nil {
				return nil, nil, err
			}
			data = append(data, b...)
		case tcBlockDataLong:
			n, err := jr.i32()
			if err != nil {
				return nil, nil, err
			}
			b, err := jr.read(int(n))
			if err != nil {
				return nil, nil, err
			}
			data = append(data, b...)
		default:
			_ = jr.r.UnreadByte()
			o, err := jr.content()
			if err != nil {
				return nil, nil, err
			}
			objs = append(objs, o)
		}
	}
}

func (jr *javaReader) array() (any, error) {
	cd, err := jr.classDesc()
	if err != nil {
		return nil, err
	}
	if cd == nil || cd.name != byteArrayClass {
		return nil, jr.errorf("unsupported array class %v (only byte[] is expected)", cdName(cd))
	}
	h := jr.newHandle(nil)
	n, err := jr.i32()
	if err != nil {
		return nil, err
	}
	b, err := jr.read(int(n))
	if err != nil {
		return nil, err
	}
	jr.handles[h] = b
	return b, nil
}

func cdName(cd *classDesc) string {
	if cd == nil {
		return "null"
	}
	return cd.name
}

func (jr *javaReader) object() (any, error) {
	cd, err := jr.classDesc()
	if err != nil {
		return nil, err
	}
	if cd == nil || cd.name != hashMapClass {
		return nil, jr.errorf("unsupported object class %v (only java.util.HashMap is expected)", cdName(cd))
	}
	m := &hashMapValue{}
	jr.newHandle(m)
	// Class data, from the topmost serializable class down; HashMap's
	// superclass AbstractMap is not serializable, so there is one level.
	for c := cd; c != nil; c = c.super {
		if c != cd {
			return nil, jr.errorf("unexpected superclass %s of %s", c.name, cd.name)
		}
		if c.flags&scSerializable == 0 {
			return nil, jr.errorf("class %s is not serializable", c.name)
		}
		for _, f := range c.fields {
			if err := jr.skipField(f); err != nil {
				return nil, err
			}
		}
		if c.flags&scWriteMethod == 0 {
			return nil, jr.errorf("class %s has no custom data", c.name)
		}
		data, objs, err := jr.annotation()
		if err != nil {
			return nil, err
		}
		// HashMap.writeObject: capacity (int), size (int), then key, value pairs.
		if len(data) < 8 {
			return nil, jr.errorf("HashMap data holds %d bytes, want 8", len(data))
		}
		size := int(int32(binary.BigEndian.Uint32(data[4:8])))
		if size < 0 || len(objs) != 2*size {
			return nil, jr.errorf("HashMap says %d entries but holds %d objects", size, len(objs))
		}
		for i := 0; i < size; i++ {
			m.keys = append(m.keys, objs[2*i])
			m.values = append(m.values, objs[2*i+1])
		}
	}
	return m, nil
}

func (jr *javaReader) skipField(f fieldDesc) error {
	var n int
	switch f.typ {
	case 'B', 'Z':
		n = 1
	case 'C', 'S':
		n = 2
	case 'I', 'F':
		n = 4
	case 'J', 'D':
		n = 8
	case 'L', '[':
		_, err := jr.content()
		return err
	default:
		return jr.errorf("unknown field type %q for field %s", f.typ, f.name)
	}
	_, err := jr.read(n)
	return err
}

// decodeOffsets reads a Java-serialized HashMap<byte[],byte[]>.
func decodeOffsets(b []byte) ([]storage.OffsetEntry, error) {
	jr := &javaReader{r: bytes.NewReader(b), size: len(b)}
	magic, err := jr.u16()
	if err != nil {
		return nil, err
	}
	version, err := jr.u16()
	if err != nil {
		return nil, err
	}
	if magic != streamMagic || version != streamVersion {
		return nil, errors.New("not a Java serialization stream (bad magic or version)")
	}
	v, err := jr.content()
	if err != nil {
		return nil, err
	}
	m, ok := v.(*hashMapValue)
	if !ok {
		return nil, fmt.Errorf("expected a java.util.HashMap, found %T", v)
	}
	out := make([]storage.OffsetEntry, 0, len(m.keys))
	for i := range m.keys {
		k, ok := m.keys[i].([]byte)
		if !ok {
			// Java's FileOffsetBackingStore tolerates a null key; it can never
			// be looked up, so it is dropped here.
			if m.keys[i] == nil {
				continue
			}
			return nil, fmt.Errorf("entry %d: key is %T, want byte[]", i, m.keys[i])
		}
		var val []byte
		if m.values[i] != nil {
			if val, ok = m.values[i].([]byte); !ok {
				return nil, fmt.Errorf("entry %d: value is %T, want byte[]", i, m.values[i])
			}
		}
		out = append(out, storage.OffsetEntry{Key: k, Value: val})
	}
	return out, nil
}

// encodeOffsets writes entries as ObjectOutputStream writes a
// HashMap<byte[],byte[]>, sorted by key so the file is deterministic.
func encodeOffsets(entries []storage.OffsetEntry) []byte {
	sorted := append([]storage.OffsetEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].Key, sorted[j].Key) < 0 })

	var w bytes.Buffer
	u16 := func(v uint16) { _ = binary.Write(&w, binary.BigEndian, v) }
	i32 := func(v int32) { _ = binary.Write(&w, binary.BigEndian, v) }
	i64 := func(v int64) { _ = binary.Write(&w, binary.BigEndian, v) }
	utf := func(s string) { u16(uint16(len(s))); w.WriteString(s) }

	u16(streamMagic)
	u16(streamVersion)
	// handle 0: HashMap class descriptor
	w.WriteByte(tcObject)
	w.WriteByte(tcClassDesc)
	utf(hashMapClass)
	i64(hashMapUID)
	w.WriteByte(scWriteMethod | scSerializable)
	u16(2)
	w.WriteByte('F')
	utf("loadFactor")
	w.WriteByte('I')
	utf("threshold")
	w.WriteByte(tcEndBlockData)
	w.WriteByte(tcNull)
	// handle 1: the map; its fields, then writeObject's data.
	capacity, threshold := hashMapSizing(len(sorted))
	_ = binary.Write(&w, binary.BigEndian, math.Float32bits(hashMapLoadFactr))
	i32(threshold)
	w.WriteByte(tcBlockData)
	w.WriteByte(8)
	i32(capacity)
	i32(int32(len(sorted)))
	next := int32(baseWireHandle + 2)
	arrayDescHandle := int32(-1)
	writeArray := func(b []byte) {
		if b == nil {
			w.WriteByte(tcNull)
			return
		}
		w.WriteByte(tcArray)
		if arrayDescHandle < 0 {
			w.WriteByte(tcClassDesc)
			utf(byteArrayClass)
			i64(byteArrayUID)
			w.WriteByte(scSerializable)
			u16(0)
			w.WriteByte(tcEndBlockData)
			w.WriteByte(tcNull)
			arrayDescHandle = next
			next++
		} else {
			w.WriteByte(tcReference)
			i32(arrayDescHandle)
		}
		next++ // the array's own handle
		i32(int32(len(b)))
		w.Write(b)
	}
	for _, e := range sorted {
		writeArray(e.Key)
		writeArray(e.Value)
	}
	w.WriteByte(tcEndBlockData)
	return w.Bytes()
}

// hashMapSizing returns the table capacity and resize threshold a Java
// HashMap filled by put has at n entries (an empty map never allocated its
// table: threshold 0, capacity reported as 16).
func hashMapSizing(n int) (capacity, threshold int32) {
	if n == 0 {
		return 16, 0
	}
	c := int32(16)
	for float64(n) > float64(c)*hashMapLoadFactr {
		c *= 2
	}
	return c, int32(float64(c) * hashMapLoadFactr)
}
