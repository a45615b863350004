package orgsync

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/go-wandb/identity/scim"
)

// requestIDHeaders are the headers a reply's request ID may come in, first
// match wins: the common X-Request-Id, and those of the cloud gateways in
// front of W&B deployments.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Cloud-Trace-Context"}

// requestID returns the request ID a reply's header carries, or "".
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// ridBox holds the request ID of the last reply of one change.
type ridBox struct {
	mu sync.Mutex
	id string
}

func (b *ridBox) set(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.id = id
}

func (b *ridBox) get() string {
	if b == nil {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.id
}

type ridKey struct{}

// withRequestIDs returns a context whose changes record the request ID of
// their replies in the returned box.
func withRequestIDs(ctx context.Context) (context.Context, *ridBox) {
	b := &ridBox{}
	return context.WithValue(ctx, ridKey{}, b), b
}

// rid is the request option that records a write's reply's request ID in
// the box of ctx.
func rid(ctx context.Context) scim.RequestOption {
	b := ridFrom(ctx)
	return scim.OnResponse(func(r *scim.Response) {
		if b != nil && r != nil && r.Response != nil {
			if id := requestID(r.Header); id != "" {
				b.set(id)
			}
		}
	})
}

// requestIDOf returns the request ID of the change that ended with err: the
// box's, else that of the reply an error carries.
func requestIDOf(b *ridBox, err error) string {
	if id := b.get(); id != "" {
		return id
	}
	var se *scim.Error
	if errors.As(err, &se) && se.Response != nil {
		return requestID(se.Response.Header)
	}
	return ""
}

// ridFrom returns the box of ctx (nil for none).
func ridFrom(ctx context.Context) *ridBox {
	b, _ := ctx.Value(ridKey{}).(*ridBox)
	return b
}

// setRequestID records the request ID of the result at index, for the
// journal.
func (a *applier) setRequestID(index int, id string) {
	if id == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requestIDs[index] = id
}
