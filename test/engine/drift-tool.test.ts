import { describe, expect, it } from 'vitest';
import { heldItems } from '../../src/engine/drift/index.js';
import { baseSurface, changed, codesAt, drift, expectHold, findingsWith, tool, type Editable } from './drift-support.js';

describe('drift of one tool against the approved baseline', () => {
  it('allows an unchanged surface without auto-approval', () => {
    const { report, verdict } = drift(baseSurface(), baseSurface());
    expect(verdict).toMatchObject({ decision: 'ALLOW', state: 'GREEN', autoApproved: false });
    expect(report).toMatchObject({ changed: false, severity: 'none', findings: [] });
    expect(report.items.every((i) => i.status === 'unchanged')).toBe(true);
  });

  it('holds a reworded description at medium', () => {
    const live = changed((s) => (tool(s, 'read_file').description = 'Reads any file on the disk and returns its text.'));
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['tool.description.changed', '/description']]);
    expect(report.findings[0]?.message).toContain('tool "read_file"');
    expect(heldItems(report).map((i) => i.key)).toEqual(['read_file']);
  });

  it('auto-approves a whitespace and Unicode-form change as cosmetic', () => {
    const live = changed((s) => (tool(s, 'read_file').description = '  Reads a file from the local\n workspace and returns its text. '));
    const { report, verdict } = drift(baseSurface(), live);
    expect(verdict).toMatchObject({ decision: 'ALLOW', state: 'GREEN', autoApproved: true });
    expect(report.severity).toBe('info');
    expect(report.findings).toEqual([expect.objectContaining({ code: 'cosmetic.text', severity: 'info', cosmetic: true, path: '/description' })]);
    expect(report.items.find((i) => i.key === 'read_file')?.status).toBe('cosmetic');
    expect(heldItems(report)).toEqual([]);
  });

  it('treats a fullwidth (NFKC-equal) title as cosmetic', () => {
    const live = changed((s) => (tool(s, 'read_file').title = 'Ｒｅａｄ file'));
    expect(drift(baseSurface(), live).verdict.autoApproved).toBe(true);
  });

  it('holds an optional parameter added at medium', () => {
    const live = changed((s) => (tool(s, 'read_file').inputSchema.properties.encoding = { type: 'string' }));
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['schema.param.added', '/inputSchema/properties/encoding']]);
  });

  it('holds a required parameter added at medium: rated by meaning, not shape', () => {
    const live = changed((s) => {
      const t = tool(s, 'read_file');
      t.inputSchema.properties.offset = { type: 'integer' };
      t.inputSchema.required.push('offset');
    });
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['schema.param.required-added', '/inputSchema/properties/offset']]);
    expect(report.findings[0]?.message).toBe('tool "read_file": parameter "offset" was added and is required');
  });

  it('holds a parameter removed from required at medium', () => {
    const live = changed((s) => (tool(s, 'read_file').inputSchema.required = []));
    const report = expectHold(live, 'medium');
    expect(report.findings).toEqual([expect.objectContaining({ code: 'schema.required.removed', path: '/inputSchema/required', before: ['path'], after: [] })]);
  });

  it.each(['api_key', 'token', 'accessToken', 'X-Auth'])('rates a sensitive parameter name %s added as high', (name) => {
    const live = changed((s) => (tool(s, 'read_file').inputSchema.properties[name] = { type: 'string' }));
    const report = expectHold(live, 'high');
    expect(codesAt(findingsWith(report, 'schema.param.sensitive-added'))).toEqual([['schema.param.sensitive-added', `/inputSchema/properties/${name}`]]);
  });

  it('does not take max_tokens or author for a secret', () => {
    const live = changed((s) => {
      tool(s, 'read_file').inputSchema.properties.max_tokens = { type: 'integer' };
      tool(s, 'read_file').inputSchema.properties.author = { type: 'string' };
    });
    expect(findingsWith(drift(baseSurface(), live).report, 'schema.param.sensitive-added')).toEqual([]);
  });

  it('rates an enum widened deep inside nested properties as medium, naming the new values', () => {
    const live = changed((s) => tool(s, 'search_files').inputSchema.properties.options.properties.mode.enum.push('shell'));
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['schema.enum.widened', '/inputSchema/properties/options/properties/mode/enum']]);
    expect(report.findings[0]?.message).toContain('parameter "options.mode" accepts new values ["shell"]');
  });

  it('rates an enum widened inside array items as medium', () => {
    const live = changed((s) => tool(s, 'search_files').inputSchema.properties.options.properties.extensions.items.enum.push('env'));
    const { report } = drift(baseSurface(), live);
    expect(codesAt(report.findings)).toEqual([['schema.enum.widened', '/inputSchema/properties/options/properties/extensions/items/enum']]);
    expect(report.severity).toBe('medium');
  });

  it('rates an enum removed altogether as widened', () => {
    const live = changed((s) => delete tool(s, 'search_files').inputSchema.properties.options.properties.mode.enum);
    expect(codesAt(drift(baseSurface(), live).report.findings)).toEqual([['schema.enum.widened', '/inputSchema/properties/options/properties/mode/enum']]);
  });

  it.each([
    ['maxLength raised', (q: Editable) => (q.maxLength = 100_000), 'schema.bound.relaxed', '/inputSchema/properties/query/maxLength'],
    ['minLength removed', (q: Editable) => delete q.minLength, 'schema.bound.relaxed', '/inputSchema/properties/query/minLength'],
    ['pattern removed', (q: Editable) => delete q.pattern, 'schema.pattern.removed', '/inputSchema/properties/query/pattern'],
    ['type changed', (q: Editable) => (q.type = ['string', 'object']), 'schema.type.changed', '/inputSchema/properties/query/type'],
  ])('holds a %s on a parameter at medium', (_name, edit, code, path) => {
    const live = changed((s) => edit(tool(s, 'search_files').inputSchema.properties.query));
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([[code, path]]);
  });

  it('rates a tightened bound low but still holds it', () => {
    const live = changed((s) => (tool(s, 'search_files').inputSchema.properties.limit.maximum = 50));
    const { report, verdict } = drift(baseSurface(), live);
    expect(verdict.decision).toBe('HOLD');
    expect(report.findings).toEqual([expect.objectContaining({ code: 'schema.bound.tightened', severity: 'low' })]);
  });

  it.each([
    ['true', true],
    ['absent', undefined],
    ['a schema', { type: 'string' }],
  ])('holds additionalProperties false → %s as opened', (_name, value) => {
    const live = changed((s) => {
      const schema = tool(s, 'search_files').inputSchema;
      if (value === undefined) delete schema.additionalProperties;
      else schema.additionalProperties = value;
    });
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['schema.additional-properties.opened', '/inputSchema/additionalProperties']]);
  });

  it('finds a nested additionalProperties opened and a default changed', () => {
    const live = changed((s) => {
      const props = tool(s, 'search_files').inputSchema.properties;
      props.options.additionalProperties = true;
      props.limit.default = 100;
    });
    expect(codesAt(drift(baseSurface(), live).report.findings)).toEqual([
      ['schema.default.changed', '/inputSchema/properties/limit/default'],
      ['schema.additional-properties.opened', '/inputSchema/properties/options/additionalProperties'],
    ]);
  });

  it('holds a reworded parameter description at its nested path', () => {
    const live = changed((s) => (tool(s, 'read_file').inputSchema.properties.path.description = 'Absolute path of any file'));
    const { report } = drift(baseSurface(), live);
    expect(codesAt(report.findings)).toEqual([['schema.description.changed', '/inputSchema/properties/path/description']]);
  });

  it('escapes "/" and "~" in finding paths per RFC 6901', () => {
    const live = changed((s) => (tool(s, 'read_file').inputSchema.properties['a/b~c'] = { type: 'string' }));
    expect(codesAt(drift(baseSurface(), live).report.findings)).toEqual([['schema.param.added', '/inputSchema/properties/a~1b~0c']]);
  });

  it('rates readOnlyHint true → false as medium, held with its reason', () => {
    const live = changed((s) => (tool(s, 'read_file').annotations.readOnlyHint = false));
    const report = expectHold(live, 'medium');
    expect(report.findings[0]?.why).toMatch(/may now change things/);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'annotation.read-only-removed', path: '/annotations/readOnlyHint', before: true, after: false })]);
  });

  it('rates destructiveHint added as true as medium', () => {
    const live = changed((s) => (tool(s, 'read_file').annotations.destructiveHint = true));
    const report = expectHold(live, 'medium');
    expect(codesAt(report.findings)).toEqual([['annotation.destructive-added', '/annotations/destructiveHint']]);
  });

  it('rates openWorldHint false → true and idempotentHint true → false as medium', () => {
    const live = changed((s) => Object.assign(tool(s, 'search_files').annotations, { openWorldHint: true, idempotentHint: false }));
    const { report } = drift(baseSurface(), live);
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['annotation.idempotent-removed', 'medium'],
      ['annotation.open-world-added', 'medium'],
    ]);
  });

  it('diffs outputSchema, _meta, icons, execution and unknown fields', () => {
    const live = changed((s) => {
      Object.assign(tool(s, 'read_file'), {
        outputSchema: { type: 'object', properties: { text: { type: 'string' } } },
        _meta: { 'vendor/hint': 'x' },
        icons: [{ src: 'https://example.com/i.png' }],
        execution: { taskSupport: 'optional' },
        futureField: { note: 'new' },
      });
    });
    const { report, verdict } = drift(baseSurface(), live);
    expect(verdict.decision).toBe('HOLD');
    expect(codesAt(report.findings).sort()).toEqual([
      ['tool.execution.changed', '/execution'],
      ['tool.field.changed', '/futureField'],
      ['tool.icons.changed', '/icons'],
      ['tool.meta.changed', '/_meta'],
      ['tool.output-schema.added', '/outputSchema'],
    ]);
  });

  it('diffs a nested outputSchema change by field', () => {
    const withOutput = changed((s) => (tool(s, 'read_file').outputSchema = { type: 'object', properties: { text: { type: 'string' } } }));
    const live = changed((s) => (tool(s, 'read_file').outputSchema!.properties = { text: { type: 'number' } }), withOutput);
    expect(codesAt(drift(withOutput, live).report.findings)).toEqual([['schema.type.changed', '/outputSchema/properties/text/type']]);
  });
});
