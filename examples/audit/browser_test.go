package main

import (
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampletest"
)

// headlessBrowser returns a headless Chromium on this machine, or "".
func headlessBrowser() string {
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The HTML report in a real browser, when one is installed (apt-get install
// chromium-headless-shell): the page loads with no script error and nothing
// logged by console.error, draws its three charts, and sorts the users
// table by a column when its header is clicked, numbers as numbers, and the
// other way on a second click.
func TestReportInBrowser(t *testing.T) {
	browser := headlessBrowser()
	if browser == "" || testing.Short() {
		t.Skip("no headless Chromium on this machine (or -short)")
	}
	exampletest.ClearEnv(t)
	page := runReport(t, config{format: "html", days: 90})

	// Record errors before the page's own script runs, and click after it.
	probe := `<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + e.message); });
var __consoleError = console.error;
console.error = function () { window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " ")); };
</script>`
	click := `<script>
(function () {
  var table = document.getElementById("users");
  var heads = table.tHead.rows[0].cells, col = -1;
  for (var i = 0; i !== heads.length; i++) { if (heads[i].textContent === "days_active") { col = i; } }
  var names = function () { return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[0].textContent; }).join(","); };
  heads[col].click();
  document.body.setAttribute("data-ascending", names());
  heads[col].click();
  document.body.setAttribute("data-descending", names());
  document.body.setAttribute("data-charts", String(document.querySelectorAll("svg").length));
  document.body.setAttribute("data-errors", window.__errors.join(" | "));
})();
</script>`
	page = strings.Replace(page, "<head>", "<head>\n"+probe, 1)
	page = strings.Replace(page, "</body>", click+"\n</body>", 1)
	file := filepath.Join(t.TempDir(), "audit.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://"+file)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", browser, err)
	}
	attr := func(name string) string {
		m := regexp.MustCompile(`<body[^>]*\s` + name + `="([^"]*)"`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("the page did not run its probe (no %s):\n%.2000s", name, out)
		}
		return html.UnescapeString(string(m[1]))
	}
	if e := attr("data-errors"); e != "" {
		t.Errorf("the page logged errors: %s", e)
	}
	if got := attr("data-charts"); got != "3" {
		t.Errorf("%s charts drawn, want 3", got)
	}
	// days_active: linus 0, katherine 3, alan 14, grace 60, margaret 90, ada 230, admin 412.
	if got, want := attr("data-ascending"), "linus,katherine,alan,grace,margaret,ada,admin"; got != want {
		t.Errorf("sorted ascending: %s, want %s", got, want)
	}
	if got, want := attr("data-descending"), "admin,ada,margaret,grace,alan,katherine,linus"; got != want {
		t.Errorf("sorted descending: %s, want %s", got, want)
	}
}
