package main

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func TestAnswer(t *testing.T) {
	rec := httptest.NewRecorder()
	handler().ServeHTTP(rec, httptest.NewRequest("GET", "/hello", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["service"] != "go-api" || got["path"] != "/hello" {
		t.Fatalf("unexpected answer %v", got)
	}
}
