/** JSON deployment settings: CloudFormation templates in JSON, `zappa_settings.json`, Chalice's `.chalice/config.json`. */

import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import { lambdaDescriptors } from './lambda-descriptors.js';
import type { LambdaDescriptor } from './model.js';
import type { DeploymentSource } from './source.js';

/** The Lambda functions the file describes, or the Chalice app (the directory holding `.chalice/`) it configures. */
export function readJsonSettings(file: DeploymentSource, notices: Notice[]): { chaliceApp?: string; lambdas: LambdaDescriptor[] } {
  if (path.basename(file.path) === 'config.json' && path.basename(path.dirname(file.path)) === '.chalice') {
    return { chaliceApp: path.dirname(path.dirname(file.path)), lambdas: [] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(file.text);
  } catch (error) {
    notices.push({ kind: 'unparsable', path: file.path, message: `JSON: ${(error as Error).message}; not read` });
    return { lambdas: [] };
  }
  return { lambdas: lambdaDescriptors(doc, file.path, file.text) };
}
