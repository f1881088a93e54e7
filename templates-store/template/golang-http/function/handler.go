// Package function holds the code of an OpenFaaS function.
package function

import (
	"encoding/json"
	"io"
	"net/http"
)

type greeting struct {
	Message string `json:"message"`
	Method  string `json:"method"`
	Length  int    `json:"length"`
}

// Handle answers every request sent to the function, with the standard library's
// http.ResponseWriter and *http.Request. Secret("api-key") (secret.go) returns the value of a
// secret made with "faas secret create api-key" and listed under "secrets:" in stack.yaml.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(greeting{Message: "Hello, " + name + "!", Method: r.Method, Length: len(body)})
}
