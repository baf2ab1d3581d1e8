# Agency client image: the bundled program only (dist/client.js and dist/client.cjs, built by
# `npm run build`). Built by `npm run images` (harness/images), whose build context holds this
# file as `Dockerfile` plus `client.js` and `client.cjs`. BASE_IMAGE is any image with `node`
# (20+) on PATH; offline, the builder passes tp0-node-base:local (host node + its libraries, no
# shell), so this file's one RUN step is in exec form.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
LABEL tp0.project=tp0 tp0.role=client
# The YAML config is mounted here at run time (config/client.yaml in the repository);
# the agency's bets are mounted at /data/agency-<id>.csv.
ENV CLI_CONFIG=/config/config.yaml
WORKDIR /app
# client.js runs as any script (`node /app/client.js`); the image starts from a V8 startup
# snapshot of the same program, built here by this image's own node: its modules are loaded
# and compiled once, at build time, not in every container. A snapshot only loads into a node
# with the V8 flags it was built with: the flags of RUN and CMD must be the same. One V8 platform
# worker and the GC on the main thread: 10 ms less CPU per start (a client's run of 2,000 bets
# natively, medians of 9: 110 -> 100 ms), the same CPU at 20x (2.26 -> 2.25 / 2.31 s for five).
COPY client.js client.cjs /app/
RUN ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "--single-threaded-gc", "--snapshot-blob", "/app/client.blob", "--build-snapshot", "/app/client.cjs"]
# Exec form and no entrypoint script: node is PID 1 and gets `docker stop`'s SIGTERM itself.
ENTRYPOINT []
CMD ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "--single-threaded-gc", "--snapshot-blob", "/app/client.blob"]
