/**
 * A faster hand-over of integers between web-tree-sitter and its WebAssembly module.
 *
 * Every node access (`type`, `namedChildren`, `childForFieldName`...) writes the node to a transfer
 * buffer as five 32-bit integers and reads the result back the same way, through Emscripten's
 * generic `setValue` / `getValue`: a switch on a type name, then a `DataView` call, per integer.
 * On a corpus of 915 000 lines that was a tenth of the extraction time. The runtime looks these two
 * functions up on its module object at every call, so they can be replaced there by versions that
 * handle `i32` with a typed array over the same memory (the runtime keeps `HEAP32` on the module
 * up to date when the memory grows) and hand every other type to the originals.
 *
 * Only on a little-endian machine (Emscripten's helpers byte-swap on others), and only when the
 * module looks as expected; otherwise nothing is replaced and everything works as before, slower.
 */

import os from 'node:os';

/** The parts of the Emscripten module object this touches. */
interface EmscriptenModule {
  setValue?: (ptr: number, value: number, type?: string) => void;
  getValue?: (ptr: number, type?: string) => number;
  HEAP32?: Int32Array;
}

const SPED_UP = Symbol('pylint-perf.fastIntegerTransfer');

/** Replaces the module's integer transfer; true when it did (or had already). */
export function fastIntegerTransfer(module: EmscriptenModule): boolean {
  const m = module as EmscriptenModule & { [SPED_UP]?: true };
  if (m[SPED_UP]) return true;
  const { setValue, getValue } = m;
  if (os.endianness() !== 'LE' || typeof setValue !== 'function' || typeof getValue !== 'function' || !(m.HEAP32 instanceof Int32Array)) return false;
  m.setValue = (ptr, value, type) => {
    if (type === 'i32') m.HEAP32![ptr >> 2] = value;
    else setValue(ptr, value, type);
  };
  m.getValue = (ptr, type) => (type === 'i32' ? m.HEAP32![ptr >> 2] : getValue(ptr, type));
  m[SPED_UP] = true;
  return true;
}
