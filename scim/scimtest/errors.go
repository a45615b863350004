package scimtest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-wandb/identity/scim"
)

// apiError is a failure a handler reports; the server writes it as a SCIM
// error body: {"schemas":[Error URN],"detail":"…","status":"404"}.
type apiError struct {
	status   int
	scimType string // only set where the spec asks for one (invalidFilter)
	detail   string
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + ": " + e.detail }

func newError(status int, format string, args ...any) *apiError {
	return &apiError{status: status, detail: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return newError(http.StatusConflict, format, args...)
}

func invalidFilter(format string, args ...any) *apiError {
	e := badRequest(format, args...)
	e.scimType = "invalidFilter"
	return e
}

// errorBody is W&B's SCIM error message. Status is a JSON string, as W&B
// sends it; scimType is omitted unless set.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	Detail   string   `json:"detail"`
	ScimType string   `json:"scimType,omitempty"`
	Status   string   `json:"status"`
}

func (e *apiError) body() errorBody {
	return errorBody{
		Schemas:  []string{scim.ErrorSchema},
		Detail:   e.detail,
		ScimType: e.scimType,
		Status:   strconv.Itoa(e.status),
	}
}
