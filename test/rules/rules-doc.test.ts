import { readFileSync } from 'fs';
import { join } from 'path';
import { rulesMarkdown } from '../../scripts/generate-rules-doc';
import { ALL_RULES } from '../../src/rules';

describe('docs/rules.md', () => {
  test('is the output of scripts/generate-rules-doc.ts (regenerate it: ts-node --transpile-only --project test/tsconfig.json scripts/generate-rules-doc.ts > docs/rules.md)', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8')).toBe(rulesMarkdown());
  });

  test('has a section for every rule, where its docLink points', () => {
    const doc = rulesMarkdown();
    for (const r of ALL_RULES) {
      expect(doc).toContain(`\n## ${r.id}\n`);
      expect(r.docLink.endsWith(`#${r.id.toLowerCase()}`)).toBe(true);
    }
  });
});
