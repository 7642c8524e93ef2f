import { awscdk, javascript } from 'projen';

// Lowest aws-cdk-lib whose validation plugins receive the construct tree (ctx.appConstruct) and on which
// cdk-nag 3 packs run: 2.258.0 (see docs/decisions.md, "Minimum versions").
const MIN_CDK = '2.258.0';
const MIN_CONSTRUCTS = '10.5.1';
const MIN_CDK_NAG = '3.0.2';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kms-guard',
  description:
    'Guarded AWS KMS keys for the AWS CDK: declare who may use a key, get consistent key, IAM and VPC endpoint policies, and an offline evaluator that decides KMS requests as AWS does.',
  author: 'cdk-kms-guard maintainers',
  authorAddress: 'maintainers@cdk-kms-guard.dev',
  repositoryUrl: 'https://github.com/cdk-kms-guard/cdk-kms-guard.git',
  license: 'Apache-2.0',
  keywords: ['aws-cdk', 'cdk', 'kms', 'iam', 'key-policy', 'vpc-endpoint', 'policy-evaluation', 'cdk-nag', 'security'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',

  cdkVersion: MIN_CDK,
  constructsVersion: MIN_CONSTRUCTS,
  peerDeps: [`cdk-nag@^${MIN_CDK_NAG}`],
  devDeps: [
    `cdk-nag@${MIN_CDK_NAG}`, 'fast-check@^4', 'aws-cdk@^2.1148.1', '@types/node@^26.6.6',
    // The access map's browser test drives Debian's Chromium (scripts/install-chromium.sh); playwright-core downloads no browser.
    'playwright-core@^1.65.1',
    // The SARIF report is validated against the SARIF 2.1.0 JSON schema in the tests.
    'ajv@^8.20.0', 'ajv-formats@^3.0.1',
    // Mutation testing (npx projen mutate); 9.6 is the last line that runs on Node 20.
    '@stryker-mutator/core@~9.6.1', '@stryker-mutator/jest-runner@~9.6.1',
  ],

  bin: { 'kms-guard': 'lib/cli/main.js' },

  // Other language targets stay configured; CI (CI=true) builds and packages the JS package only.
  publishToPypi: { distName: 'cdk-kms-guard', module: 'cdk_kms_guard' },
  publishToMaven: {
    javaPackage: 'dev.cdkkmsguard',
    mavenGroupId: 'dev.cdk-kms-guard',
    mavenArtifactId: 'cdk-kms-guard',
  },
  publishToNuget: { dotNetNamespace: 'CdkKmsGuard', packageId: 'CdkKmsGuard' },
  publishToGo: { moduleName: 'github.com/cdk-kms-guard/cdk-kms-guard-go' },

  sampleCode: false,
  jestOptions: {
    // CI must fail on snapshot drift instead of rewriting the snapshots.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // scripts/test-latest-cdk/ has its own test and snapshots, run only by test:latest-cdk.
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/', '/scripts/test-latest-cdk/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },
  gitignore: ['/bench-results/', '/cdk.out/', '*.tsbuildinfo', '/reports/', '.stryker-tmp/'],
});

// jsii 6 needs Node 20.16 or later (and warns on 20, end-of-life: README "Node.js versions"). Set as an engine only:
// projen's minNodeVersion would also pin the workflows and @types/node to 20.
project.package.addEngine('node', '>= 20.16.0');

// The npm package carries the library, its docs (README links to them) and nothing of CI, tests, benchmarks or
// mutation testing.
for (const ignored of ['/bench/', '/scripts/', '/examples/', '/bench-results/', '/.ci/', '/reports/', '/stryker.config.mjs']) {
  project.addPackageIgnore(ignored);
}

// The pure layers import nothing from the CDK: they run in the CLI, in benchmarks and in any JS runtime.
project.eslint?.addOverride({
  files: [
    'src/policy/**/*.ts', 'src/evaluator/**/*.ts', 'src/app-model/**/*.ts', 'src/builders/**/*.ts', 'src/analysis/**/*.ts', 'src/intent/**/*.ts',
    'src/rules/**/*.ts', 'src/report/**/*.ts', 'src/cli/**/*.ts',
  ],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'src/policy, src/evaluator, src/app-model, src/builders, src/analysis, src/intent, src/rules, src/report and src/cli are pure: no CDK imports.' },
        ],
      },
    ],
  },
});

// The access map's browser test needs Debian's Chromium: the test task installs it first where it can (as root with
// apt-get; in CI it must, elsewhere the browser test is skipped with a warning).
project.testTask.prependExec('bash scripts/install-chromium.sh');

project.addTask('bench', {
  description: 'Benchmark the evaluator: decisions per second (raw and compiled) and heap bytes per compiled policy',
  // --expose-gc: the heap-per-compiled-scenario figure is meaningless without a collection before and after.
  exec: 'node --expose-gc -r ts-node/register/transpile-only bench/evaluator.bench.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});

project.addTask('bench:compare', {
  description: 'Compare the evaluator of the work tree with that of a commit (argument, default HEAD), in paired rounds',
  exec: 'node -r ts-node/register/transpile-only bench/compare.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
  receiveArgs: true,
});

project.addTask('bench:policy-size', {
  description: 'Print how large a GuardedKmsKey policy grows with the app (statements, bytes; argument: another src/ to compare)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/key-policy-size.ts',
  receiveArgs: true,
});

project.addTask('bench:validation', {
  description: 'Synth-time validation benchmark: whole-process synth with no validation, KmsGuardAspect, self-validation and AwsSolutionsChecks',
  exec: 'node -r ts-node/register/transpile-only bench/validation.bench.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});

project.addTask('bench:report', {
  description: 'kms-guard report on generated apps of 10, 100 and 1,000 keys: time and peak memory, beside the old summarize',
  exec: 'node --expose-gc -r ts-node/register/transpile-only bench/report.bench.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});

project.addTask('mutate', {
  description: 'Mutation testing of the pure layers (StrykerJS; slow, not part of test). MUTATE_AREA=policy|evaluator|conditions|corpus|builders|rules|analysis for one area, MUTATE_TESTS=<test files> to narrow the tests, MUTATE_REPORT=<name> for a part run; reports in reports/mutation/ (docs/mutation-testing.md)',
  exec: 'stryker run stryker.config.mjs',
  receiveArgs: true,
});

project.addTask('rules:doc', {
  description: 'Regenerate docs/rules.md from the rule metadata (a test fails when it is stale)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/generate-rules-doc.ts > docs/rules.md',
});

project.addTask('catalogue', {
  description: 'Regenerate src/policy/catalogue-data.ts from the reference kms-actions.json (path as argument)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/generate-catalogue.ts',
  receiveArgs: true,
});

// The construct tests again on the latest aws-cdk-lib and constructs (`test` runs them on the minimum, which the dev
// dependencies pin), installed outside node_modules; the versions are pinned in the script (docs/decisions.md).
project.addTask('test:latest-cdk', {
  description: 'Run the construct tests on the latest aws-cdk-lib and constructs (pinned in scripts/test-latest-cdk/run.sh)',
  exec: 'bash scripts/test-latest-cdk/run.sh',
  receiveArgs: true,
});

// The example app, synthesized by the real CDK CLI, then who can use each key (kms-guard report) and the
// deploy-readiness check (which exits 1 on anything KMS or CloudFormation would reject at deploy time).
project.addTask('example', {
  description: 'Synthesize examples/app with the CDK CLI, print who can use each key, and check that it would deploy',
  cwd: 'examples/app',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  steps: [
    { exec: 'npx cdk synth --quiet --no-notices' },
    { exec: 'node ../../lib/cli/main.js report cdk.out' },
    { exec: 'node ../../lib/cli/main.js readiness cdk.out' },
  ],
});
project.gitignore.addPatterns('/examples/app/cdk.out/', '/examples/app/cdk.context.json');

project.synth();
