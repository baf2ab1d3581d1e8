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
# Exec form and no entrypoint script: node is PID 1 and gets `docker stop`'s SIGTERM itself.
ENTRYPOINT []
CMD ["node", "--max-semi-space-size=1", "/app/server.js"]
