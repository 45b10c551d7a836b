package export

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

// The journal is what lets an export be run again into its own directory:
// one JSON line per agent written, appended once the agent's files are on
// disk, after a first line saying what was exported. A rerun reads it to
// keep every name it gave and to add only what is missing; imports.tf and
// the README are written from it at the end of every run.
const journalFile = ".anyreach-export.jsonl"

// journalHeader is the journal's first line.
type journalHeader struct {
	Export string           `json:"export"` // always "anyreach"
	Filter discovery.Filter `json:"filter"`
}

// agentRecord is one exported agent: its resources and files.
type agentRecord struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Resource     string              `json:"resource"`
	Versions     []versionRecord     `json:"versions"`
	Publications []publicationRecord `json:"publications"`
	SIP          bool                `json:"sip"`
	History      int                 `json:"history"` // versions left in history
}

type versionRecord struct {
	Resource string   `json:"resource"`
	Version  int      `json:"version"`
	Role     string   `json:"role"`
	Reasons  []string `json:"reasons"`
	Config   string   `json:"config"`
	Inputs   string   `json:"inputs,omitempty"`
}

type publicationRecord struct {
	Resource        string   `json:"resource"`
	Version         int      `json:"version"`
	VersionResource string   `json:"version_resource"`
	Direction       string   `json:"direction"`
	Numbers         []string `json:"numbers"`
}

// webOnly reports a publication without a phone number.
func (p publicationRecord) webOnly() bool { return len(p.Numbers) == 0 }

// journal is an open journal; append is safe for concurrent use through
// Run's lock.
type journal struct {
	f       *os.File
	records []agentRecord // every agent of the export, this run's and earlier runs'
}

// openJournal opens dir's journal for appending, creating dir and the
// journal when dir is new. A directory holding files but no journal is
// refused, and so is a journal of another filter.
func openJournal(dir string, filter discovery.Filter) (*journal, error) {
	path := filepath.Join(dir, journalFile)
	records, header, err := readJournal(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := checkEmptyDir(dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating the output directory: %w", err)
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("writing to the output directory: %w", err)
		}
		j := &journal{f: f}
		return j, j.appendLine(journalHeader{Export: "anyreach", Filter: filter})
	case err != nil:
		return nil, err
	}
	if !sameFilter(header.Filter, filter) {
		return nil, fmt.Errorf("%s holds an export of %s, not of %s: run with the same --name and --metadata to "+
			"complete it, or choose a new directory", dir, header.Filter, filter)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("writing to the output directory: %w", err)
	}
	return &journal{f: f, records: records}, nil
}

func sameFilter(a, b discovery.Filter) bool {
	return a.Name == b.Name && (len(a.Metadata) == 0 && len(b.Metadata) == 0 || reflect.DeepEqual(a.Metadata, b.Metadata))
}

// readJournal reads a journal. A last line cut short (the export was
// killed while writing it) is ignored: its agent is exported again.
func readJournal(path string) ([]agentRecord, journalHeader, error) {
	var header journalHeader
	f, err := os.Open(path) //nolint:gosec // the journal of the directory the user named
	if err != nil {
		return nil, header, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &header) != nil || header.Export != "anyreach" {
		return nil, header, fmt.Errorf("%s is not the journal of an anyreach-export; choose a new output directory", path)
	}
	byID := map[string]agentRecord{}
	for sc.Scan() {
		var r agentRecord
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.ID != "" {
			byID[r.ID] = r
		}
	}
	if err := sc.Err(); err != nil {
		return nil, header, fmt.Errorf("reading %s: %w", path, err)
	}
	records := make([]agentRecord, 0, len(byID))
	for _, r := range byID {
		records = append(records, r)
	}
	return records, header, nil
}

// names is ID → resource name of every agent already exported.
func (j *journal) names() map[string]string {
	out := make(map[string]string, len(j.records))
	for _, r := range j.records {
		out[r.ID] = r.Resource
	}
	return out
}

// add records an agent whose files are written.
func (j *journal) add(r agentRecord) error {
	j.records = append(j.records, r)
	return j.appendLine(r)
}

func (j *journal) appendLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", journalFile, err)
	}
	return nil
}

// sorted is every record by resource name, the order of imports.tf and the
// README.
func (j *journal) sorted() []agentRecord {
	out := append([]agentRecord(nil), j.records...)
	sort.Slice(out, func(a, b int) bool { return out[a].Resource < out[b].Resource })
	return out
}

func (j *journal) close() error { return j.f.Close() }
