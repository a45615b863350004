package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// The hand-written twin: what a careful Go programmer writes without the SDK,
// with net/http and encoding/json, decoding the same fields into plain
// structs. It has no retries, no checks of what a reply holds, and no
// leniency: it is the floor the SDK is measured against.

type twinEmail struct {
	Value   string `json:"value"`
	Display string `json:"display"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type twinRole struct {
	TeamName     string `json:"teamName"`
	RegistryName string `json:"registryName"`
	RoleName     string `json:"roleName"`
}

type twinMeta struct {
	ResourceType string    `json:"resourceType"`
	Created      time.Time `json:"created"`
	LastModified time.Time `json:"lastModified"`
	Location     string    `json:"location"`
	Version      string    `json:"version"`
}

type twinUser struct {
	ID               string      `json:"id"`
	UserName         string      `json:"userName"`
	DisplayName      string      `json:"displayName"`
	Active           bool        `json:"active"`
	Emails           []twinEmail `json:"emails"`
	AccountType      string      `json:"accountType"`
	OrganizationRole string      `json:"organizationRole"`
	TeamRoles        []twinRole  `json:"teamRoles"`
	RegistryRoles    []twinRole  `json:"registryRoles"`
	ModelsSeat       string      `json:"modelsSeat"`
	WeaveRole        string      `json:"weaveRole"`
	Groups           []struct {
		Value   string `json:"value"`
		Display string `json:"display"`
	} `json:"groups"`
	DaysActive   int        `json:"daysActive"`
	LastActiveAt *time.Time `json:"lastActiveAt"`
	Meta         twinMeta   `json:"meta"`
	Schemas      []string   `json:"schemas"`
}

type twinPage struct {
	Resources    []twinUser `json:"Resources"`
	TotalResults int        `json:"totalResults"`
	StartIndex   int        `json:"startIndex"`
	ItemsPerPage int        `json:"itemsPerPage"`
}

// twin is the hand-written client.
type twin struct {
	hc   *http.Client
	root string // the SCIM root, e.g. http://127.0.0.1:1234/scim
}

func newTwin(root string) *twin {
	hc := cleanhttp.DefaultPooledClient()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	return &twin{hc: hc, root: root}
}

func (t *twin) do(ctx context.Context, method, path string, body any, v any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.root+"/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+serverKey)
	req.Header.Set("Accept", "application/scim+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (t *twin) get(ctx context.Context, id string) (*twinUser, error) {
	u := new(twinUser)
	return u, t.do(ctx, http.MethodGet, "Users/"+url.PathEscape(id), nil, u)
}

func (t *twin) patch(ctx context.Context, id string, body any) (*twinUser, error) {
	u := new(twinUser)
	return u, t.do(ctx, http.MethodPatch, "Users/"+url.PathEscape(id), body, u)
}

func (t *twin) create(ctx context.Context, body any) (*twinUser, error) {
	u := new(twinUser)
	return u, t.do(ctx, http.MethodPost, "Users", body, u)
}

func (t *twin) list(ctx context.Context, startIndex, count int) (*twinPage, error) {
	q := url.Values{}
	if startIndex > 0 {
		q.Set("startIndex", strconv.Itoa(startIndex))
	}
	if count > 0 {
		q.Set("count", strconv.Itoa(count))
	}
	path := "Users"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	p := new(twinPage)
	return p, t.do(ctx, http.MethodGet, path, nil, p)
}

// all walks every page of count users, calling fn for each user.
func (t *twin) all(ctx context.Context, count int, fn func(*twinUser)) error {
	seen, start := 0, 1
	for {
		p, err := t.list(ctx, start, count)
		if err != nil {
			return err
		}
		for i := range p.Resources {
			fn(&p.Resources[i])
		}
		seen += len(p.Resources)
		if len(p.Resources) == 0 || seen >= p.TotalResults {
			return nil
		}
		start += len(p.Resources)
	}
}
