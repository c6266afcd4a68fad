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
ENTRYPOINT ["/selfcheck"]
CMD ["run"]
