# A minimal apidiff image: the static (musl) binary and git, `apidiff` as the entrypoint.
#
#   docker build -t apidiff .
#   docker run --rm -v "$PWD:/repo" apidiff check --base origin/main
#
# The release workflow builds and publishes it for every version tag.
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev cmake make perl clang
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin apidiff \
 && cp target/release/apidiff /apidiff \
 && strip /apidiff

FROM alpine:3.22
RUN apk add --no-cache git ca-certificates \
 && git config --system --add safe.directory '*'
COPY --from=build /apidiff /usr/local/bin/apidiff
WORKDIR /repo
ENTRYPOINT ["apidiff"]
CMD ["--help"]
