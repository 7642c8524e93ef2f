// Jest snapshot resolver for `npx projen test:latest-cdk` (run.sh). On the latest aws-cdk-lib a test is checked
// against the snapshots of the minimum (test/**/__snapshots__/, those of `npx projen test`), unless a snapshot of its
// own for the latest exists in scripts/test-latest-cdk/__snapshots__/ (the test's path under the project root plus
// .snap), recorded with `npx projen test:latest-cdk -u PATH` (run.sh sets TEST_LATEST_CDK_RECORD=1, so that -u never
// rewrites the minimum's snapshots). See run.sh and docs/decisions.md, "Testing against the latest aws-cdk-lib".
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const own = path.join(__dirname, '__snapshots__');

const ownPath = (testPath, ext) => path.join(own, path.relative(root, testPath) + ext);
const minimumPath = (testPath, ext) => path.join(path.dirname(testPath), '__snapshots__', path.basename(testPath) + ext);

module.exports = {
  resolveSnapshotPath: (testPath, ext) => {
    const latest = ownPath(testPath, ext);
    return process.env.TEST_LATEST_CDK_RECORD === '1' || fs.existsSync(latest) ? latest : minimumPath(testPath, ext);
  },
  resolveTestPath: (snapshotPath, ext) => {
    const rel = path.relative(own, snapshotPath);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(root, rel.slice(0, -ext.length));
    return path.join(path.dirname(path.dirname(snapshotPath)), path.basename(snapshotPath, ext));
  },
  testPathForConsistencyCheck: path.join(root, 'test', 'constructs', 'example.test.ts'),
};
