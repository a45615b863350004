package scim

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/clip"
)

// Log records. Every record names the request by method and path only: never
// its query string (a filter holds email addresses), its body or a
// credential.
//
//   - Debug "scim request": one per attempt (method, path, status, attempt,
//     duration, and the error when no reply came).
//   - Info "scim retry": an attempt failed and another follows after wait
//     (method, path, status, attempt, wait, error); "scim rate limited" instead
//     when the reply was 429.
//   - Info "scim giving up": the last allowed attempt failed (method, path,
//     status, attempts, error).
//   - Info "scim paced": WithRateLimit holds an attempt back (method, path,
//     attempt, wait).
//   - Info "scim outcome resolved": a change whose reply was lost, or whose
//     retry failed with a reply the earlier attempt explains, was read back
//     (method, path, status, done, and the error of reading, if any).

// logAttempt writes the Debug record of one attempt.
func (c *Client) logAttempt(ctx context.Context, req *http.Request, attempt, status int, d time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", c.logPath(req)),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.logError(req, err)))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "scim request", attrs...)
}

// logRetry writes the Info record of a wait before another attempt.
func (c *Client) logRetry(ctx context.Context, req *http.Request, attempt, status int, wait time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	msg := "scim retry"
	if status == http.StatusTooManyRequests {
		msg = "scim rate limited"
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, msg,
		slog.String("method", req.Method),
		slog.String("path", c.logPath(req)),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
		slog.String("error", c.logError(req, err)),
	)
}

// logPacing writes the Info record of a wait for the rate limit.
func (c *Client) logPacing(ctx context.Context, req *http.Request, attempt int, wait time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "scim paced",
		slog.String("method", req.Method),
		slog.String("path", c.logPath(req)),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
	)
}

// logResolved writes the Info record of a change whose outcome was read back.
func (c *Client) logResolved(ctx context.Context, req *http.Request, status int, done bool, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", c.logPath(req)),
		slog.Int("status", status),
		slog.Bool("done", done),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.logError(req, err)))
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "scim outcome resolved", attrs...)
}

// logGiveUp writes the Info record of a request that failed after retries.
func (c *Client) logGiveUp(ctx context.Context, req *http.Request, attempts, status int, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "scim giving up",
		slog.String("method", req.Method),
		slog.String("path", c.logPath(req)),
		slog.Int("status", status),
		slog.Int("attempts", attempts),
		slog.String("error", c.logError(req, err)),
	)
}

// logPath is the request's path, bounded, without its query.
func (c *Client) logPath(req *http.Request) string {
	return clip.String(req.URL.EscapedPath(), maxQuoted)
}

// logError is err's text for a record: without req's query string (errors
// quote the request URL), redacted and bounded.
func (c *Client) logError(req *http.Request, err error) string {
	s := err.Error()
	if q := req.URL.RawQuery; q != "" {
		s = strings.ReplaceAll(s, "?"+c.redactor.String(q), "")
		s = strings.ReplaceAll(s, "?"+q, "")
	}
	return clip.String(c.redactor.String(s), maxErrorText)
}
