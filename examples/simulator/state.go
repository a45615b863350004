package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

// loadState reads the state file; a file that does not exist yet is nil
// without error. Errors name the file, and the line and column for JSON
// that cannot be read.
func loadState(file string) (*scimtest.State, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st scimtest.State
	if err := exampleenv.DecodeJSON(file, data, &st, "a state file written by the simulator (or delete it to start afresh)"); err != nil {
		return nil, err
	}
	return &st, nil
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
	if s.err = writeState(s.file, st); s.err != nil {
		return s.err
	}
	s.saved = st.Revision
	return nil
}

// Err is the error of the last save, nil when it succeeded.
func (s *saver) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// writeState writes st to file atomically: to a temporary file beside it,
// synced, then renamed over it, so the file holds either the old state or
// the new one, whatever happens. The file is readable by its owner only: it
// holds API keys.
func writeState(file string, st *scimtest.State) (err error) {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
