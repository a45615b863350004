package scimtest

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// patchRequest is a SCIM PatchOp message.
type patchRequest struct {
	Schemas    []string         `json:"schemas"`
	Operations []patchOperation `json:"Operations"`
}

type patchOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// hasValue reports whether the operation carries a non-null value.
func (o patchOperation) hasValue() bool {
	v := strings.TrimSpace(string(o.Value))
	return v != "" && v != "null"
}

// parsePatch decodes and checks a PatchOp body: the PatchOp schema, at
// least one operation, and ops add, replace or remove (any case, returned
// lower-cased).
func parsePatch(body []byte) ([]patchOperation, error) {
	var p patchRequest
	if err := decodeBody(body, &p); err != nil {
		return nil, err
	}
	if !slices.Contains(p.Schemas, scim.PatchOpSchema) {
		return nil, badRequest("schemas must contain %s", scim.PatchOpSchema)
	}
	if len(p.Operations) == 0 {
		return nil, badRequest("Operations must not be empty")
	}
	for i := range p.Operations {
		op := &p.Operations[i]
		op.Op = strings.ToLower(strings.TrimSpace(op.Op))
		op.Path = strings.TrimSpace(op.Path)
		switch op.Op {
		case "add", "replace", "remove":
		default:
			return nil, badRequest("unsupported op %q: use add, replace or remove", op.Op)
		}
		if op.Path == "" && op.Op == "remove" {
			return nil, badRequest("a remove operation needs a path")
		}
	}
	return p.Operations, nil
}

// applyPathless applies a path-less operation, whose value must be an object,
// as one set(op, attribute, value) per attribute, in a stable order; it stops
// at the first error.
func applyPathless(op patchOperation, set func(op, attr string, value json.RawMessage) error) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(op.Value, &obj); err != nil || obj == nil {
		return badRequest("a %s operation without a path needs an object value", op.Op)
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if err := set(op.Op, k, obj[k]); err != nil {
			return err
		}
	}
	return nil
}

// parseBool reads a JSON boolean, or the strings "true"/"false" in any case
// (as Entra ID sends them).
func parseBool(raw json.RawMessage) (bool, bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(s) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// parseString reads a JSON string value.
func parseString(attr string, raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", badRequest("%s must be a string", attr)
	}
	return s, nil
}

// checkIfMatch enforces an If-Match header against a resource's version: a
// list of tags, weak or strong, or "*". A mismatch is a 412.
func checkIfMatch(h http.Header, version int) error {
	ifMatch := strings.TrimSpace(h.Get("If-Match"))
	if ifMatch == "" {
		return nil
	}
	current := strings.TrimPrefix(etag(version), "W/")
	for _, tag := range strings.Split(ifMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == current {
			return nil
		}
	}
	return newError(http.StatusPreconditionFailed, "resource has been modified: If-Match %s does not match the current ETag %s", ifMatch, etag(version))
}
