#!/usr/bin/env bash
# Which aws-cdk-lib is the lowest that cdk-kms-guard can support? For each version given (default: 2.257.0 2.258.0),
# installs it with constructs and cdk-nag 3 into a temporary directory and runs probe.js, which prints whether a
# validation plugin sees the construct tree (ctx.appConstruct) and whether a cdk-nag v3 pack reports a finding.
# Needs the npm registry; takes a minute or two. See docs/decisions.md, "Minimum versions".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(2.257.0 2.258.0)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for v in "${versions[@]}"; do
  dir="$work/aws-cdk-lib-$v"
  mkdir -p "$dir"
  cp "$here/probe.js" "$dir/"
  (cd "$dir" && echo '{"private":true}' > package.json \
    && npm install --no-audit --no-fund --silent "aws-cdk-lib@$v" constructs@10.5.1 cdk-nag@3.0.2 >/dev/null 2>&1 \
    && { NODE_ENV=production node probe.js 2>/dev/null || true; } | sed -n 's/^PROBE //p')
done
