# Agency client image: the bundled program only (dist/client.js, built by `npm run build`).
# Built by `npm run images` (harness/images), whose build context holds this file as
# `Dockerfile` plus `client.js`. BASE_IMAGE is any image with `node` (20+) on PATH; offline,
# the builder passes tp0-node-base:local (host node + its libraries, no shell), so this file
# uses no RUN step.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
LABEL tp0.project=tp0 tp0.role=client
# The YAML config is mounted here at run time (config/client.yaml in the repository);
# the agency's bets are mounted at /data/agency-<id>.csv.
ENV CLI_CONFIG=/config/config.yaml
WORKDIR /app
COPY client.js /app/client.js
# Exec form and no entrypoint script: node is PID 1 and gets `docker stop`'s SIGTERM itself.
ENTRYPOINT []
CMD ["node", "--max-semi-space-size=1", "/app/client.js"]
