# Build: a static binary, no C toolchain needed at run time.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/selfcheck ./cmd/selfcheck

# Run: distroless static image (CA certificates included), as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/selfcheck /selfcheck
USER nonroot:nonroot
# Distroless has no shell or curl: the binary asks its own /healthz (on
# LISTEN_ADDR). One-off commands (stats, qr, poster) end before it runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/selfcheck", "healthcheck"]
ENTRYPOINT ["/selfcheck"]
CMD ["run"]
