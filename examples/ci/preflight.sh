#!/usr/bin/env bash
# Preflight for the kestraform jobs of examples/ci/environments.yml: run it before any kestraform
# command that talks to Kestra, naming the stacks the job works on.
#
#   bash examples/ci/preflight.sh prod
#   bash examples/ci/preflight.sh dev staging prod
#
# It refuses (exit 1) the two set-ups under which kestraform in CI "works" and is still wrong:
#  - a stack whose state is a local file (.kestraform/state/<stack>.json, the default): a runner
#    starts empty and is thrown away, so every run would plan as if nothing had ever been applied,
#    and `destroy` of a preview would find no state and delete nothing ("No objects to
#    destroy.", exit 0) — the preview would be left behind. Keep the state in the Kestra the stack
#    deploys to: backend { type: 'kestra-kv', ... } (examples/ci/README.md shows the change).
#  - a stack whose URL variable (KESTRA_DEV_URL, ...) is empty — a missing secret or variable,
#    a pull request from a fork: kestraform would then start its embedded local server and
#    "apply" to it.
# It also refuses KESTRA_URL / KESTRA_TENANT / KESTRA_API_TOKEN / KESTRA_USERNAME / KESTRA_PASSWORD
# in the job's environment: when set they override the URL and credentials of *every* stack, so
# dev, staging and prod would all go to one Kestra.
# It prints names of variables only, never their values.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 STACK..." >&2
  exit 2
fi

for generic in KESTRA_URL KESTRA_TENANT KESTRA_API_TOKEN KESTRA_USERNAME KESTRA_PASSWORD; do
  if [ -n "${!generic:-}" ]; then
    echo "::error::$generic is set: it would override the Kestra of every stack (dev, staging and prod alike); set only the per-environment variables (KESTRA_DEV_URL, ...)"
    exit 1
  fi
done

args=()
for stack in "$@"; do args+=(--stack "$stack"); done
npx kestraform synth "${args[@]}" > /dev/null

for stack in "$@"; do
  file="cdktf.out/stacks/$stack/cdk.tf.json"
  backend=$(jq -r '.kestraform.backend.type' "$file")
  if [ "$backend" != "kestra-kv" ]; then
    echo "::error::stack $stack keeps its state in a local file ($backend backend), which this runner throws away at the end of the job: keep it in Kestra with backend { type: 'kestra-kv', namespace, key } (examples/ci/README.md)"
    exit 1
  fi
  url_env=$(jq -r '.kestraform.target.url_env // "KESTRA_URL"' "$file")
  if [ -z "${!url_env:-}" ]; then
    echo "::error::$url_env is not set for stack $stack: kestraform would use an embedded local Kestra server instead (set the repository or environment variable; pull requests from forks get no secrets)"
    exit 1
  fi
  echo "stack $stack: state in Kestra KV, Kestra from $url_env"
done
