// Run by run.sh. Which aws-cdk-lib minimum does cdk-kms-guard need? Probes: (1) does a validation plugin's context carry the construct
// tree (ctx.appConstruct)? (2) does a cdk-nag v3 pack run and report a finding?
const cdk = require('aws-cdk-lib');
const kms = require('aws-cdk-lib/aws-kms');
const { Validations } = require('aws-cdk-lib');
const nag = require('cdk-nag');
const out = { awsCdkLib: require('aws-cdk-lib/package.json').version, cdkNag: require('cdk-nag/package.json').version };
const app = new cdk.App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'probe-out-')) });
const stack = new cdk.Stack(app, 'S');
new kms.Key(stack, 'K', { enableKeyRotation: false }); // AwsSolutions-KMS5 should flag this
const probe = {
  name: 'Probe',
  validate(ctx) {
    out.pluginCalled = true;
    out.appConstruct = ctx.appConstruct === undefined ? 'absent' : `present (${ctx.appConstruct.constructor?.name})`;
    return { success: true, violations: [] };
  },
};
try {
  Validations.of(app).addPlugins(probe, new nag.AwsSolutionsChecks(app));
} catch (e) { out.addPlugins = `threw: ${e.message}`; }
try {
  app.synth();
  out.synth = 'succeeded';
} catch (e) { out.synth = `threw: ${String(e.message).split('\n').filter((l) => /KMS5|error|Error|threw/i.test(l)).slice(0, 4).join(' | ')}`; }
const fs = require('fs');
// The report's file name changed between versions (policy-validation-report.json, validation-report.json).
for (const file of fs.readdirSync(app.outdir).filter((f) => f.endsWith('validation-report.json'))) {
  const text = fs.readFileSync(require('path').join(app.outdir, file), 'utf8');
  out.report = [...new Set(text.match(/AwsSolutions-[A-Z0-9]+|NagPack requires a construct tree|Rule threw an error/g) ?? [])];
}
// On a stable line of its own: synthesis may print the validation report, and may set a failing exit code.
console.log(`PROBE ${JSON.stringify(out)}`);
