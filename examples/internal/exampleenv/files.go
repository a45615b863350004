package exampleenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists matches, with errors.Is, WriteFile's refusal to replace a file
// without force.
var ErrExists = errors.New("file exists")

// CheckNew is WriteFile's refusal made early, before a program reads or
// sends anything: an existing path without force, or a directory, is an
// error (matching ErrExists for the first) that names it; "" and "-"
// (standard output) are no file.
func CheckNew(path string, force bool) error {
	if path == "" || path == "-" {
		return nil
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil
	case fi.IsDir():
		return fmt.Errorf("%s is a directory: name a file", path)
	case !force:
		return fmt.Errorf("%s: %w; use -force to replace it", path, ErrExists)
	}
	return nil
}

// WriteFile writes data to path atomically: to a new file in the same
// directory, synced to disk, then moved into place, so that a reader (or a
// crash) sees the old file or the new one, never half of either. An
// existing path is replaced only when force is set (the programs' -force);
// otherwise WriteFile fails with an error matching ErrExists that names the
// path and the flag, and writes nothing. The file is readable by everyone
// (mode 0644).
func WriteFile(path string, data []byte, force bool) error {
	return writeFile(path, data, force, 0o644)
}

// WritePrivateFile is WriteFile for a file that holds secrets, such as the
// simulator's state with its API keys: only its owner may read it (mode
// 0600).
func WritePrivateFile(path string, data []byte, force bool) error {
	return writeFile(path, data, force, 0o600)
}

func writeFile(path string, data []byte, force bool, perm os.FileMode) error {
	if path == "" {
		return errors.New("no file name given")
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		if !force {
			return fmt.Errorf("%s: %w; use -force to replace it", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	keep := false
	defer func() {
		if !keep {
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(name, perm); err != nil {
		return err
	}
	if !force {
		// A hard link fails when path exists, so a file made since the
		// check above is not replaced either.
		err := os.Link(name, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w; use -force to replace it", path, ErrExists)
		}
		if err == nil {
			return nil
		}
		// A file system without hard links: fall back to the rename.
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	keep = true
	return nil
}
