package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/users"
)

// suggest writes the organization as an orgsync file (Syncer.Export) with
// the recommendations made: a dormant user to deactivate gets "active":
// false, one to downgrade viewer seats where it had full ones. It returns
// how many users it changed. The file goes through orgsync's plan, removal
// budget and confirmation like any other; the report changes nothing.
func suggest(ctx context.Context, c *scim.Client, rows []row, path string, force bool) (int, error) {
	f, err := orgsync.New(c, orgsync.Options{}).Export(ctx)
	if err != nil {
		return 0, fmt.Errorf("exporting the organization: %w", err)
	}
	rec := map[string]string{}
	for _, r := range rows {
		rec[strings.ToLower(r.UserName)] = r.Recommendation
	}
	changed := 0
	for i := range f.Users {
		u := &f.Users[i]
		switch rec[strings.ToLower(u.UserName)] {
		case recDeactivate:
			u.Active = new(bool)
			changed++
		case recDowngrade:
			if u.ModelsSeat == users.SeatFull {
				u.ModelsSeat = users.SeatViewer
			}
			if u.WeaveRole == users.SeatFull {
				u.WeaveRole = users.SeatViewer
			}
			changed++
		}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return 0, err
	}
	if err := exampleenv.WriteFile(path, append(data, '\n'), force); err != nil {
		return 0, fmt.Errorf("-suggest: %w", err)
	}
	return changed, nil
}
