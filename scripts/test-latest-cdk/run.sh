#!/usr/bin/env bash
# The construct tests on the LATEST aws-cdk-lib and constructs (`npx projen test` runs them on the minimum, 2.258.0,
# which the dev dependencies pin). Users install the latest, so both must pass.
#
# How: installs aws-cdk-lib@$CDK_LATEST_VERSION and constructs@$CONSTRUCTS_LATEST_VERSION into a directory of their
# own ($CDK_LATEST_DIR, outside the project; package.json, package-lock.json and node_modules are left alone), then
# runs jest with the project's jest config (package.json "jest") plus a moduleNameMapper that sends every
# `aws-cdk-lib[/...]` and `constructs[/...]` require to that install. The mapper applies to every module jest loads,
# the tests, src/ and aws-cdk-lib's own require('constructs'), so each package exists once, in the latest version;
# scripts/test-latest-cdk/versions.test.ts asserts it (and prints the version that ran).
#
# Tests: test/constructs/, test/rules/ and test/validation/ (the tests that synthesize aws-cdk-lib apps) and
# versions.test.ts here. Not the others: test/cli and
# most of test/evaluator import no CDK code; test/scenarios.test.ts and two evaluator tests import src/index, which
# loads the constructs, but exercise only the pure evaluator (ESLint keeps CDK imports out of it).
#
# Snapshots: whole-template snapshots could legitimately differ between aws-cdk-lib versions. The choice: on the latest,
# a test is checked (with --ci: no snapshot is written, drift fails) against the MINIMUM's snapshots
# (test/**/__snapshots__/), so the library must generate the same templates on both versions, and any change that a new
# aws-cdk-lib makes to what users deploy fails CI until someone looks at it. On 2.258.0 and 2.276.0 the templates are
# identical. When a difference is understood and accepted, record a snapshot of the latest for that test file only:
# `npx projen test:latest-cdk -u test/constructs/FILE.test.ts` writes it to scripts/test-latest-cdk/__snapshots__/
# (snapshot-resolver.js; from then on that file is checked against it on the latest, still with --ci), and explain
# the difference in docs/decisions.md. -u never touches the minimum's snapshots (`npx projen test:update` does), and
# a recorded snapshot identical to the minimum's is deleted again: it would only be a second copy to keep up to date.
#
# Arguments are passed to jest (`-u` as above, `-t NAME`, a test path).
# Environment: CDK_LATEST_VERSION, CONSTRUCTS_LATEST_VERSION (the pins below), CDK_LATEST_DIR (the install directory;
# by default a cache under $TMPDIR reused when it holds exactly these versions).
# Needs only node, npm and the npm registry.
set -euo pipefail

# The pinned "latest" (npm view aws-cdk-lib version / npm view constructs version, 2026-11-30).
CDK_LATEST_VERSION="${CDK_LATEST_VERSION:-2.276.0}"
CONSTRUCTS_LATEST_VERSION="${CONSTRUCTS_LATEST_VERSION:-10.8.1}"

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
CDK_LATEST_DIR="${CDK_LATEST_DIR:-${TMPDIR:-/tmp}/cdk-kms-guard-latest-cdk/aws-cdk-lib-$CDK_LATEST_VERSION-constructs-$CONSTRUCTS_LATEST_VERSION}"
export CDK_LATEST_VERSION CONSTRUCTS_LATEST_VERSION CDK_LATEST_DIR

# The versions installed in a directory, "aws-cdk-lib@X constructs@Y", or nothing.
installed() {
  (cd "$CDK_LATEST_DIR" 2>/dev/null && node -e '
    const v = (p) => require(require("path").resolve("node_modules", p, "package.json")).version;
    console.log(`aws-cdk-lib@${v("aws-cdk-lib")} constructs@${v("constructs")}`);' 2>/dev/null) || true
}

wanted="aws-cdk-lib@$CDK_LATEST_VERSION constructs@$CONSTRUCTS_LATEST_VERSION"
if [ "$(installed)" != "$wanted" ]; then
  echo "test:latest-cdk: installing $wanted into $CDK_LATEST_DIR"
  rm -rf "$CDK_LATEST_DIR"
  mkdir -p "$CDK_LATEST_DIR"
  echo '{ "private": true, "description": "cdk-kms-guard: the latest aws-cdk-lib for scripts/test-latest-cdk/run.sh" }' > "$CDK_LATEST_DIR/package.json"
  (cd "$CDK_LATEST_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    "aws-cdk-lib@$CDK_LATEST_VERSION" "constructs@$CONSTRUCTS_LATEST_VERSION")
  [ "$(installed)" = "$wanted" ] || { echo "test:latest-cdk: install of $wanted into $CDK_LATEST_DIR failed" >&2; exit 1; }
  echo "test:latest-cdk: installed in ${SECONDS}s"
fi
echo "test:latest-cdk: $(installed) from $CDK_LATEST_DIR"

# The project's jest config plus the mapping to the latest install.
config="$(mktemp "${TMPDIR:-/tmp}/cdk-kms-guard-jest-latest-cdk.XXXXXX.json")"
trap 'rm -f "$config"' EXIT
node - "$root" "$CDK_LATEST_DIR" "$here" > "$config" <<'EOF'
const path = require('path');
const [root, dir, here] = process.argv.slice(2);
const base = require(path.join(root, 'package.json')).jest;
const modules = path.join(dir, 'node_modules');
console.log(JSON.stringify({
  ...base,
  rootDir: root,
  // The project's config ignores this directory (its test and snapshots are only for this run).
  testPathIgnorePatterns: (base.testPathIgnorePatterns ?? []).filter((p) => !p.includes('test-latest-cdk')),
  testMatch: ['<rootDir>/test/constructs/**/*.test.ts', '<rootDir>/test/rules/**/*.test.ts', '<rootDir>/test/validation/**/*.test.ts',
    '<rootDir>/scripts/test-latest-cdk/**/*.test.ts'],
  moduleNameMapper: {
    ...(base.moduleNameMapper ?? {}),
    '^aws-cdk-lib(/.*)?$': `${path.join(modules, 'aws-cdk-lib')}$1`,
    '^constructs(/.*)?$': `${path.join(modules, 'constructs')}$1`,
  },
  snapshotResolver: path.join(here, 'snapshot-resolver.js'),
  // Coverage is measured by `npx projen test`; the JUnit report goes next to that run's, not over it.
  collectCoverage: false,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-latest-cdk.xml' }]],
}, null, 2));
EOF

record=0
for arg in "$@"; do
  case "$arg" in -u | --updateSnapshot | --update-snapshot) record=1 ;; esac
done

cd "$root"
status=0
TEST_LATEST_CDK_RECORD="$record" npx jest --config "$config" --ci "$@" || status=$?

if [ "$record" = 1 ] && [ -d "$here/__snapshots__" ]; then
  # Keep only the recorded snapshots that differ from the minimum's.
  while IFS= read -r -d '' snap; do
    rel="${snap#"$here/__snapshots__/"}"
    minimum="$root/$(dirname "$rel")/__snapshots__/$(basename "$rel")"
    if cmp -s "$snap" "$minimum"; then
      rm -f "$snap"
      echo "test:latest-cdk: $rel is the same on aws-cdk-lib $CDK_LATEST_VERSION as on the minimum: not kept"
    else
      echo "test:latest-cdk: kept scripts/test-latest-cdk/__snapshots__/$rel (differs from the minimum's: explain it in docs/decisions.md)"
    fi
  done < <(find "$here/__snapshots__" -name '*.snap' -print0)
  find "$here/__snapshots__" -depth -type d -empty -delete
fi
echo "test:latest-cdk: aws-cdk-lib $CDK_LATEST_VERSION, constructs $CONSTRUCTS_LATEST_VERSION: $([ "$status" = 0 ] && echo passed || echo FAILED) (${SECONDS}s)"
exit "$status"
