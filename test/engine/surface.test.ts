import { describe, expect, it } from 'vitest';
import { canonicalDigest } from '../../src/engine/canonical-json.js';
import { parseSurface, SurfaceError, surfaceHash, surfaceItems } from '../../src/engine/surface.js';

const readFile = {
  name: 'read_file',
  description: 'Read a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

describe('surface hashing', () => {
  it('hashes each tool over its whole definition, unknown fields included', () => {
    const withExtra = { ...readFile, execution: { taskSupport: 'optional' }, _meta: { 'x.example/hint': 'say hi' } };
    const [plain] = surfaceItems(parseSurface({ tools: [readFile] }));
    const [extra] = surfaceItems(parseSurface({ tools: [withExtra] }));
    expect(plain?.hash).toBe(canonicalDigest(readFile));
    expect(extra?.hash).toBe(canonicalDigest(withExtra));
    expect(extra?.hash).not.toBe(plain?.hash);
  });

  it('gives the same server hash whatever the order tools are listed in', () => {
    const other = { name: 'write_file', inputSchema: { type: 'object' } };
    expect(surfaceHash(parseSurface({ tools: [readFile, other] }))).toBe(surfaceHash(parseSurface({ tools: [other, readFile] })));
  });

  it('changes the server hash when instructions, serverInfo, prompts or resources change', () => {
    const base = parseSurface({ tools: [readFile] });
    const variants = [
      { tools: [readFile], instructions: 'Be brief.' },
      { tools: [readFile], serverInfo: { name: 'fs', version: '1.0.0' } },
      { tools: [readFile], prompts: [{ name: 'summarize' }] },
      { tools: [readFile], resources: [{ uri: 'file:///a', name: 'a' }] },
      { tools: [readFile], resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'files' }] },
    ];
    const hashes = new Set([surfaceHash(base), ...variants.map((v) => surfaceHash(parseSurface(v)))]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('binds the kind of an item into the server hash, so a prompt cannot pass for a tool', () => {
    const asTool = parseSurface({ tools: [{ name: 'x' }] });
    const asPrompt = parseSurface({ prompts: [{ name: 'x' }] });
    expect(surfaceHash(asTool)).not.toBe(surfaceHash(asPrompt));
  });

  it('refuses a surface with two tools of one name', () => {
    expect(() => parseSurface({ tools: [readFile, readFile] })).toThrow(SurfaceError);
    expect(() => parseSurface({ tools: [readFile, readFile] })).toThrow(/duplicate tool name "read_file"/);
  });

  it('refuses a tool without a name and says where', () => {
    expect(() => parseSurface({ tools: [readFile, { description: 'x' }] })).toThrow(/\/tools\/1\/name/);
  });

  it('refuses text that cannot be canonicalized', () => {
    expect(() => parseSurface({ tools: [{ name: 'x', description: '\ud800' }] })).toThrow(/canonicalized/);
  });
});
