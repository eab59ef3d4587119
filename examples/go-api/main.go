// go-api: a tiny JSON HTTP service using only the standard library.
//
//	go-api               prints the answer for "/" and exits
//	go-api --port N      serves HTTP on port N
//	go-api --self-check  serves on a loopback port, asks itself for /health and prints the reply
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
)

// answer is the JSON body for a request path.
func answer(path string) map[string]any {
	return map[string]any{"service": "go-api", "path": path, "go": runtime.Version(), "uid": os.Getuid()}
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer(r.URL.Path))
	})
	return mux
}

func selfCheck() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(ln, handler()) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/health")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Printf("%d %s", resp.StatusCode, body)
	return nil
}

func main() {
	switch {
	case len(os.Args) > 2 && os.Args[1] == "--port":
		fmt.Println("go-api listening on", os.Args[2])
		if err := http.ListenAndServe(":"+os.Args[2], handler()); err != nil {
			fmt.Fprintln(os.Stderr, "go-api:", err)
			os.Exit(1)
		}
	case len(os.Args) > 1 && os.Args[1] == "--self-check":
		if err := selfCheck(); err != nil {
			fmt.Fprintln(os.Stderr, "go-api:", err)
			os.Exit(1)
		}
	default:
		_ = json.NewEncoder(os.Stdout).Encode(answer("/"))
	}
}
