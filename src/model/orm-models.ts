/**
 * Synchronous ORMs seen through the project's own model classes: a class whose bases lead to
 * `peewee.Model` or Django's `models.Model` runs a query when a query method is called on it
 * (`User.get(...)`, `User.select().where(...).execute()`, `Order.objects.filter(...).count()`,
 * `order.save()`), though no catalogue lists `app.models.User`.
 */

import type { Project } from './project.js';
import { detokenize, tokenize } from './project.js';

type Orm = 'peewee' | 'django';

const ORM_BASES: Record<string, Orm> = {
  'peewee.Model': 'peewee',
  'playhouse.signals.Model': 'peewee',
  'playhouse.postgres_ext.Model': 'peewee',
  'django.db.models.Model': 'django',
  'django.db.models.base.Model': 'django',
};

/** Methods that run the query right away (class level, on a query chain, or on an instance). */
const RUNS: Record<Orm, ReadonlySet<string>> = {
  peewee: new Set(['get', 'get_or_none', 'get_by_id', 'get_or_create', 'create', 'bulk_create', 'bulk_update', 'delete_by_id', 'set_by_id', 'execute', 'first', 'count', 'exists', 'scalar', 'save', 'delete_instance', 'insert_many', 'replace_many']),
  django: new Set(['get', 'create', 'get_or_create', 'update_or_create', 'count', 'exists', 'first', 'last', 'latest', 'earliest', 'aggregate', 'in_bulk', 'bulk_create', 'bulk_update', 'delete', 'update', 'save', 'refresh_from_db', 'iterator', 'explain', 'contains']),
};

const cache = new WeakMap<Project, Map<string, Orm | null>>();

/** The ORM a project class is a model of, through its project bases; undefined for any other class. */
function ormOf(project: Project, className: string, depth = 0): Orm | undefined {
  let memo = cache.get(project);
  if (!memo) cache.set(project, (memo = new Map()));
  if (memo.has(className)) return memo.get(className) ?? undefined;
  memo.set(className, null);
  let found: Orm | undefined;
  const def = project.definition(className);
  if (def?.scope.kind === 'class' && depth < 10) {
    for (const base of def.scope.bases ?? []) {
      const b = project.canonical(base) ?? base;
      found = ORM_BASES[b] ?? ormOf(project, b, depth + 1);
      if (found) break;
    }
  }
  memo.set(className, found ?? null);
  return found;
}

/** `app.models.User.select().where().execute`: the ORM whose query this call runs, if it runs one. */
export function ormQuery(project: Project, name: string): Orm | undefined {
  const tokens = tokenize(name);
  const method = tokens[tokens.length - 1];
  if (method === '()' || method === '[]') return undefined;
  for (let i = tokens.length - 2; i >= 1; i--) {
    if (tokens[i] === '()' || tokens[i] === '[]') continue;
    const orm = ormOf(project, detokenize(tokens.slice(0, i + 1)));
    if (!orm) continue;
    const rest = tokens.slice(i + 1);
    // Django: queries go through a manager (`objects`), or an instance (`Order()...save`).
    if (orm === 'django' && rest[0] !== 'objects' && rest[0] !== '()') return undefined;
    return RUNS[orm].has(method) ? orm : undefined;
  }
  return undefined;
}
