package orgimport_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

// FuzzImport feeds arbitrary users and members files to every preset:
// Import returns a valid file or an *orgimport.Error, and never panics.
func FuzzImport(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte("email,group\nada@acme.com,ml\n"), uint8(0))
		f.Add([]byte("email\nada@acme.com\n"), data, uint8(1))
	}
	f.Fuzz(func(t *testing.T, users, groups []byte, preset uint8) {
		p := orgimport.Presets()[int(preset)%len(orgimport.Presets())]
		r, err := orgimport.Import(orgimport.Input{Preset: p, Now: now,
			Users:  []orgimport.Source{{Name: "users.csv", Data: users}},
			Groups: []orgimport.Source{{Name: "group.csv", Data: groups}}})
		var ierr *orgimport.Error
		switch {
		case err == nil:
			if _, verr := r.File.Validate(); verr != nil {
				t.Fatalf("an invalid file: %v", verr)
			}
		case !errors.As(err, &ierr) || len(ierr.Problems) == 0:
			t.Fatalf("err = %v, want an *orgimport.Error with problems", err)
		}
	})
}
