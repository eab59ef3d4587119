// go-api: a tiny JSON HTTP service using only the standard library.
//
//	go-api               prints the answer for "/" and exits
//	go-api --port N      serves HTTP on port N
//	go-api --self-check  serves on a loopback port, asks itself for /health and prints the reply
//	go-api --trust       prints how many roots the system trust store holds (the CA bundle HTTPS clients use)
//	go-api --zone NAME   prints the time zone NAME at the Unix epoch (needs tzdata in the image)
//	go-api --fetch URL   GETs URL and prints the status and body (HTTPS verified with the system trust store)
package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
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
	return fetch("http://" + ln.Addr().String() + "/health")
}

// trust reports the system roots Go's TLS client would use.
func trust() error {
	pool, err := x509.SystemCertPool()
	if err != nil {
		return err
	}
	isrg := false
	for _, s := range pool.Subjects() { //nolint:staticcheck // only counting and naming roots
		isrg = isrg || bytes.Contains(s, []byte("ISRG Root X1"))
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"roots": len(pool.Subjects()), "isrg_root_x1": isrg})
}

// fetch GETs a URL with the default client: HTTPS servers are verified against the system roots.
func fetch(url string) error {
	resp, err := http.Get(url)
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
	case len(os.Args) > 1 && os.Args[1] == "--trust":
		if err := trust(); err != nil {
			fmt.Fprintln(os.Stderr, "go-api:", err)
			os.Exit(1)
		}
	case len(os.Args) > 2 && os.Args[1] == "--fetch":
		if err := fetch(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "go-api:", err)
			os.Exit(1)
		}
	case len(os.Args) > 2 && os.Args[1] == "--zone":
		loc, err := time.LoadLocation(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-api:", err)
			os.Exit(1)
		}
		fmt.Println(time.Unix(0, 0).In(loc).Format("2006-01-02T15:04:05 MST"))
	default:
		_ = json.NewEncoder(os.Stdout).Encode(answer("/"))
	}
}
