package scim_test

import (
	"context"

	"github.com/go-wandb/identity/scim"
)

// call builds a request with NewRequest and sends it with Do, decoding the
// reply into v: the whole path of one call through the client.
func call(c *scim.Client, ctx context.Context, method, path string, body, v any, opts ...scim.RequestOption) (*scim.Response, error) {
	req, err := c.NewRequest(ctx, method, path, body, opts...)
	if err != nil {
		return nil, err
	}
	return c.Do(req, v)
}
