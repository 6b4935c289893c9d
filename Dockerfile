# passk on a CUDA + vLLM base (docs/install.md): vLLM and its Python from the base image, Node added by
# passk's own bootstrap (the pinned official release, SHA-256 checked), passk built.
#   docker build -t passk .                      # --build-arg VLLM_IMAGE=… for another vLLM release
#   docker run --gpus all --ipc=host -v /data:/workspace -it passk \
#     bin/passk run --backend vllm --model Qwen/Qwen3-0.6B --gpus 1 --results-dir /workspace/results/demo
# The vllm backend sends `return_token_ids`, which vLLM accepts from 0.10.2 on.
ARG VLLM_IMAGE=vllm/vllm-openai:v0.11.0
FROM ${VLLM_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive
# make and curl for the bootstrap and the Makefile, redis-server for --queue redis:// on one box
# (optional); installed only if the base image lacks them.
RUN need=""; for p in make curl redis-server; do command -v "$p" >/dev/null || need="$need $p"; done; \
    if [ -n "$need" ]; then apt-get update && apt-get install -y --no-install-recommends ca-certificates $need \
      && rm -rf /var/lib/apt/lists/*; fi

WORKDIR /opt/passk
# Node: its own layer, rebuilt only when the pinned release changes. NODE_DIST_URL: a mirror.
ARG NODE_DIST_URL=
ENV PASSK_TOOLS_DIR=/opt/passk-tools
COPY scripts/node-bootstrap.sh scripts/
RUN NODE_DIST_URL="$NODE_DIST_URL" sh scripts/node-bootstrap.sh
ENV PATH=/opt/passk-tools/node/bin:$PATH

# npm dependencies: their own layer, rebuilt only when a package.json or the lockfile changes.
COPY Makefile package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/problems/package.json packages/problems/
COPY packages/evaluator/package.json packages/evaluator/
COPY packages/generator/package.json packages/generator/
COPY packages/report/package.json packages/report/
COPY packages/stats/package.json packages/stats/
COPY packages/combiner/package.json packages/combiner/
COPY packages/cli/package.json packages/cli/
RUN make install && npm cache clean --force

COPY . .
RUN make build

# Results and queues go under /workspace (a RunPod network volume mounts there); the model cache too.
ENV HF_HOME=/workspace/hf
# The base image's entrypoint starts a vLLM server; passk starts its own engines.
ENTRYPOINT []
# Keeps a pod up for its web terminal / SSH; `docker run … passk bin/passk …` runs a command instead.
CMD ["sleep", "infinity"]
