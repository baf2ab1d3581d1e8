# Lottery server image: the bundled program only (dist/server.js, built by `npm run build`).
# Built by `npm run images` (harness/images), whose build context holds this file as
# `Dockerfile` plus `server.js`. BASE_IMAGE is any image with `node` (20+) on PATH; offline,
# the builder passes tp0-node-base:local (host node + its libraries, no shell), so this file
# uses no RUN step.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
LABEL tp0.project=tp0 tp0.role=server
# The INI config is mounted here at run time (config/server.ini in the repository).
ENV SERVER_CONFIG=/config/config.ini
# bets.csv goes to /output (SERVER_BETS_FILE in the config); usually a bind mount.
WORKDIR /output
WORKDIR /app
COPY server.js /app/server.js
EXPOSE 12345
# Small-process memory levers, measured with the PSS sampler of bench:docker (README, Benchmark:
# peak server PSS 70-72 -> 60 MiB at 20x, 60-61 -> 58-59 MiB at 1x; its anonymous part 32 ->
# 20-22 MiB at 20x), with no loss of ingest speed seen at 20x: glibc keeps at most 2 malloc arenas (not one per thread);
# V8's old space is capped at 16 MiB (the server's live heap is a few MiB: it streams bets.csv
# and keeps per-agency state only; a cap lets the heap grow less between collections); one V8
# platform worker instead of 4; the GC on the main thread (no helper threads and their arenas).
ENV MALLOC_ARENA_MAX=2
# Exec form and no entrypoint script: node is PID 1 and gets `docker stop`'s SIGTERM itself.
ENTRYPOINT []
CMD ["node", "--max-semi-space-size=1", "--max-old-space-size=16", "--v8-pool-size=1", "--single-threaded-gc", "/app/server.js"]
