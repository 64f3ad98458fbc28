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

/** Query building: nothing runs yet. */
const BUILDS: ReadonlySet<string> = new Set(['select', 'where', 'join', 'switch', 'order_by', 'limit', 'offset', 'group_by', 'having', 'distinct', 'paginate', 'alias', 'filter', 'exclude', 'select_related', 'prefetch_related', 'annotate', 'values', 'values_list', 'only', 'defer', 'using', 'all', 'reverse', 'update', 'delete', 'insert', 'insert_many']);
/** Queries that run and give one row (a model instance). */
const GIVES_ROW: ReadonlySet<string> = new Set(['get', 'get_or_none', 'get_by_id', 'first', 'last', 'latest', 'earliest', 'create']);
/** What a row does with the database itself. */
const ROW_METHODS: ReadonlySet<string> = new Set(['save', 'delete_instance', 'delete', 'refresh_from_db']);

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
    // Between the model and the method: query building, or a query that gives one row (then only
    // the row's own methods follow); anything else (`row.to_dict().get`) is no longer the ORM.
    let row = rest[0] === '()';
    for (const step of rest.slice(0, -1)) {
      if (step === '()' || step === 'objects') continue;
      if (!row && BUILDS.has(step)) continue;
      if (!row && GIVES_ROW.has(step)) row = true;
      else return undefined;
    }
    return (row ? ROW_METHODS : RUNS[orm]).has(method) ? orm : undefined;
  }
  return undefined;
}
