# syntax=docker/dockerfile:1
#
# aspaudit container image: a static Go binary on Alpine (for the shell-less
# healthcheck's wget), running as an unprivileged user.
#
#   docker build -t aspaudit .                      # the aspaudit image
#   docker build --target atlas-fake -t atlas-fake .  # the Atlas API fake (demo)

ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.22

FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/aspaudit ./cmd/aspaudit && \
    go build -trimpath -ldflags="-s -w" -o /out/atlas-fake ./cmd/atlas-fake

FROM alpine:${ALPINE_VERSION} AS base
RUN apk add --no-cache ca-certificates tzdata && \
    addgroup -S -g 10001 aspaudit && \
    adduser -S -D -H -u 10001 -G aspaudit -h /var/lib/aspaudit aspaudit && \
    install -d -o aspaudit -g aspaudit -m 0700 /var/lib/aspaudit
WORKDIR /var/lib/aspaudit
USER 10001:10001

FROM base AS atlas-fake
COPY --from=build /out/atlas-fake /usr/local/bin/atlas-fake
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/atlas-fake"]

# The default target comes last.
FROM base AS aspaudit
COPY --from=build /out/aspaudit /usr/local/bin/aspaudit
# Checkpoints and dead letters live under the working directory: mount a
# volume here so that a restarted container resumes where it stopped.
VOLUME ["/var/lib/aspaudit"]
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/aspaudit"]
CMD ["run", "--listen", ":9090"]
