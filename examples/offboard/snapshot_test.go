package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// snapshotPath is a snapshot file name in a directory of t's own, so that no
// test writes one in the package's directory.
func snapshotPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "snapshot.json")
}

// The secrets of the richer organization's keys: none may reach a snapshot.
const (
	aliceSecret = "alice-secret-key-0123456789abcdef0123456789abcdef"
	bobSecret   = "bob-secret-key-0123456789abcdef0123456789abcdef012"
)

// richOrg is an organization whose leaver, alice, has everything a snapshot
// records: a custom organization role, seats other than the default, a team
// admin role, and an API key. flavor is its deployment.
func richOrg(flavor scimtest.Flavor) scimtest.Options {
	return scimtest.Options{
		Flavor: flavor,
		Roles:  []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"project:update"}}},
		Users: []scimtest.User{
			{UserName: "alice", Email: "alice@example.com", DisplayName: "Alice Liddell", OrgRole: "auditor",
				ModelsSeat: "viewer", WeaveRole: "none", APIKey: aliceSecret},
			{UserName: "bob", Email: "bob@example.com", APIKey: bobSecret},
			{UserName: "carol", Email: "carol@example.com", OrgRole: "admin"},
		},
		Teams: []scimtest.Team{
			{Name: "ml-research", Members: []string{"alice", "carol"}, Roles: map[string]string{"alice": "admin"}},
			{Name: "platform", Members: []string{"alice", "bob"}, Roles: map[string]string{"alice": "viewer", "bob": "admin"}},
			{Name: "data", Members: []string{"bob"}},
		},
	}
}

// export is the organization as orgsync exports it.
func export(t *testing.T, srv *scimtest.Server) *orgsync.File {
	t.Helper()
	f, err := orgsync.New(srv.Client(t), orgsync.Options{}).Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// readSnap reads and decodes a snapshot file, failing t when it holds a
// secret of the server's or is not a snapshot.
func readSnap(t *testing.T, srv *scimtest.Server, path string) *snapshot {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, srv, data)
	s, err := readSnapshot(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noSecrets fails t when data holds the secret of any API key srv has
// issued, or the admin's.
func noSecrets(t *testing.T, srv *scimtest.Server, data []byte) {
	t.Helper()
	secrets := []string{srv.APIKey, aliceSecret, bobSecret}
	for _, k := range srv.State().APIKeys {
		secrets = append(secrets, k.Secret)
	}
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the snapshot holds the secret %q:\n%s", s, data)
		}
	}
}

// keysOf returns the IDs of the API keys srv holds for the user userName.
func keysOf(t *testing.T, srv *scimtest.Server, userName string) []string {
	t.Helper()
	u, ok := srv.User(userName)
	if !ok {
		t.Fatalf("no user %s", userName)
	}
	var ids []string
	for _, k := range srv.State().APIKeys {
		if k.OwnerID == u.ID {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// changes returns the requests of srv that change something: SCIM writes
// and GraphQL mutations.
func changes(srv *scimtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		switch {
		case r.Method != http.MethodGet && strings.HasPrefix(r.Path, "/scim"):
			out = append(out, r.Method+" "+r.Path)
		case strings.HasSuffix(r.Path, "/graphql") && bytes.Contains(r.Body, []byte("mutation")):
			out = append(out, "mutation "+string(r.Body))
		}
	}
	return out
}

// TestSnapshotOffboardRestore: offboarding writes a snapshot of the user as
// it was, with no secret in it; -restore brings the user back through
// orgsync, and the organization exports exactly as it did before.
func TestSnapshotOffboardRestore(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)

	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-snapshot", path, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitOK || r.Stderr != "" {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, want := range []string{
		"alice@example.com: would remove from ml-research, platform; deactivate\n",
		"  keeps 1 API key, valid until deleted (-revoke-keys deletes them)\n",
		"Snapshot written to " + path + " (undo with -restore " + path + ").\n",
		"alice@example.com: removed from ml-research, platform; deactivated\n",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("offboard's output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Index(r.Stdout, "Snapshot written") > strings.Index(r.Stdout, "removed from") {
		t.Errorf("the snapshot was reported after the changes:\n%s", r.Stdout)
	}
	if a, _ := srv.User("alice"); !a.Inactive {
		t.Fatalf("alice is still active: %+v", a)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("snapshot file: %v, %v", fi, err)
	}

	s := readSnap(t, srv, path)
	alice, _ := srv.User("alice")
	key := keysOf(t, srv, "alice")
	want := snapshotUser{
		UserName: "alice", Email: "alice@example.com", DisplayName: "Alice Liddell", ID: alice.ID, Active: true,
		OrganizationRole: "auditor", CustomRole: "auditor", ModelsSeat: users.SeatViewer, WeaveRole: users.SeatNone,
		Teams:         []snapshotTeam{{Name: "ml-research", Role: "admin"}, {Name: "platform", Role: "viewer"}},
		APIKeys:       []snapshotKey{{ID: key[0], NameHidden: true, Description: "seeded key"}},
		Offboarding:   "remove from ml-research, platform; deactivate",
		Restore:       "the account, reactivated, with the organization role, seats, teams and team roles recorded here",
		NotRestorable: []string{},
	}
	if s.Kind != snapshotKind || s.Format != snapshotFormat || s.BaseURL != srv.URL+"/scim" || s.Deployment != scim.Dedicated ||
		time.Since(s.TakenAt) > time.Hour || !strings.HasPrefix(s.Restorable, "The users are deactivated, not deleted: -restore reactivates") {
		t.Errorf("snapshot header: %+v", s)
	}
	if len(s.Users) != 1 || !reflect.DeepEqual(s.Users[0], want) {
		t.Errorf("snapshot users:\n%+v\nwant\n%+v", s.Users, want)
	}

	journal := filepath.Join(t.TempDir(), "restore.jsonl")
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path, "-journal", journal}, command)
	if r.Code != exampleenv.ExitOK || r.Stderr != "" {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, want := range []string{
		"Recording each change in the journal " + journal + " (orgsync -undo " + journal + " reverses them).\n",
		"alice (alice@example.com): -restore brings back the account, reactivated",
		"  its 1 API key (id " + key[0] + ") were not deleted by offboard",
		"Restoring (",
		"Applied ",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("restore's output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if after := export(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore the organization exports as\n%+v\nwant, as before the offboarding,\n%+v", after, before)
	}
	checkJournal(t, srv, journal)

	// Restored, it restores to nothing more.
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-dry-run", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "Nothing to restore") {
		t.Errorf("restore again: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
}

// TestRevokeKeys: -revoke-keys leaves the user no API key, after the
// snapshot names them (never by secret); its dry run lists them and
// deletes none; a restore says they cannot be brought back.
func TestRevokeKeys(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	if _, err := srv.NewAPIKey("alice"); err != nil {
		t.Fatal(err)
	}
	keys := keysOf(t, srv, "alice")
	if len(keys) != 2 {
		t.Fatalf("alice has keys %v, want 2", keys)
	}
	path := snapshotPath(t)
	args := []string{"-live", "-auto-approve", "-revoke-keys", "-snapshot", path, "alice@example.com"}

	r := exampletest.RunMain(t, "offboard", append([]string{"-dry-run"}, args...), command)
	plan := "alice@example.com: would delete 2 API keys (id " + keys[0] + ", " + keys[1] + "); remove from ml-research, platform; deactivate\n"
	if r.Code != exampleenv.ExitPending || !strings.Contains(r.Stdout, plan) ||
		!strings.Contains(r.Stdout, "API keys are deleted (-revoke-keys) and cannot be restored") {
		t.Errorf("dry run: exit %d, stderr %q; want 2 and %q\n%s", r.Code, r.Stderr, plan, r.Stdout)
	}
	if c := changes(srv); len(c) != 0 {
		t.Errorf("the dry run changed %q", c)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote the snapshot: %v", err)
	}

	noSecrets(t, srv, []byte(r.Stdout))
	r = exampletest.RunMain(t, "offboard", args, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "alice@example.com: deleted 2 API keys (id "+keys[0]+", "+keys[1]+"); removed from") {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	noSecrets(t, srv, []byte(r.Stdout))
	if left := keysOf(t, srv, "alice"); len(left) != 0 {
		t.Errorf("alice still has the keys %v", left)
	}
	found, err := users.New(srv.Client(t)).Search(context.Background(), "alice@example.com")
	if err != nil || len(found) != 1 || len(found[0].APIKeys) != 0 {
		t.Errorf("GraphQL lists alice as %+v, %v; want her with no key", found, err)
	}
	if bob := keysOf(t, srv, "bob"); len(bob) != 1 {
		t.Errorf("bob's keys %v: another user's key was touched", bob)
	}
	s := readSnap(t, srv, path)
	if got := s.Users[0].APIKeys; len(got) != 2 || got[0].ID != keys[0] || got[1].ID != keys[1] || !s.Users[0].APIKeysDeleted {
		t.Errorf("snapshot keys %+v, want %v, deleted", got, keys)
	}

	r = exampletest.RunMain(t, "offboard", []string{"-live", "-dry-run", "-restore", path}, command)
	if r.Code != exampleenv.ExitPending || !strings.Contains(r.Stdout, "  cannot be restored: its 2 API keys (id "+keys[0]+", "+keys[1]+"), deleted by -revoke-keys") {
		t.Errorf("restore dry run: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	noSecrets(t, srv, []byte(r.Stdout))
}

// TestSnapshotFileKept: an existing snapshot file is never replaced without
// -force, in the dry run as in the real run, and nothing is changed; with
// -force it is replaced.
func TestSnapshotFileKept(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	path := snapshotPath(t)
	if err := os.WriteFile(path, []byte("an earlier snapshot\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantErr := "offboard: snapshot " + path + ": file exists; use -force to replace it, or name another file with -snapshot; nothing was changed\n"
	for _, args := range [][]string{
		{"-live", "-dry-run", "-snapshot", path, "alice@example.com"},
		{"-live", "-auto-approve", "-snapshot", path, "alice@example.com"},
	} {
		r := exampletest.RunMain(t, "offboard", args, command)
		if r.Code != exampleenv.ExitFailed || r.Stderr != wantErr {
			t.Errorf("%q: exit %d, stderr %q; want 1, %q", args, r.Code, r.Stderr, wantErr)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != "an earlier snapshot\n" {
		t.Errorf("the file was replaced:\n%s", data)
	}
	if c := changes(srv); len(c) != 0 {
		t.Errorf("changes sent: %q", c)
	}

	dir := t.TempDir()
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-force", "-snapshot", dir, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitFailed || r.Stderr != "offboard: snapshot "+dir+" is a directory: name a file, or name another file with -snapshot; nothing was changed\n" {
		t.Errorf("a directory: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if c := changes(srv); len(c) != 0 {
		t.Errorf("changes sent: %q", c)
	}

	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-force", "-snapshot", path, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("-force: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if s := readSnap(t, srv, path); s.Users[0].UserName != "alice" {
		t.Errorf("snapshot %+v", s)
	}
}

// TestMultiTenant: on Multi-tenant Cloud the dry run and the snapshot say
// plainly that deactivation cannot be undone by reactivation; -restore adds
// the user back by email with its roles and teams.
func TestMultiTenant(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.MultiTenant))
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)
	plain := "On Multi-tenant Cloud, deactivation removes a user from the organization, and W&B refuses to reactivate one: " +
		"this offboarding cannot be undone by reactivation."

	r := exampletest.RunMain(t, "offboard", []string{"-live", "-deployment", "multi-tenant", "-dry-run", "-snapshot", path, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitPending || !strings.Contains(r.Stdout, "Undoing it: "+plain) {
		t.Errorf("dry run: exit %d, stderr %q; want 2 and %q\n%s", r.Code, r.Stderr, plain, r.Stdout)
	}
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-deployment", "multi-tenant", "-auto-approve", "-snapshot", path, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if _, ok := srv.User("alice"); ok {
		t.Fatal("alice is still in the organization")
	}
	s := readSnap(t, srv, path)
	if s.Deployment != scim.MultiTenant || !strings.HasPrefix(s.Restorable, plain) ||
		!strings.HasPrefix(s.Users[0].Restore, "membership of the organization, added back by email (Multi-tenant Cloud cannot reactivate)") {
		t.Errorf("snapshot: %+v", s)
	}

	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command) // the snapshot's deployment
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "+ user alice: email alice@example.com, organizationRole auditor, modelsSeat viewer, weaveRole none\n") {
		t.Errorf("restore did not add alice back by email:\n%s", r.Stdout)
	}
	// Everything comes back but the display name, which Multi-tenant Cloud
	// does not let an organization set.
	after := export(t, srv)
	for i := range before.Users {
		before.Users[i].DisplayName = ""
	}
	for i := range after.Users {
		after.Users[i].DisplayName = ""
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore\n%+v\nwant\n%+v", after, before)
	}
}

// TestRestoreConfirmation: a restore on a real W&B asks first; without a
// terminal and without -auto-approve it refuses and sends nothing.
func TestRestoreConfirmation(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	path := snapshotPath(t)
	if r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-snapshot", path, "alice@example.com"}, command); r.Code != 0 {
		t.Fatalf("offboard: exit %d, stderr %q", r.Code, r.Stderr)
	}
	sent := len(changes(srv))

	r := exampletest.RunMain(t, "offboard", []string{"-live", "-restore", path}, command)
	wantErr := "offboard: not confirmed: standard input is not a terminal to ask on; review the plan and run again with -auto-approve; nothing was changed\n"
	if r.Code != exampleenv.ExitFailed || r.Stderr != wantErr || !strings.Contains(r.Stdout, "~ user alice: reactivate\n") {
		t.Errorf("exit %d, stderr %q; want 1, %q\n%s", r.Code, r.Stderr, wantErr, r.Stdout)
	}
	if c := changes(srv); len(c) != sent {
		t.Errorf("the unconfirmed restore sent %q", c[sent:])
	}
	if a, _ := srv.User("alice"); !a.Inactive {
		t.Error("alice was reactivated")
	}

	ctx := exampleenv.WithConsole(context.Background(), exampleenv.Console{In: strings.NewReader("yes\n"), Interactive: true})
	var stdout, stderr bytes.Buffer
	code := exampleenv.Run(ctx, "offboard", []string{"-live", "-restore", path}, &stdout, &stderr, command)
	if code != exampleenv.ExitOK || !strings.Contains(stdout.String(), "in the W&B at "+srv.URL+"/scim?\n  Only 'yes' will be accepted") {
		t.Errorf("confirmed: exit %d, stderr %q\n%s", code, stderr.String(), stdout.String())
	}
	if a, _ := srv.User("alice"); a.Inactive {
		t.Error("alice was not reactivated")
	}
}

// TestRestoreElsewhere: a snapshot is restored only on the W&B where it was
// taken, of the same deployment.
func TestRestoreElsewhere(t *testing.T) {
	a := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, a)
	path := snapshotPath(t)
	if r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-snapshot", path, "alice@example.com"}, command); r.Code != 0 {
		t.Fatalf("offboard: exit %d, stderr %q", r.Code, r.Stderr)
	}
	b := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, b)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-live", "-auto-approve", "-restore", path}, "was taken at the W&B at " + a.URL + "/scim, not " + b.URL + "/scim: nothing was changed"},
		{[]string{"-live", "-auto-approve", "-deployment", "self-managed", "-restore", path}, "was taken on dedicated, and this W&B is self-managed"},
	} {
		r := exampletest.RunMain(t, "offboard", tt.args, command)
		if r.Code != exampleenv.ExitFailed || !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 1 and %q", tt.args, r.Code, r.Stderr, tt.want)
		}
	}
	if c := changes(b); len(c) != 0 {
		t.Errorf("sent to the other W&B: %q", c)
	}
}

// TestDelete: -delete deletes instead of deactivating, never the caller;
// -restore then creates the user again as it was.
func TestDelete(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-delete", "-snapshot", path, "alice@example.com", "admin@example.com"}, command)
	for _, want := range []string{"admin@example.com: REFUSED: refusing to delete admin: it is the calling account\n",
		"alice@example.com: would remove from ml-research, platform; DELETE the user\n",
		"alice@example.com: removed from ml-research, platform; deleted the user\n"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if r.Code != exampleenv.ExitFailed { // the caller was refused
		t.Errorf("exit %d, want 1", r.Code)
	}
	if _, ok := srv.User("alice"); ok {
		t.Fatal("alice was not deleted")
	}
	if u, ok := srv.User("admin"); !ok || u.Inactive {
		t.Fatal("the caller was deleted or deactivated")
	}
	s := readSnap(t, srv, path)
	if !strings.HasPrefix(s.Restorable, "The users are deleted, not deactivated") ||
		!reflect.DeepEqual(s.Users[0].NotRestorable, []string{"the deleted account itself (its ID and history)"}) {
		t.Errorf("snapshot: %+v", s)
	}
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if after := export(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore\n%+v\nwant\n%+v", after, before)
	}
}

func TestSafeKeyName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, want string
		hidden     bool
	}{
		{"k-3f9a", "k-3f9a", false}, // a hashed-key server's name
		{"", "", false},
		{strings.Repeat("a", 39), strings.Repeat("a", 39), false},
		{strings.Repeat("0", 40), "", true}, // a legacy secret
		{"local-" + strings.Repeat("0", 40), "", true},
		{strings.Repeat("x", 86), "", true}, // the new format
	} {
		if got, hidden := safeKeyName(tt.name); got != tt.want || hidden != tt.hidden {
			t.Errorf("safeKeyName(%q) = %q, %t; want %q, %t", tt.name, got, hidden, tt.want, tt.hidden)
		}
	}
	got := snapshotKeys([]users.APIKey{{ID: "K1", Name: "abc", Description: "ci"}, {ID: "K2", Name: aliceSecret}})
	want := []snapshotKey{{ID: "K1", Name: "abc", Description: "ci"}, {ID: "K2", NameHidden: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("snapshotKeys = %+v, want %+v", got, want)
	}
}

func TestDefaultSnapshotName(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 7, 12, 15, 0, 0, time.FixedZone("CEST", 2*3600))
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{[]string{"alice"}, "offboard-alice-20260607T101500Z.json"},
		{[]string{"alice", "Bob.S"}, "offboard-alice-Bob.S-20260607T101500Z.json"},
		{[]string{"../etc/passwd", "a b"}, "offboard-etc_passwd-a_b-20260607T101500Z.json"},
		{[]string{"a", "b", "c", "d", "e"}, "offboard-a-b-c-and-2-more-20260607T101500Z.json"},
	} {
		if got := defaultSnapshotName(tt.names, at); got != tt.want {
			t.Errorf("defaultSnapshotName(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

func TestReadSnapshot(t *testing.T) {
	t.Parallel()
	good := `{"kind": "wandb-offboard-snapshot", "format": 1, "deployment": "dedicated", "users": [{"userName": "alice", "email": "a@x.io"}]}`
	for _, tt := range []struct{ name, in, want string }{
		{"an organization file", `{"users": [{"userName": "alice"}]}`, `s.json: not an offboarding snapshot (its "kind" is "", want "wandb-offboard-snapshot")`},
		{"the simulator's state", `{"kind": "wandb-simulator-state", "format": 1}`, `its "kind" is "wandb-simulator-state"`},
		{"a later format", `{"kind": "wandb-offboard-snapshot", "format": 2}`, "s.json: snapshot format 2, this program reads format 1"},
		{"misspelt key", "{\"kind\": \"wandb-offboard-snapshot\", \"format\": 1,\n \"user\": []}", `s.json:2:2: unknown field "user"`},
		{"no users", `{"kind": "wandb-offboard-snapshot", "format": 1, "users": []}`, "s.json: the snapshot holds no users"},
		{"a user without a name", `{"kind": "wandb-offboard-snapshot", "format": 1, "users": [{"email": "a@x.io"}]}`, "s.json: users[0]: no userName"},
		{"not JSON", "{\n  \"kind\": \"wandb-offboard-snapshot\",,", "s.json:2:"},
	} {
		if _, err := readSnapshot("s.json", []byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	s, err := readSnapshot("s.json", []byte(good))
	if err != nil || s.Users[0].UserName != "alice" {
		t.Errorf("readSnapshot = %+v, %v", s, err)
	}
}

// TestRestoreFile: the organization file of a restore holds each user
// active with its roles and seats, and each team once, additive, with the
// members' team roles ("member" left to the default).
func TestRestoreFile(t *testing.T) {
	t.Parallel()
	s := &snapshot{Users: []snapshotUser{
		{UserName: "alice", Email: "alice@x.io", DisplayName: "Alice", OrganizationRole: "auditor", ModelsSeat: users.SeatViewer,
			WeaveRole: users.SeatNone, Teams: []snapshotTeam{{Name: "ml", Role: "admin"}, {Name: "Platform", Role: "member"}}},
		{UserName: "bob", Email: "bob@x.io", OrganizationRole: "member", Teams: []snapshotTeam{{Name: "platform", Role: "viewer"}}},
	}}
	s.Users[0].Active = true // bob was inactive before: not reactivated
	active := true
	want := &orgsync.File{
		Users: []orgsync.UserSpec{
			{UserName: "alice", Email: "alice@x.io", DisplayName: "Alice", OrganizationRole: "auditor", ModelsSeat: users.SeatViewer, WeaveRole: users.SeatNone, Active: &active},
			{UserName: "bob", Email: "bob@x.io", OrganizationRole: "member"},
		},
		Teams: []orgsync.TeamSpec{
			{Name: "ml", Membership: orgsync.Additive, Members: []orgsync.MemberSpec{{UserName: "alice", Role: "admin"}}},
			{Name: "Platform", Membership: orgsync.Additive, Members: []orgsync.MemberSpec{{UserName: "alice"}, {UserName: "bob", Role: "viewer"}}},
		},
	}
	if got := s.restoreFile(scim.Dedicated, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("restoreFile =\n%+v\nwant\n%+v", got, want)
	}
	want.Users[0].DisplayName = "" // not settable on Multi-tenant Cloud
	if got := s.restoreFile(scim.MultiTenant, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("restoreFile (multi-tenant) =\n%+v\nwant\n%+v", got, want)
	}
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orgsync.Decode(data); err != nil {
		t.Errorf("the restore file does not decode as an organization file: %v", err)
	}
}

// TestLostReplies: with the replies of the first changes lost (a gateway's
// 502 after the server made them), offboarding with -revoke-keys and the
// restore report what the server holds, and the organization exports as it
// did before.
func TestLostReplies(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)
	srv.SetFaults(scimtest.Faults{LoseFirst: 1, LoseStatus: http.StatusBadGateway}) // the key deletion's
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-revoke-keys", "-snapshot", path, "alice@example.com"}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "alice@example.com: deleted 1 API key (id ") {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if a, _ := srv.User("alice"); !a.Inactive || len(keysOf(t, srv, "alice")) != 0 {
		t.Errorf("alice after the offboarding: %+v, keys %v", a, keysOf(t, srv, "alice"))
	}
	srv.SetFaults(scimtest.Faults{LoseFirst: 2, LoseStatus: http.StatusBadGateway})
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if after := export(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore\n%+v\nwant\n%+v", after, before)
	}
}

// TestRestoreInterrupted: an interrupt during a restore starts no new
// change and exits 3, reporting what was made; run again, the restore
// finishes.
func TestRestoreInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var armed atomic.Bool
	opts := richOrg(scimtest.Dedicated)
	opts.OnRequest = func(r scimtest.Request) {
		if armed.Load() && r.Method == http.MethodPatch {
			cancel() // Ctrl-C as the first change of the restore is answered
		}
	}
	srv := scimtest.Start(t, opts)
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)
	if r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-snapshot", path, "alice@example.com"}, command); r.Code != 0 {
		t.Fatalf("offboard: exit %d, stderr %q", r.Code, r.Stderr)
	}
	armed.Store(true)
	var stdout, stderr bytes.Buffer
	code := exampleenv.Run(ctx, "offboard", []string{"-live", "-auto-approve", "-restore", path}, &stdout, &stderr, command)
	if code != exampleenv.ExitInterrupted || !strings.HasPrefix(stderr.String(), "offboard: interrupted: ") ||
		!strings.Contains(stdout.String(), "not started") {
		t.Errorf("exit %d, stderr %q; want 3\n%s", code, stderr.String(), stdout.String())
	}
	if a, _ := srv.User("alice"); a.Inactive {
		t.Error("the change in flight, alice's reactivation, was not finished")
	}
	armed.Store(false)
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("restore again: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if after := export(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore\n%+v\nwant\n%+v", after, before)
	}
}

// TestSnapshotUnlistedKeys: keys that could not be listed are recorded as
// such, not as none.
func TestSnapshotUnlistedKeys(t *testing.T) {
	t.Parallel()
	e := entry{user: &users.User{ID: "U1", UserName: "alice", Active: true, OrganizationRole: "member"},
		plan: plan{Deactivate: true}, keysErr: errors.New("users.Search: permission denied")}
	s := newSnapshotUser(e, scim.Dedicated)
	if s.APIKeys != nil || s.APIKeysNote != "could not be listed: users.Search: permission denied" || s.CustomRole != "" {
		t.Errorf("newSnapshotUser = %+v", s)
	}
	data, err := json.Marshal(s)
	if err != nil || !bytes.Contains(data, []byte(`"apiKeys":null,"apiKeysNote":"could not be listed`)) {
		t.Errorf("encoded as %s, %v", data, err)
	}
}

// TestOutcomeUnknown: a key deletion whose reply, and its check's, are
// lost is reported as of unknown outcome, not as failed; run again, the
// offboarding finishes.
func TestOutcomeUnknown(t *testing.T) {
	srv := scimtest.Start(t, richOrg(scimtest.Dedicated))
	exampletest.UseServer(t, srv)
	srv.SetFaults(scimtest.Faults{LoseFirst: 2, LoseStatus: http.StatusBadGateway})
	args := []string{"-live", "-auto-approve", "-revoke-keys", "-snapshot", snapshotPath(t), "alice@example.com"}
	r := exampletest.RunMain(t, "offboard", args, command)
	if r.Code != exampleenv.ExitFailed || !strings.Contains(r.Stdout, "alice@example.com: OUTCOME UNKNOWN (the last change may have been made") ||
		strings.Contains(r.Stdout, "FAILED") {
		t.Errorf("exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	srv.SetFaults(scimtest.Faults{})
	args[4] = snapshotPath(t)
	r = exampletest.RunMain(t, "offboard", args, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("again: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if a, _ := srv.User("alice"); !a.Inactive || len(keysOf(t, srv, "alice")) != 0 {
		t.Errorf("alice: %+v, keys %v", a, keysOf(t, srv, "alice"))
	}
}

// TestRestoreInactive: a user inactive before the offboarding (only
// removed from its team) gets its team back and stays inactive.
func TestRestoreInactive(t *testing.T) {
	opts := richOrg(scimtest.Dedicated)
	opts.Users = append(opts.Users, scimtest.User{UserName: "dave", Email: "dave@example.com", Inactive: true})
	opts.Teams[2].Members = append(opts.Teams[2].Members, "dave")
	srv := scimtest.Start(t, opts)
	exampletest.UseServer(t, srv)
	before := export(t, srv)
	path := snapshotPath(t)
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-snapshot", path, "dave@example.com"}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "dave@example.com: removed from data; was already inactive\n") {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK || strings.Contains(r.Stdout, "~ user dave") {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if after := export(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restore\n%+v\nwant\n%+v", after, before)
	}
}

// TestRestoreDeletedInactive: a user inactive before, then deleted with
// -delete, is not brought back by -restore: W&B can only create a user
// active, and the restore says so instead of granting access and seats.
func TestRestoreDeletedInactive(t *testing.T) {
	opts := richOrg(scimtest.Dedicated)
	opts.Users = append(opts.Users, scimtest.User{UserName: "dave", Email: "dave@example.com", Inactive: true})
	opts.Teams[2].Members = append(opts.Teams[2].Members, "dave")
	srv := scimtest.Start(t, opts)
	exampletest.UseServer(t, srv)
	path := snapshotPath(t)
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-delete", "-snapshot", path, "dave@example.com"}, command)
	if r.Code != exampleenv.ExitOK {
		t.Fatalf("offboard: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	r = exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-restore", path}, command)
	if r.Code != exampleenv.ExitOK || strings.Contains(r.Stdout, "+ user dave") ||
		!strings.Contains(r.Stdout, "dave was inactive before offboarding and is no longer in the organization: not restored") {
		t.Fatalf("restore: exit %d, stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if u, ok := srv.User("dave"); ok {
		t.Errorf("dave is back: %+v", u)
	}
}

// TestFailedAfterPart: a failure after part of a user's offboarding was
// made says what was made, and the user is counted failed.
func TestFailedAfterPart(t *testing.T) {
	opts := richOrg(scimtest.Dedicated)
	var srv *scimtest.Server
	var once sync.Once
	opts.OnRequest = func(r scimtest.Request) {
		if r.Method == http.MethodPatch && strings.HasPrefix(r.Path, "/scim/Groups/") {
			// The next request, the second team removal, is refused
			// (403 is never retried).
			once.Do(func() { srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: http.StatusForbidden}) })
		}
	}
	srv = scimtest.Start(t, opts)
	exampletest.UseServer(t, srv)
	key := keysOf(t, srv, "alice")
	r := exampletest.RunMain(t, "offboard", []string{"-live", "-auto-approve", "-revoke-keys", "-snapshot", snapshotPath(t), "alice@example.com"}, command)
	want := "alice@example.com: FAILED: removing from team platform, after it deleted 1 API key (id " + key[0] + ") and removed the user from ml-research: "
	if r.Code != exampleenv.ExitFailed || !strings.Contains(r.Stdout, want) ||
		!strings.Contains(r.Stdout, "Summary: 0 offboarded, 0 already offboarded, 0 not found, 0 refused, 1 failed.") {
		t.Errorf("exit %d, stderr %q; want 1 and %q\n%s", r.Code, r.Stderr, want, r.Stdout)
	}
	if a, _ := srv.User("alice"); a.Inactive || len(keysOf(t, srv, "alice")) != 0 {
		t.Errorf("alice: %+v, keys %v; want active, no key", a, keysOf(t, srv, "alice"))
	}
}

// checkJournal checks the journal of a restore of alice on srv: every
// change applied, at srv, and its undo deactivates her again.
func checkJournal(t *testing.T, srv *scimtest.Server, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := orgsync.ReadJournal(f)
	if err != nil || len(entries) == 0 {
		t.Fatalf("journal: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Outcome != orgsync.OutcomeApplied || e.Name != "alice" || e.Target.BaseURL != srv.URL+"/scim" {
			t.Errorf("journal entry %+v", e)
		}
	}
	undo, err := orgsync.PlanUndo(entries)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(undo.Plan.Users, func(c orgsync.UserChange) bool { return c.UserName == "alice" && c.Action == orgsync.Deactivate }) {
		t.Errorf("the journal's undo does not deactivate alice: %+v", undo.Plan.Users)
	}
}

// TestSimulatedRestore: without -live, a snapshot is restored on a fresh
// simulator of the snapshot's deployment, where there is nothing to bring
// back, and the output says so.
func TestSimulatedRestore(t *testing.T) {
	path := snapshotPath(t)
	exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error {
		return run(ctx, w, config{snapshot: path, deployment: scim.MultiTenant, emails: []string{"alice@example.com"}})
	})
	out := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error {
		return run(ctx, w, config{restore: path})
	})
	for _, want := range []string{"Restoring on a fresh simulator, where nobody was offboarded", "taken ", " on multi-tenant: On Multi-tenant Cloud",
		"Nothing to restore: the organization already holds what the snapshot records.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
