package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of the CPU times in /proc/<pid>/stat. It is
// 100 on every Linux architecture Go supports.
const clockTick = 100

// procSample is what /proc says about a process at one moment.
type procSample struct {
	at     time.Time
	cpu    time.Duration // user + system
	rss    int64         // VmRSS, bytes
	hwm    int64         // VmHWM (peak RSS), bytes
	exists bool
}

// sampleProc reads /proc/<pid>/stat and /proc/<pid>/status.
func sampleProc(pid int) (procSample, error) {
	s := procSample{at: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, fmt.Errorf("reading the CPU time of process %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; fields after it are
	// counted from its closing parenthesis.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return s, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(stat[i+1:]))
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return s, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("/proc/%d/stat: utime %q stime %q", pid, fields[11], fields[12])
	}
	s.cpu = time.Duration(utime+stime) * time.Second / clockTick

	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("reading the memory of process %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			s.rss = kbField(line)
		case strings.HasPrefix(line, "VmHWM:"):
			s.hwm = kbField(line)
		}
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	s.exists = true
	return s, nil
}

func selfPID() int { return os.Getpid() }

// systemBusy is the CPU time every process on the machine spent so far
// (the first line of /proc/stat, idle and iowait left out).
func systemBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("reading the machine's CPU time: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var ticks int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest times are counted in user already
			break
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %q: %w", v, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTick, nil
}

// cpuMeter measures, over a window, how much CPU the machine's other
// processes took: everything busy minus this process and the one measured.
type cpuMeter struct {
	at        time.Time
	sys, self time.Duration
}

func startCPUMeter() cpuMeter {
	m := cpuMeter{at: time.Now()}
	m.sys, _ = systemBusy()
	if s, err := sampleProc(selfPID()); err == nil {
		m.self = s.cpu
	}
	return m
}

// stop returns, since m started, the CPU time of this process (the broker,
// the producer, the endpoint) and the average number of cores the other
// processes kept busy, given the CPU time the measured process used.
func (m cpuMeter) stop(measured time.Duration) (self time.Duration, otherCores float64) {
	sys, err := systemBusy()
	if err != nil {
		return 0, 0
	}
	s, err := sampleProc(selfPID())
	if err != nil {
		return 0, 0
	}
	self = s.cpu - m.self
	other := (sys - m.sys) - self - measured
	return self, max(0, other.Seconds()/time.Since(m.at).Seconds())
}

// kbField parses "VmRSS:	   12345 kB" into bytes.
func kbField(line string) int64 {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n << 10
}

// machine describes where the benchmark ran, for the report.
type machine struct {
	CPU       string  `json:"cpu"`
	Cores     int     `json:"cores"`
	MemoryGiB float64 `json:"memory_gib"`
	Kernel    string  `json:"kernel"`
	Go        string  `json:"go"`
	LoadAvg   string  `json:"load_average_at_start"`
}

func describeMachine() machine {
	m := machine{Cores: runtime.NumCPU(), Go: runtime.Version(), CPU: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				m.MemoryGiB = float64(kbField(line)) / (1 << 30)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}
