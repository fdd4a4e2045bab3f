# fkvs in a container:
#   docker build -t fkvs .
#   docker run -p 6379:6379 fkvs          then: redis-cli ping
#
# Stage one builds with the same command the README gives (packaging/setup.sh,
# which CI runs too); stage two is Debian slim with the binaries and the
# shared libraries they load, running as an unprivileged user.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN packaging/setup.sh build

FROM debian:12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libhiredis0.14 liburing2 liblzf1 libmimalloc2.0 libspdlog1.10 libfmt9 libedit2 liblua5.1-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system fkvs \
    && useradd --system --gid fkvs --home-dir /data --no-create-home fkvs \
    && install -d -o fkvs -g fkvs -m 0750 /data
COPY --from=build /src/build/src/fkvs-server /src/build/src/tools/cli/fkvs-cli /usr/local/bin/
WORKDIR /data
VOLUME /data
USER fkvs
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["fkvs-cli", "ping"]
# As in Redis's official image: every interface of the container, protected
# mode off, since only the ports `docker run -p` publishes are reachable.
# Add --requirepass <password> to the command to require one.
CMD ["fkvs-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]
