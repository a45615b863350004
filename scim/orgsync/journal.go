package orgsync

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Outcome is how a change of an apply settled, as a journal records it.
type Outcome string

// The outcomes of a change.
const (
	// OutcomeApplied: the server holds the change.
	OutcomeApplied Outcome = "applied"
	// OutcomeFailed: the change was refused or failed (the deployment
	// cannot make it included), and the server does not hold it.
	OutcomeFailed Outcome = "failed"
	// OutcomeUnknown: the change was sent and its outcome could not be learned
	// (the reply was lost and reading the resource back failed too).
	OutcomeUnknown Outcome = "unknown"
	// OutcomeNotAttempted: the change was not sent, because a change it depends
	// on failed, or because the apply was interrupted first.
	OutcomeNotAttempted Outcome = "not_attempted"
)

// JournalEntry is one line of a journal: one change of an apply (as
// Plan.Changes lists it), as it settled. For a resource the change created,
// ID is the new resource's; VersionAfter is the resource's version after the
// change, which an undo sends as If-Match.
type JournalEntry struct {
	Time time.Time `json:"time"`
	// Target is the organization the change was made in: an undo is
	// refused anywhere else.
	Target Target `json:"target"`
	Change
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
	// RequestID is W&B's id of the reply that settled the change, for a
	// support ticket, when the server sent one.
	RequestID    string `json:"request_id,omitempty"`
	VersionAfter string `json:"version_after,omitempty"`
}

// Journal appends the entries of an apply to a file, one JSON line per
// change, each written and synced to disk before Append returns, so that a
// run that is interrupted or killed leaves a journal that is complete up to
// that moment and parses line by line. It is safe for concurrent use.
type Journal struct {
	mu sync.Mutex
	f  *os.File
}

// OpenJournal opens path for appending (creating it, readable by its owner
// only: it names people), so that the entries of several applies can
// follow each other in one journal. An existing file must be a journal: a
// file that is not is refused, untouched; a last line cut short by a kill
// is dropped, so that the next entry starts a line of its own.
func OpenJournal(path string) (*Journal, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("orgsync: journal: %w", err)
		}
		syncDir(filepath.Dir(path)) // the new file's name survives a crash too
		return &Journal{f: f}, nil
	case err != nil:
		return nil, fmt.Errorf("orgsync: journal: %w", err)
	}
	if _, err := ReadJournal(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("orgsync: %s is not a journal (%v): name a new file, or one an apply wrote", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("orgsync: journal: %w", err)
	}
	if n := len(data); n > 0 && data[n-1] != '\n' {
		if err := f.Truncate(int64(bytes.LastIndexByte(data, '\n') + 1)); err != nil {
			f.Close()
			return nil, fmt.Errorf("orgsync: journal %s: dropping a cut line: %w", path, err)
		}
	}
	return &Journal{f: f}, nil
}

// syncDir syncs a directory, so that a file just made in it is there after
// a crash; where a system cannot, it is left as it is.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Append writes e as one line and syncs the file. A zero Time is set to now.
func (j *Journal) Append(e JournalEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("orgsync: journal: %w", err)
	}
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errors.New("orgsync: journal: closed")
	}
	if _, err := j.f.Write(line); err != nil {
		return fmt.Errorf("orgsync: journal %s: %w", j.f.Name(), err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("orgsync: journal %s: %w", j.f.Name(), err)
	}
	return nil
}

// Close closes the journal's file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// ReadJournal reads a journal's entries. A line that does not parse is an
// error naming its line number, except a last line cut short by a kill in
// the middle of a write, which is left out.
func ReadJournal(r io.Reader) ([]JournalEntry, error) {
	var out []JournalEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	var bad error
	for sc.Scan() {
		line++
		if bad != nil {
			return nil, bad // a bad line that was not the last
		}
		text := sc.Bytes()
		if len(text) == 0 {
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(text, &e); err != nil {
			bad = fmt.Errorf("orgsync: journal line %d: %v", line, err)
			continue
		}
		switch e.Outcome {
		case OutcomeApplied, OutcomeFailed, OutcomeUnknown, OutcomeNotAttempted:
		default:
			return nil, fmt.Errorf("orgsync: journal line %d: unknown outcome %q", line, e.Outcome)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("orgsync: journal: %w", err)
	}
	return out, nil
}
