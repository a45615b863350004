package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// mainEnv names the environment variable that makes the test binary run the
// program's main (with the variable's value as arguments) instead of the
// tests: TestRestart runs the simulator so, as a separate process.
const mainEnv = "SIMULATOR_TEST_MAIN"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainEnv); ok {
		os.Args = append([]string{"simulator"}, strings.Fields(args)...)
		main()
	}
	os.Exit(m.Run())
}

// proc is the simulator running in a child process.
type proc struct {
	cmd     *exec.Cmd
	baseURL string
	apiKey  string
	stderr  *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the simulator with args (plus -addr 127.0.0.1:0) and waits for
// its two export lines.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainEnv+"="+strings.Join(append([]string{"-addr", "127.0.0.1:0"}, args...), " "))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(10 * time.Second)
	for p.baseURL == "" || p.apiKey == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the simulator ended before printing its exports:\n%s", p.stderr.String())
			}
			if v, ok := strings.CutPrefix(line, "export WANDB_BASE_URL="); ok {
				p.baseURL = v
			} else if v, ok := strings.CutPrefix(line, "export WANDB_API_KEY="); ok {
				p.apiKey = v
			} else {
				t.Fatalf("unexpected line on standard output: %q", line)
			}
		case <-timeout:
			t.Fatalf("no exports after 10s:\n%s", p.stderr.String())
		}
	}
	// Standard error comes through its own pipe: wait for its last line.
	for !strings.Contains(p.stderr.String(), "Press Ctrl-C to stop.\n") {
		select {
		case <-timeout:
			t.Fatalf("standard error is incomplete after 10s:\n%s", p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return p
}

// stop sends SIGINT, as Ctrl-C does, and checks that the simulator stops
// cleanly.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("the simulator did not stop cleanly: %v\n%s", err, p.stderr.String())
	}
}

func (p *proc) client(t *testing.T) *scim.Client {
	t.Helper()
	c, err := scim.NewClient(scim.WithBaseURL(p.baseURL), scim.WithAPIKey(p.apiKey))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRestart starts the simulator with -state, provisions users, stops it
// with SIGINT, starts it again with the same command and finds the users,
// with the same IDs, ETags and memberships; what it creates next gets the
// next IDs.
func TestRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "sim-state.json")
	args := []string{"-state", file, "-seed", "seed.json", "-v"}
	ctx := context.Background()

	first := start(t, args...)
	c := first.client(t)
	us, ts := users.New(c), teams.New(c)
	ml, err := ts.FindByName(ctx, "ml-research")
	if err != nil {
		t.Fatal(err)
	}
	var created []*users.User
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		u, err := us.Create(ctx, users.CreateParams{Email: email})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.AddMembers(ctx, ml.ID, []string{u.ID}); err != nil {
			t.Fatal(err)
		}
		created = append(created, u)
	}
	grace, err := us.SetOrganizationRole(ctx, created[1].ID, "run-operator")
	if err != nil {
		t.Fatal(err)
	}
	first.stop(t)
	log := first.stderr.String()
	for _, want := range []string{"Organization: new, saved to " + file, "POST /scim/Users 201 ", "PATCH /scim/Groups/" + ml.ID + " 200 ",
		"Stopped; the organization is in " + file} {
		if !strings.Contains(log, want) {
			t.Errorf("the first run's log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, first.apiKey) || strings.Contains(log, "Bearer") || strings.Contains(log, "filter") {
		t.Errorf("the log shows a credential or a query:\n%s", log)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v, %v; want mode 0600", fi, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left beside the state: %v", entries)
	}
	if data, err := os.ReadFile(file); err != nil || !strings.HasPrefix(string(data), "{\n  \"kind\": \"wandb-simulator-state\",\n") {
		t.Errorf("the state file does not start with its kind: %.60q (%v)", data, err)
	}

	second := start(t, args...)
	if !strings.Contains(second.stderr.String(), "Organization: loaded from "+file+" (revision 5) and saved there after every change; -seed is ignored.") {
		t.Errorf("the second run's first lines:\n%s", second.stderr.String())
	}
	c = second.client(t)
	us, ts = users.New(c), teams.New(c)
	for _, want := range created {
		got, err := us.FindByEmail(ctx, want.PrimaryEmail())
		if err != nil {
			t.Fatalf("after the restart, %s: %v", want.PrimaryEmail(), err)
		}
		if got.ID != want.ID {
			t.Errorf("%s has ID %s after the restart, %s before", got.UserName, got.ID, want.ID)
		}
	}
	if got, err := us.Get(ctx, grace.ID); err != nil || got.OrganizationRole != "run-operator" || got.Meta.Version != grace.Meta.Version {
		t.Errorf("grace after the restart: %+v, %v; want role run-operator and version %s", got, err, grace.Meta.Version)
	}
	if team, err := ts.Get(ctx, ml.ID); err != nil || len(team.Members) != 3 {
		t.Errorf("ml-research after the restart: %+v, %v", team, err)
	}
	next, err := us.Create(ctx, users.CreateParams{Email: "alan@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if next.ID != "VXNlcjo1" { // User:5, after admin, alice (seed), ada and grace
		t.Errorf("the next user after the restart has ID %s, want VXNlcjo1 (User:5)", next.ID)
	}
	second.stop(t)
	var st scimtest.State
	data, _ := os.ReadFile(file)
	if err := json.Unmarshal(data, &st); err != nil || st.Revision != 6 || len(st.Users) != 5 {
		t.Errorf("state file after the second run: revision %d, %d users, %v", st.Revision, len(st.Users), err)
	}
}

// TestCommandLine checks -h and the command lines that are refused.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	exampletest.CheckHelp(t, "simulator", command, "-state file", "-seed file", "-addr host:port", "-flavor deployment", "0 after a clean stop", "-v\n",
		"export WANDB_BASE_URL=http://127.0.0.1:7357", `"users": [{"userName": "alice"`, "Environment: none is read.")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-flavor", "cloud"}, `invalid value "cloud" for flag -flavor: unknown flavor "cloud": want dedicated, self-managed or multi-tenant`},
		{[]string{"-failure-rate", "1.5"}, "-failure-rate 1.5: want 0 to 1"},
		{[]string{"-fail-status", "200"}, "-fail-status 200: want an error status, 400 to 599"},
		{[]string{"-fail-first", "-1"}, "must not be negative"},
		{[]string{"-latency", "soon"}, `invalid value "soon" for flag -latency`},
		{[]string{"-addr", ""}, "-addr must not be empty"},
		{[]string{"serve"}, `unexpected arguments ["serve"]`},
	} {
		exampletest.CheckUsageError(t, "simulator", command, tt.args, tt.want)
	}
}

// TestStartErrors: files and addresses the simulator cannot use fail it
// (exit 1, or 2 for a -flavor that contradicts the state file), naming the
// file and, for JSON, the line and column.
func TestStartErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	good := filepath.Join(dir, "good.json")
	srv := scimtest.Start(t, scimtest.Options{Flavor: scimtest.MultiTenant})
	if err := writeState(good, srv.State(), false); err != nil {
		t.Fatal(err)
	}
	seedSyntax := write("seed-syntax.json", "{\n  \"users\": [\n    {\"userName\": \"a\",}\n  ]\n}\n")
	seedField := write("seed-field.json", `{"users": [{"userName": "a", "mail": "a@x.io"}]}`)
	seedDup := write("seed-dup.json", `{"users": [{"userName": "a", "email": "a@x.io"}, {"userName": "A", "email": "b@x.io"}]}`)
	stateEmpty := write("state-empty.json", "")
	stateBad := write("state-bad.json", `{"format": 1, "flavor": "Dedicated", "users": [{"id": "bad", "userName": "a"}]}`)
	orgFile := write("org.json", `{"users": [{"userName": "ada", "email": "ada@example.com"}], "teams": []}`)
	otherKind := write("other-kind.json", `{"kind": "wandb-org", "users": []}`)
	otherJSON := write("other.json", `{"name": "run-operator"}`)
	csvFile := write("users.csv", "email,teams\nada@example.com,ml\n")
	// A state written before "kind" existed loads (and is written back with it).
	legacy := filepath.Join(dir, "legacy.json")
	if err := writeState(legacy, scimtest.Start(t, scimtest.Options{}).State(), false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(legacy)
	if err != nil {
		t.Fatal(err)
	}
	withoutKind := strings.Replace(string(data), `"kind": "wandb-simulator-state",`, "", 1)
	if withoutKind == string(data) {
		t.Fatalf("the state file has no kind to remove:\n%s", data)
	}
	legacy = write("legacy.json", withoutKind)
	if got, err := loadState(legacy); err != nil || got.Kind != "" || got.Format != scimtest.StateFormat {
		t.Errorf("loading a state without kind: %+v, %v", got, err)
	}
	const advice = "; give -state a file of its own, such as sim-state.json (the simulator creates it)\n"

	for _, tt := range []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"-addr", busy.Addr().String()}, 1, "simulator: cannot listen on " + busy.Addr().String() + ": bind: address already in use\n"},
		{[]string{"-seed", seedSyntax}, 1, "simulator: " + seedSyntax + ":3:22: invalid character '}' looking for beginning of object key string\n"},
		{[]string{"-seed", seedField}, 1, "simulator: " + seedField + `:1:30: unknown field "mail" (misspelt?)` + "\n"},
		{[]string{"-seed", seedDup}, 1, "simulator: " + seedDup + `: user "A": duplicate userName` + "\n"},
		{[]string{"-seed", filepath.Join(dir, "nope.json")}, 1, "simulator: open " + filepath.Join(dir, "nope.json") + ": no such file or directory\n"},
		{[]string{"-state", stateEmpty}, 1, "simulator: " + stateEmpty + ": the file is empty, want a state file written by the simulator"},
		{[]string{"-state", stateBad}, 1, "simulator: " + stateBad + `: users[0] ("a"): ID "bad" is not a User ID`},
		{[]string{"-state", orgFile}, 1, "simulator: " + orgFile + " is not a simulator state file: it looks like an organization file (orgsync's), not a state the simulator wrote" + advice},
		{[]string{"-state", otherKind}, 1, "simulator: " + otherKind + ` is not a simulator state file: its kind is "wandb-org", not "wandb-simulator-state"` + advice},
		{[]string{"-state", otherJSON}, 1, "simulator: " + otherJSON + ` is not a simulator state file: a JSON object without "kind": "wandb-simulator-state"` + advice},
		{[]string{"-state", csvFile}, 1, "simulator: " + csvFile + " is not a simulator state file, not even a JSON object (1:1: invalid character 'e' looking for beginning of value)" + advice},
		{[]string{"-state", good}, 1, "simulator: " + good + " holds a MultiTenant organization, not a Dedicated one: run with -flavor multitenant"},
		{[]string{"-state", filepath.Join(dir, "no-such-dir", "sim-state.json")}, 1, "simulator: creating the state file: open " + filepath.Join(dir, "no-such-dir")},
	} {
		r := exampletest.RunMain(t, "simulator", append([]string{"-addr", "127.0.0.1:0"}, tt.args...), command)
		if r.Code != tt.wantCode || !strings.HasPrefix(r.Stderr, tt.want) || r.Stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and %q", tt.args, r.Code, r.Stdout, r.Stderr, tt.wantCode, tt.want)
		}
	}
}

// TestServe runs the simulator in-process with faults and the legacy
// shapes, and stops it by cancelling its context.
func TestServe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		c, err := parse([]string{"-addr", "127.0.0.1:0", "-flavor", "multi-tenant", "-legacy-emails",
			"-fail-first", "1", "-fail-status", "429", "-retry-after", "0", "-v"}, io.Discard)
		if err != nil {
			done <- err
			return
		}
		done <- run(ctx, stdoutW, &stderr, c)
		stdoutW.Close()
	}()
	sc := bufio.NewScanner(stdoutR)
	var env []string
	for len(env) < 2 && sc.Scan() {
		env = append(env, sc.Text())
	}
	go io.Copy(io.Discard, stdoutR)
	baseURL, ok := strings.CutPrefix(env[0], "export WANDB_BASE_URL=")
	if !ok || env[1] != "export WANDB_API_KEY="+scimtest.DefaultAPIKey {
		t.Fatalf("exports %q", env)
	}
	client, err := scim.NewClient(scim.WithBaseURL(baseURL), scim.WithAPIKey(scimtest.DefaultAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	// The first request gets the injected 429 and the client retries it.
	if _, err := users.New(client).FindByUserName(context.Background(), "admin"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	log := stderr.String()
	lines := slices.DeleteFunc(strings.Split(log, "\n"), func(l string) bool { return !strings.HasPrefix(l, "GET ") })
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "GET /scim/Users 429 ") || !strings.HasPrefix(lines[1], "GET /scim/Users 200 ") {
		t.Errorf("request log %q, want a 429 then a 200", lines)
	}
	for _, want := range []string{"W&B simulator (MultiTenant) listening on " + baseURL + ": 1 user, 0 teams, 0 custom roles.",
		"Organization: in memory only", "Stopped.\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "Warning") {
		t.Errorf("a warning for a loopback address:\n%s", log)
	}
}

// TestLoopback: only addresses that other machines cannot reach pass
// without the simulator's warning.
func TestLoopback(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.1.2.3:0": true, "[::1]:8080": true, "localhost:8080": true, "LOCALHOST:1": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "192.168.1.5:8080": false,
		"example.com:8080": false, "no-port": false,
	} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestSaver: the newest snapshot wins whatever order they come in, and a
// failed save is reported and kept until one succeeds.
func TestSaver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "sim-state.json")
	var log bytes.Buffer
	s := &saver{file: file, log: &log, saved: -1}
	st := scimtest.Start(t, scimtest.Options{}).State()
	for _, rev := range []int{3, 1, 2} {
		x := *st
		x.Revision = rev
		s.save(&x)
	}
	if got, err := loadState(file); err != nil || got.Revision != 3 {
		t.Fatalf("the file holds revision %v (%v), want 3", got, err)
	}

	// A directory where the file should be: the save fails, even for
	// root. The failure is reported, the temporary file removed, and the
	// error kept until a save succeeds.
	log.Reset()
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	b := &saver{file: blocked, log: &log, saved: -1}
	b.save(st)
	if b.Err() == nil || !strings.HasPrefix(log.String(), "simulator: saving the state: "+blocked+" is a directory\n") {
		t.Errorf("log %q, err %v; want the failed save", log.String(), b.Err())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files beside the state: %v, want sim-state.json and blocked", entries)
	}
	if err := os.RemoveAll(blocked); err != nil {
		t.Fatal(err)
	}
	x := *st
	x.Revision = 1
	b.save(&x)
	if b.Err() != nil {
		t.Errorf("a later save succeeded, yet Err = %v", b.Err())
	}

	// A file that appears where a new state file is to be made is not
	// replaced.
	mine := filepath.Join(dir, "mine.json")
	if err := os.WriteFile(mine, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := &saver{file: mine, log: io.Discard, saved: -1}
	if err := n.write(st); !errors.Is(err, exampleenv.ErrExists) || !strings.Contains(err.Error(), mine+" was made by someone else") ||
		strings.Contains(err.Error(), "-force") {
		t.Errorf("saving over a file the simulator did not make: %v, want ErrExists, saying so without -force", err)
	}
	if data, _ := os.ReadFile(mine); string(data) != "not yours" {
		t.Errorf("the file was replaced: %q", data)
	}
}

// TestSeedFitsTheProvisionSample: the sample seed holds every team and
// custom role the provision example's sample CSV names, as the README's
// walk-through needs.
func TestSeedFitsTheProvisionSample(t *testing.T) {
	t.Parallel()
	var opts scimtest.Options
	if err := loadSeed("seed.json", &opts); err != nil {
		t.Fatal(err)
	}
	srv := scimtest.Start(t, opts)
	csvData, err := os.ReadFile("../provision/users.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csvData)), "\n")
	if lines[0] != "email,username,teams,role,seat" {
		t.Fatalf("the provision sample's header changed: %q", lines[0])
	}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		for _, team := range strings.Split(f[2], ";") {
			if _, ok := srv.Team(team); team != "" && !ok {
				t.Errorf("the seed has no team %q, which the provision sample names", team)
			}
		}
		if role := f[3]; role != "" && role != "admin" && role != "member" && role != "viewer" {
			if _, ok := srv.Role(role); !ok {
				t.Errorf("the seed has no custom role %q, which the provision sample names", role)
			}
		}
		if _, ok := srv.User(f[0]); ok {
			t.Errorf("the seed already holds %s, so provision's first run would not create it", f[0])
		}
	}
}

// TestReadmeKeepsFilesApart: the README never gives the simulator's -state
// the name of a file another command writes or reads (an organization file
// of -export or -file, a plan of -out): the walk-through must not teach
// overwriting the running simulator's state.
func TestReadmeKeepsFilesApart(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	args := func(flag string) map[string]bool {
		out := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?:^|[\s\[])-`+flag+`[ =]([^\s\x60\]\)]+)`).FindAllStringSubmatch(readme, -1) {
			out[m[1]] = true
		}
		return out
	}
	states := args("state")
	if !states["sim-state.json"] {
		t.Errorf("the README's walk-through does not run the simulator with -state sim-state.json (found %v)", states)
	}
	for _, flag := range []string{"export", "file", "out", "plan", "seed"} {
		for name := range args(flag) {
			if states[name] {
				t.Errorf("the README uses %s both as the simulator's -state and as -%s", name, flag)
			}
		}
	}
	if !strings.HasPrefix(readme, "# go-wandb/identity\n\n```sh\ngo run ./examples/quickstart ") || !strings.Contains(readme, "\ngo test ./...  ") {
		t.Errorf("the README's first commands changed:\n%.200s", readme)
	}
}
