package function

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandleGreetsTheNameFromTheQuery(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/?name=Ada", strings.NewReader("hi"))
	rec := httptest.NewRecorder()

	Handle(rec, req)

	if rec.Code != http.StatusOK {
		t.Fatalf("status: want %d, got %d", http.StatusOK, rec.Code)
	}
	var got greeting
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	want := greeting{Message: "Hello, Ada!", Method: http.MethodPost, Length: 2}
	if got != want {
		t.Fatalf("body: want %+v, got %+v", want, got)
	}
}

func TestHandleGreetsTheWorldByDefault(t *testing.T) {
	rec := httptest.NewRecorder()
	Handle(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	if !strings.Contains(rec.Body.String(), "Hello, world!") {
		t.Fatalf("body: %q", rec.Body.String())
	}
}
