/** A deployment file as the readers receive it: its path, the kind its name gives it, its text. */

import type { DeploymentFileKind } from '../discover.js';

export interface DeploymentSource {
  path: string;
  kind: DeploymentFileKind;
  text: string;
}
