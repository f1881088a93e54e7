// Runtime for the golang-http template: an HTTP server, standard library only, that hands
// every request to function.Handle. The of-watchdog (mode=http) starts it once and forwards
// requests to it; `faas local-run` starts it directly.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"handler/function"
)

func main() {
	port := os.Getenv("http_port")
	if port == "" {
		port = "8082"
	}
	writeTimeout := envDuration("write_timeout", 10*time.Second)

	server := &http.Server{
		Addr:           "127.0.0.1:" + port,
		Handler:        http.HandlerFunc(function.Handle),
		ReadTimeout:    envDuration("read_timeout", 10*time.Second),
		WriteTimeout:   writeTimeout,
		MaxHeaderBytes: 1 << 20,
	}

	stopped := make(chan struct{})
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
		<-signals
		// finish the requests in flight, then exit
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		if err := server.Shutdown(ctx); err != nil {
			log.Printf("shutdown: %v", err)
		}
		close(stopped)
	}()

	log.Printf("golang-http function listening on %s", server.Addr)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	<-stopped
}

// envDuration reads a watchdog-style duration: whole seconds ("10") or a Go duration ("1m30s").
func envDuration(name string, fallback time.Duration) time.Duration {
	value := os.Getenv(name)
	if value == "" {
		return fallback
	}
	if seconds, err := strconv.Atoi(value); err == nil {
		return time.Duration(seconds) * time.Second
	}
	if d, err := time.ParseDuration(value); err == nil {
		return d
	}
	return fallback
}
