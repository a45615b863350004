package scim

// Operation is one operation of a SCIM PATCH request. Path may be empty (a
// path-less replace, as W&B uses for "active"); Value is omitted when nil.
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// PatchOp is the body of a SCIM PATCH request.
type PatchOp struct {
	Schemas    []string    `json:"schemas"`
	Operations []Operation `json:"Operations"`
}

// NewPatchOp wraps ops in the PatchOp message envelope.
func NewPatchOp(ops ...Operation) PatchOp {
	return PatchOp{Schemas: []string{PatchOpSchema}, Operations: ops}
}

// Add returns an "add" operation.
func Add(path string, value any) Operation { return Operation{Op: "add", Path: path, Value: value} }

// Replace returns a "replace" operation; an empty path replaces attributes
// named in value, which must then be an object.
func Replace(path string, value any) Operation {
	return Operation{Op: "replace", Path: path, Value: value}
}

// Remove returns a "remove" operation without a value.
func Remove(path string) Operation { return Operation{Op: "remove", Path: path} }
