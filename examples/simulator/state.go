package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

// loadState reads the state file; a file that does not exist yet is nil
// without error. Errors name the file, and the line and column for JSON
// that cannot be read. A file that is not a simulator state (another kind,
// such as an organization file) is refused in one line that says so.
func loadState(file string) (*scimtest.State, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := checkKind(file, data); err != nil {
		return nil, err
	}
	var st scimtest.State
	if err := exampleenv.DecodeJSON(file, data, &st, "a state file written by the simulator (or delete it to start afresh)"); err != nil {
		return nil, err
	}
	return &st, nil
}

// checkKind refuses data, the file's contents, when it is not a simulator
// state: not a JSON object, an object whose "kind" is another, or one with
// neither "kind" nor "format" (a state written before "kind" existed has
// "format"). An empty file, and the details of a state, are left to the
// strict decoding.
func checkKind(file string, data []byte) error {
	const advice = "give -state a file of its own, such as sim-state.json (the simulator creates it)"
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // DecodeJSON says the file is empty
	}
	var head map[string]json.RawMessage
	if err := exampleenv.DecodeJSON(file, data, &head, "a JSON object"); err != nil {
		return fmt.Errorf("%s is not a simulator state file, not even a JSON object (%v); %s", file, strings.TrimPrefix(err.Error(), file+":"), advice)
	}
	rawKind, hasKind := head["kind"]
	if hasKind {
		var kind string
		if json.Unmarshal(rawKind, &kind) != nil || kind != scimtest.StateKind {
			return fmt.Errorf("%s is not a simulator state file: its kind is %s, not %q; %s", file, clip(string(rawKind)), scimtest.StateKind, advice)
		}
		return nil
	}
	if _, ok := head["format"]; ok {
		return nil
	}
	what := "a JSON object without \"kind\": \"" + scimtest.StateKind + "\""
	if _, ok := head["users"]; ok {
		what = "it looks like an organization file (orgsync's), not a state the simulator wrote"
	}
	return fmt.Errorf("%s is not a simulator state file: %s; %s", file, what, advice)
}

// clip shortens a JSON value quoted in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// saver writes snapshots of the organization to its file, each newer than
// the last one written (scimtest calls OnChange concurrently, in any order).
// It is safe for concurrent use.
type saver struct {
	file string
	log  io.Writer // where failed saves are reported

	mu    sync.Mutex
	saved int   // State.Revision of the file's content
	err   error // the last save's error, nil once one succeeds
	// replace is set once the file is the simulator's: loaded from, or
	// written. Before that a file that appears at its path is not replaced.
	replace bool
}

// save writes st unless the file already holds it or a newer one. A failure
// is reported to s.log and kept for Err; the server goes on. It is the
// server's OnChange.
func (s *saver) save(st *scimtest.State) {
	if err := s.write(st); err != nil {
		fmt.Fprintf(s.log, "simulator: saving the state: %v\n", err)
	}
}

// write is save without the report: it returns the error.
func (s *saver) write(st *scimtest.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.Revision <= s.saved {
		return nil
	}
	if s.err = writeState(s.file, st, s.replace); s.err != nil {
		if errors.Is(s.err, exampleenv.ErrExists) {
			// The simulator has no -force: say what happened instead.
			s.err = fmt.Errorf("%s was made by someone else since the simulator started, and is left alone: %w (start again with another -state file)",
				s.file, exampleenv.ErrExists)
		}
		return s.err
	}
	s.saved, s.replace = st.Revision, true
	return nil
}

// Err is the error of the last save, nil when it succeeded.
func (s *saver) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// writeState writes st to file atomically (exampleenv.WritePrivateFile):
// to a temporary file beside it, synced, then moved into place, so the file
// holds either the old state or the new one, whatever happens. It replaces
// an existing file only when replace is set (a file the simulator loaded its
// state from, or wrote itself). The file is readable by its owner only: it
// holds API keys.
func writeState(file string, st *scimtest.State, replace bool) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return exampleenv.WritePrivateFile(file, append(data, '\n'), replace)
}
