/**
 * Lambda functions named by deployment descriptors: AWS SAM and CloudFormation templates (YAML or
 * JSON; intrinsic tags such as `!Ref`, `!Sub`, `!GetAtt` parse as ordinary values), the Serverless
 * Framework (`serverless.yml`), and Zappa (`zappa_settings.json`). Descriptors are read as data;
 * positions are found by locating the handler string in the text.
 */

import path from 'node:path';
import type { LambdaDescriptor } from './model.js';
import { LineIndex } from './text.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds `key: value` / `"key": "value"` in the text, from a cursor, for the report position. */
class Locator {
  private readonly lines: LineIndex;
  private cursor = 0;

  constructor(readonly file: string, text: string) {
    this.lines = new LineIndex(text);
  }

  at(key: string, value: string): LambdaDescriptor['location'] {
    const text = this.lines.text;
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`["']?${key}["']?\\s*[:=]\\s*["']?(${escaped})`, 'g');
    re.lastIndex = this.cursor;
    const m = re.exec(text) ?? ((re.lastIndex = 0), re.exec(text));
    if (!m) return { path: this.file, range: this.lines.range(0, 0) };
    const start = m.index + m[0].length - m[1].length;
    this.cursor = start + m[1].length;
    return { path: this.file, range: this.lines.range(start, start + m[1].length) };
  }
}

const PYTHON_RUNTIME = /^python/i;

/** SAM / CloudFormation: `AWS::Serverless::Function` and `AWS::Lambda::Function` resources. */
function fromTemplate(doc: Json, file: string, text: string): LambdaDescriptor[] {
  const resources = doc.Resources;
  if (!isObject(resources)) return [];
  const globals = isObject(doc.Globals) && isObject(doc.Globals.Function) ? doc.Globals.Function : {};
  const locator = new Locator(file, text);
  const out: LambdaDescriptor[] = [];
  for (const [name, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue;
    const type = resource.Type;
    if (type !== 'AWS::Serverless::Function' && type !== 'AWS::Lambda::Function') continue;
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const serverless = type === 'AWS::Serverless::Function';
    const merged = serverless ? { ...globals, ...props } : props;
    if (merged.PackageType === 'Image') continue;
    const runtime = merged.Runtime;
    if (typeof runtime === 'string' && !PYTHON_RUNTIME.test(runtime)) continue;
    const handler = merged.Handler;
    if (typeof handler !== 'string') continue;
    // CodeUri (SAM) or a local Code path (after `aws cloudformation package` it is an S3 object).
    const code = serverless ? merged.CodeUri : merged.Code;
    const codeUri = typeof code === 'string' && !/^s3:\/\//.test(code) ? code : '.';
    out.push({
      handler,
      codeDirectory: path.resolve(path.dirname(file), codeUri),
      location: locator.at('Handler', handler),
      source: serverless ? 'sam' : 'cloudformation',
      name,
    });
  }
  return out;
}

/** Serverless Framework: `functions.<name>.handler` relative to the service (or `module`). */
function fromServerless(doc: Json, file: string, text: string): LambdaDescriptor[] {
  if (!isObject(doc.functions)) return [];
  const provider = isObject(doc.provider) ? doc.provider : {};
  const locator = new Locator(file, text);
  const out: LambdaDescriptor[] = [];
  for (const [name, fn] of Object.entries(doc.functions)) {
    if (!isObject(fn) || typeof fn.handler !== 'string' || fn.handler.includes('${')) continue;
    const runtime = fn.runtime ?? provider.runtime;
    if (typeof runtime === 'string' && !PYTHON_RUNTIME.test(runtime)) continue;
    if (fn.image !== undefined) continue;
    const module = typeof fn.module === 'string' ? fn.module : '.';
    out.push({
      handler: fn.handler,
      codeDirectory: path.resolve(path.dirname(file), module),
      location: locator.at('handler', fn.handler),
      source: 'serverless',
      name,
    });
  }
  return out;
}

/** Zappa: `lambda_handler` names a handler; `app_function` a WSGI app run by Zappa's own handler. */
function fromZappa(doc: Json, file: string, text: string): LambdaDescriptor[] {
  const locator = new Locator(file, text);
  const out: LambdaDescriptor[] = [];
  for (const [stage, settings] of Object.entries(doc)) {
    if (!isObject(settings)) continue;
    const dir = path.dirname(file);
    if (typeof settings.lambda_handler === 'string') {
      out.push({ handler: settings.lambda_handler, codeDirectory: dir, location: locator.at('lambda_handler', settings.lambda_handler), source: 'zappa', name: stage });
    }
    if (typeof settings.app_function === 'string') {
      out.push({ handler: settings.app_function, codeDirectory: dir, location: locator.at('app_function', settings.app_function), source: 'zappa', name: stage, moduleOnly: true });
    }
  }
  // The same function in several stages is one function.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.handler}|${d.moduleOnly ?? false}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Descriptors in one parsed YAML or JSON document. */
export function lambdaDescriptors(doc: unknown, file: string, text: string): LambdaDescriptor[] {
  if (!isObject(doc)) return [];
  const base = path.basename(file).toLowerCase();
  if (base === 'zappa_settings.json') return fromZappa(doc, file, text);
  if (isObject(doc.Resources)) return fromTemplate(doc, file, text);
  if (isObject(doc.functions) && (doc.service !== undefined || isObject(doc.provider))) return fromServerless(doc, file, text);
  return [];
}
