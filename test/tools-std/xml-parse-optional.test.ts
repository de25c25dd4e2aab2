import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from 'skreaver';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toolContext } from './_helpers.js';

// fast-xml-parser is an optional peer dependency: `skreaver/tools` must load
// without it, and only `xml_parse` may fail, with a message saying what to do.

const ctx = toolContext();

afterEach(() => {
  vi.doUnmock('fast-xml-parser');
  vi.resetModules();
});

function missingPackage(): never {
  throw Object.assign(new Error("Cannot find package 'fast-xml-parser'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('xml_parse without fast-xml-parser', () => {
  it('lets skreaver/tools load and the other tools work', async () => {
    vi.resetModules();
    vi.doMock('fast-xml-parser', missingPackage);
    const tools = await import('skreaver/tools');
    const list = tools.standardTools();
    expect(list.map((tool) => tool.name)).toContain('xml_parse');
    expect(await tools.textReverseTool().call('abc', ctx)).toMatchObject({ result: 'cba' });
  });

  it('fails the call with tool_failed, reason dependency_missing, saying to install it', async () => {
    vi.resetModules();
    vi.doMock('fast-xml-parser', missingPackage);
    const { xmlParseTool } = await import('skreaver/tools');
    const tool = xmlParseTool();
    const error = await Promise.resolve(tool.call('<a/>', ctx)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({
      code: 'tool_failed',
      data: { tool: 'xml_parse', reason: 'dependency_missing', dependency: 'fast-xml-parser' },
    });
    expect((error as ToolError).message).toContain('npm install fast-xml-parser');
    // The loader's error is kept (vitest wraps the mock's own error around it here).
    expect((error as ToolError).cause).toBeInstanceOf(Error);
  });

  it('checks the input before loading the parser', async () => {
    vi.resetModules();
    vi.doMock('fast-xml-parser', missingPackage);
    const { xmlParseTool } = await import('skreaver/tools');
    await expect(
      Promise.resolve(xmlParseTool().call(42 as unknown as string, ctx)),
    ).rejects.toMatchObject({
      code: 'tool_invalid_input',
    });
  });

  it('loads the parser once per tool, on the first call', async () => {
    vi.resetModules();
    let loads = 0;
    vi.doMock('fast-xml-parser', async () => {
      loads++;
      return vi.importActual('fast-xml-parser');
    });
    const { xmlParseTool } = await import('skreaver/tools');
    const tool = xmlParseTool();
    expect(loads).toBe(0);
    await tool.call('<a><b>1</b></a>', ctx);
    expect(await tool.call('<a><b>2</b></a>', ctx)).toMatchObject({
      parsed: { b: { $text: '2' } },
    });
    expect(loads).toBe(1);
  });

  it('does not keep a failed load: the next call tries again', async () => {
    vi.resetModules();
    let attempts = 0;
    vi.doMock('fast-xml-parser', async () => {
      attempts++;
      if (attempts === 1) missingPackage();
      return vi.importActual('fast-xml-parser');
    });
    const { xmlParseTool } = await import('skreaver/tools');
    const tool = xmlParseTool();
    await expect(Promise.resolve(tool.call('<a/>', ctx))).rejects.toMatchObject({
      data: { reason: 'dependency_missing' },
    });
    expect(await tool.call('<a/>', ctx)).toMatchObject({ valid: true });
    expect(attempts).toBe(2);
  });

  it('has no static import of fast-xml-parser anywhere under adapters/tools', async () => {
    const dir = join(import.meta.dirname, '../../adapters/tools');
    const files = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = await readFile(join(dir, file), 'utf8');
      // Type-only imports vanish from the build; a value import would load the package.
      expect(source, file).not.toMatch(/^import (?!type )[^;]*from 'fast-xml-parser'/m);
    }
  });
});
