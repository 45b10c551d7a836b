package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerUsage is what the provider processes of one terraform command used.
type providerUsage struct {
	// processes is how many provider processes terraform started (it starts
	// one per graph walk: validate, plan, apply).
	processes int
	// peakKB is the largest VmHWM (peak resident set) of any of them, in KiB.
	peakKB int64
	// cpu is their user+system CPU time, summed.
	cpu time.Duration
}

// providerSampler polls /proc for the provider processes below one terraform
// process. VmHWM only grows, so the last sample before a process exits holds
// its peak up to the sampling interval; utime+stime likewise.
type providerSampler struct {
	root  int
	comm  string // the kernel truncates comm to 15 bytes
	name  string
	stopc chan struct{}
	done  chan struct{}

	mu    sync.Mutex
	peak  map[int]int64 // pid -> VmHWM KiB
	ticks map[int]int64 // pid -> utime+stime clock ticks
}

// sampleProviders starts sampling every interval until stop is called.
func sampleProviders(root int, name string, interval time.Duration) *providerSampler {
	comm := name
	if len(comm) > 15 {
		comm = comm[:15]
	}
	s := &providerSampler{
		root: root, comm: comm, name: name,
		stopc: make(chan struct{}), done: make(chan struct{}),
		peak: map[int]int64{}, ticks: map[int]int64{},
	}
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends sampling and sums up.
func (s *providerSampler) stop() providerUsage {
	close(s.stopc)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	u := providerUsage{processes: len(s.peak)}
	for pid, kb := range s.peak {
		u.peakKB = max(u.peakKB, kb)
		u.cpu += time.Duration(s.ticks[pid]) * time.Second / clockTicks
	}
	return u
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat; 100
// on every Linux architecture Go supports.
const clockTicks = 100

// procStat is the part of /proc/PID/stat the sampler needs.
type procStat struct {
	comm  string
	ppid  int
	ticks int64
}

func (s *providerSampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	stats := map[int]procStat{}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, ok := readStat(pid)
		if !ok {
			continue
		}
		stats[pid] = st
		children[st.ppid] = append(children[st.ppid], pid)
	}
	// Only descendants of our terraform: other sessions on the machine run
	// providers too.
	queue := append([]int(nil), children[s.root]...)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		queue = append(queue, children[pid]...)
		st := stats[pid]
		if st.comm != s.comm || !s.isProvider(pid) {
			continue
		}
		hwm, ok := vmHWM(pid)
		if !ok {
			continue
		}
		s.mu.Lock()
		s.peak[pid] = max(s.peak[pid], hwm)
		s.ticks[pid] = max(s.ticks[pid], st.ticks)
		s.mu.Unlock()
	}
}

// isProvider checks the executable's name, not just the truncated comm.
func (s *providerSampler) isProvider(pid int) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return false
	}
	return strings.TrimSuffix(filepath.Base(exe), " (deleted)") == s.name
}

// readStat parses /proc/PID/stat; comm is in parentheses and may hold spaces.
func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	line := string(b)
	open, closing := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || closing < open {
		return procStat{}, false
	}
	// After comm: state ppid pgrp session tty tpgid flags minflt cminflt
	// majflt cmajflt utime stime ...
	f := strings.Fields(line[closing+1:])
	if len(f) < 13 {
		return procStat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{comm: line[open+1 : closing], ppid: ppid, ticks: utime + stime}, true
}

// vmHWM reads the peak resident set size (KiB) from /proc/PID/status.
func vmHWM(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}
