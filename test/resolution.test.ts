import { describe, expect, it } from 'vitest';
import { Project } from '../src/model/project.js';
import { callees, factsOf } from './helpers.js';

describe('import resolution', () => {
  it('resolves aliases, from-imports and submodules', async () => {
    expect(
      await callees(`
import requests as r
from time import sleep
from urllib import request
import os.path
import a.b.c as d
r.get(); sleep(); request.urlopen(); os.path.exists(); d.f()
`),
    ).toEqual(['requests.get', 'time.sleep', 'urllib.request.urlopen', 'os.path.exists', 'a.b.c.f']);
  });

  it('resolves relative imports in modules and packages', async () => {
    const inModule = await factsOf('from .deps import get_db\nfrom ..core import settings\nget_db(); settings.load()', 'app.routers.users');
    expect(inModule.calls.map((c) => c.callee)).toEqual(['app.routers.deps.get_db', 'app.core.settings.load']);
    const inPackage = await factsOf('from . import db\ndb.connect()', 'app', true);
    expect(inPackage.calls.map((c) => c.callee)).toEqual(['app.db.connect']);
  });

  it('maps unbound names to builtins, or with a star import to module globals the project resolves', async () => {
    expect(await callees('open("x")')).toEqual(['builtins.open']);
    expect(await callees('from x import *\nopen("x")')).toEqual(['app.main.open']);
  });

  it('records module-level names and a literal `__all__`', async () => {
    const listed = await factsOf('__all__ = ["load"]\n__all__ += ("dump",)\nimport os\ndef open(p): pass\nfor _i in []: pass', 'app.files');
    expect(listed.declaredAll).toEqual(['load', 'dump']);
    expect(listed.moduleNames.sort()).toEqual(['__all__', '_i', 'open', 'os']);
    expect((await factsOf('from .a import names\n__all__ = ["x"] + names', 'app.files')).declaredAll).toBeUndefined();
    expect((await factsOf('__all__ = [name for name in dir()]', 'app.files')).declaredAll).toBeUndefined();
  });
});

describe('scopes and shadowing', () => {
  it('a local def or rebinding shadows an import', async () => {
    expect(await callees('from time import sleep\ndef sleep(): pass\nasync def f():\n    sleep()')).toEqual(['app.main.sleep']);
    expect(await callees('import time\nasync def f():\n    nap = time.sleep\n    nap = print\n    nap(1)')).toEqual(['builtins.print']);
  });

  it('uses the binding that precedes the use in the same scope', async () => {
    expect(await callees('import time\nx = time.sleep\nx()\nx = print\nx()')).toEqual(['time.sleep', 'builtins.print']);
  });

  it('hides class bodies from nested functions', async () => {
    expect(await callees('import time\nclass C:\n    sleep = print\n    def m(self):\n        sleep()')).toEqual(['builtins.sleep']);
  });

  it('knows which scopes run on the event loop', async () => {
    const facts = await factsOf(`
async def handler():
    a()
    [b() for x in y]
    lambda: c()
    def inner():
        d()
    class K:
        e()
def plain():
    f()
`);
    const onLoop = Object.fromEntries(facts.calls.map((c) => [c.calleeText, facts.scopes[c.scope].loopFunction >= 0]));
    expect(onLoop).toEqual({ a: true, b: true, c: false, d: false, e: false, f: false });
  });

  it('marks awaited calls and async with/for headers', async () => {
    const facts = await factsOf('async def f():\n    await a()\n    b()\n    async with c() as x:\n        pass\n    async for y in d():\n        pass');
    expect(facts.calls.map((c) => [c.calleeText, c.awaited === true])).toEqual([['a', true], ['b', false], ['c', true], ['d', true]]);
  });

  it('follows global declarations (the lazy-global pattern)', async () => {
    expect(
      await callees(`
import boto3
_client = None
def get():
    global _client
    if _client is None:
        _client = boto3.client("s3")
async def h():
    _client.get_object()
`),
    ).toEqual(['boto3.client', 'boto3.client().get_object']);
  });
});

describe('simple types', () => {
  it('types names from constructor calls, with-as and chains', async () => {
    expect(
      await callees(`
import requests, sqlite3
s = requests.Session()
s.get()
with sqlite3.connect("x") as conn:
    conn.cursor().execute()
`),
    ).toEqual(['requests.Session', 'requests.Session().get', 'sqlite3.connect', 'sqlite3.connect().cursor().execute', 'sqlite3.connect().cursor']);
  });

  it('types parameters from annotations, Annotated, Optional and Depends', async () => {
    const facts = await factsOf(`
from typing import Annotated, Optional
from fastapi import Depends
from sqlalchemy.orm import Session
async def a(db: Session = Depends(get_db), r: Optional["redis.Redis"] = None, x: Annotated[Session, Depends(get_db)] = None):
    db.query()
`);
    const fn = facts.scopes.find((s) => s.name === 'a')!;
    expect(fn.parameters.map((p) => [p.name, p.type, p.dependsOn])).toEqual([
      ['db', 'sqlalchemy.orm.Session()', 'builtins.get_db'],
      ['r', 'builtins.redis.Redis()', undefined],
      ['x', 'sqlalchemy.orm.Session()', 'builtins.get_db'],
    ]);
    expect(facts.calls.at(-1)!.callee).toBe('sqlalchemy.orm.Session().query');
  });

  it('types self attributes assigned in __init__, also through a base class', async () => {
    expect(
      await callees(`
import boto3
class Base:
    def __init__(self):
        self.s3 = boto3.client("s3")
class Store(Base):
    async def get(self):
        self.s3.get_object()
`),
    ).toEqual(['boto3.client', 'boto3.client().get_object']);
  });
});

describe('self-referential attributes (regression: stack overflow on argparse.py, _pyio.py)', () => {
  it('cuts `self.buffer = self.buffer.raw` cycles', async () => {
    const names = await callees('class C:\n    def __init__(self, b):\n        self.buffer = b\n        self.buffer = self.buffer.raw\n    def m(self):\n        self.buffer.read()');
    // The cycle is cut where it closes; the result stays a project name, never a library one.
    expect(names).toEqual(['app.main.C().buffer.raw.read']);
  });
});

describe('project canonical names', () => {
  it('follows module-level objects across modules and library aliases', async () => {
    const db = await factsOf('from sqlalchemy.orm import sessionmaker\nimport boto3\nSessionLocal = sessionmaker()\ns3 = boto3.client("s3")', 'app.db');
    const routes = await factsOf('from .db import SessionLocal, s3\nasync def h():\n    db = SessionLocal()\n    db.commit()\n    s3.put_object()', 'app.routes');
    const project = new Project([db, routes]);
    const names = routes.calls.map((c) => project.canonical(c.callee));
    // SessionLocal() calls a sessionmaker instance; what it returns is a Session.
    expect(names).toEqual(['sqlalchemy.orm.sessionmaker()', 'sqlalchemy.orm.Session().commit', 'boto3.client().put_object']);
  });

  it('resolves a star-imported name through what the project module exports, else to the builtin', async () => {
    const own = await factsOf('def open(p): pass\ndef _private(): pass', 'app.own');
    const listed = await factsOf('__all__ = ["load"]\ndef open(p): pass\ndef load(p): pass', 'app.listed');
    const again = await factsOf('from .own import *', 'app.again');
    const names = async (source: string) => {
      const user = await factsOf(source, 'app.user');
      const project = new Project([own, listed, again, user]);
      return user.calls.map((c) => project.canonical(c.callee));
    };
    expect(await names('from os import *\nopen(p); input(); getcwd()')).toEqual(['builtins.open', 'builtins.input', 'app.user.getcwd']);
    expect(await names('from .listed import *\nopen(p); load(p)')).toEqual(['builtins.open', 'app.listed.load']);
    expect(await names('from .own import *\nopen(p); _private()')).toEqual(['app.own.open', 'builtins._private']);
    expect(await names('from .again import *\nopen(p)')).toEqual(['app.own.open']);
    expect(await names('from .own import *\nfrom .listed import *\nopen(p)')).toEqual(['app.own.open']);
    expect(await names('from .listed import *\nfrom .own import *\ndef f():\n    return open(p).read()')).toEqual(['app.own.open().read', 'app.own.open']);
  });

  it('never resolves a standard-library name to a project file of the same name', async () => {
    const local = await factsOf('def sleep(): pass', 'myproj.utils.time');
    const user = await factsOf('import time\ntime.sleep(1)', 'myproj.main');
    const project = new Project([local, user]);
    expect(project.canonical(user.calls[0].callee)).toBe('time.sleep');
  });
});

describe('syntax errors and PEP 810', () => {
  it('recognises `lazy import` and is not a syntax error', async () => {
    const facts = await factsOf('lazy import torch\nlazy from a.b import c\n');
    expect(facts.imports.map((i) => [i.module, i.lazy])).toEqual([['torch', true], ['a.b', true]]);
    expect(facts.syntaxErrors).toEqual([]);
  });

  it('records syntax errors and still extracts what it can', async () => {
    const facts = await factsOf('import time\nasync def f(:\n    time.sleep(1)\n');
    expect(facts.syntaxErrors.length).toBeGreaterThan(0);
  });
});

describe('memoisation guards (CallFact.onceGuard)', () => {
  const guarded = async (source: string): Promise<Record<string, string | undefined>> =>
    Object.fromEntries((await factsOf(source, 'app.clients')).calls.map((c) => [c.calleeText, c.onceGuard]));

  it('marks the calls of an `if NAME is None:` / `if not NAME:` block that sets a global', async () => {
    const source = `
_c = None
_ready = False
def get():
    global _c, _ready
    if _c is None:
        with lock():
            _c = make([x.y() for x in z()])
    if not _ready:
        warm()
        _ready = True
    elif other():
        later()
    return use()
`;
    expect(await guarded(source)).toEqual({ lock: '_c', make: '_c', 'x.y': '_c', z: '_c', warm: '_ready', other: undefined, later: undefined, use: undefined });
  });

  it('accepts attributes of cls, of a class and of a module; not of self, a parameter or a local', async () => {
    const source = `
class Registry:
    @classmethod
    def q(cls, request):
        if cls._q is None:
            cls._q = a()
        if Registry._r == None:
            Registry._r = b()
        if self_like._s is None:
            self_like._s = c()
        if request.state.user is None:
            request.state.user = d()
    def i(self):
        if self._t is None:
            self._t = e()
`;
    expect(await guarded(source)).toEqual({ a: 'cls._q', b: 'Registry._r', c: 'self_like._s', d: undefined, e: undefined });
  });

  it('needs the block to assign the name, a global name, and the function itself to run the call', async () => {
    const source = `
def f():
    client = None
    if client is None:
        client = local()
    global _g
    if _g is None:
        unassigned()
    if _g is None:
        _g = 1
        def inner():
            nested()
        g = lambda: in_lambda()
    if not _module_name:
        _module_name2 = never()
`;
    expect(await guarded(source)).toEqual({ local: undefined, unassigned: undefined, nested: undefined, in_lambda: undefined, never: undefined });
  });
});
