import { describe, expect, it } from 'vitest';
import { fastIntegerTransfer } from '../src/read/python/wasm-transfer.js';
import { PythonParser, fastTransfer } from '../src/read/python/parser.js';
import { callees, factsOf } from './helpers.js';

describe('the faster integer transfer to WebAssembly', () => {
  it('is in use with the web-tree-sitter this project installs', async () => {
    const parser = await PythonParser.create();
    parser.dispose();
    expect(fastTransfer).toBe(true);
  });

  it('writes and reads 32-bit integers in the module memory and hands other types on', () => {
    const other: string[] = [];
    const module = {
      HEAP32: new Int32Array(8),
      setValue: (_ptr: number, _value: number, type?: string) => void other.push(`set ${type}`),
      getValue: (_ptr: number, type?: string) => (other.push(`get ${type}`), 7),
    };
    expect(fastIntegerTransfer(module)).toBe(true);
    module.setValue(8, -5, 'i32');
    expect(module.HEAP32[2]).toBe(-5);
    expect(module.getValue(8, 'i32')).toBe(-5);
    module.setValue(3, 1, 'i8');
    expect(module.getValue(3, 'double')).toBe(7);
    expect(other).toEqual(['set i8', 'get double']);
    expect(fastIntegerTransfer(module)).toBe(true); // once only
  });

  it('leaves a module it does not recognise alone', () => {
    const setValue = (): void => undefined;
    const module = { setValue, getValue: () => 0 };
    expect(fastIntegerTransfer(module)).toBe(false);
    expect(module.setValue).toBe(setValue);
  });
});

describe('what the walk skips', () => {
  it('finds calls in the interpolations of f-strings (any prefix case, raw ones too) and none in plain strings', async () => {
    const source = [
      'a = f"{one()}"',
      'b = rF"{two()!r:>{width()}}"',
      "c = '{not_a_call()}'",
      'd = rb"{nor_this()}"',
      'e = "x" f"{three()}"',
      'f = """{docstring_like()}"""',
    ].join('\n');
    expect(await callees(source)).toEqual(['builtins.one', 'builtins.two', 'builtins.width', 'builtins.three']);
  });

  it('reads how an imported name is used from the path down to it (attribute names and keywords are not uses)', async () => {
    const facts = await factsOf(
      [
        'import json, numpy as np, pandas, yaml',
        'from typing import TYPE_CHECKING',
        'x = other.json',
        'call(np=1)',
        'def load(p: "pandas.DataFrame") -> yaml.Node:',
        '    def inner():',
        '        return json.loads(p)',
        '    return inner',
        'handler = lambda: np.zeros(1)',
      ].join('\n'),
    );
    expect(facts.importedNameUses).toEqual({
      json: { importTime: false, annotation: false, functions: ['load'] },
      np: { importTime: false, annotation: false, functions: ['<lambda>'] },
      yaml: { importTime: true, annotation: false, functions: [] },
    });
  });

  it('finds uses after non-ASCII text (positions in UTF-16 code units)', async () => {
    const facts = await factsOf('import json\nlabel = "naïve — 東京 🙂"\ndef f():\n    return json.dumps(label)\n');
    expect(facts.importedNameUses.json).toEqual({ importTime: false, annotation: false, functions: ['f'] });
  });
});
