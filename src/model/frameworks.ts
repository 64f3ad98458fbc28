/**
 * Web framework objects: the constructors of apps (`FastAPI()`, `Flask()`, `Starlette()`, Django's
 * `get_asgi_application()`...) and routers (`APIRouter()`, `Blueprint()`), what protocol an app
 * speaks (ASGI or WSGI), and how routes are attached to them. Used by the serving model (what a
 * server invocation serves) and the application model (route handlers and router modules).
 */

export type AppKind = 'asgi' | 'wsgi';

export interface FrameworkConstructor {
  /** Qualified name of the constructor or factory: `fastapi.FastAPI`, `bottle.default_app`. */
  name: string;
  /** The protocol of the app it builds; undefined for a router or blueprint (not servable by itself). */
  kind?: AppKind;
  /**
   * How the application model finds route handlers on what it builds: `decorators` — methods of
   * the object used as decorators (`@app.get("/")`, `@bp.route("/")`); `constructor` — handlers
   * given to the constructor (Litestar; its handlers are found by their own decorators, see
   * application.ts). Undefined: the application model does not treat the object as an app or router
   * (`starlette.Starlette`, `quart.app.Quart` and the non-routing frameworks, as it always has).
   */
  routes?: 'decorators' | 'constructor';
}

export const FRAMEWORK_CONSTRUCTORS: readonly FrameworkConstructor[] = [
  // ASGI apps
  { name: 'fastapi.FastAPI', kind: 'asgi', routes: 'decorators' },
  { name: 'fastapi.applications.FastAPI', kind: 'asgi', routes: 'decorators' },
  { name: 'starlette.applications.Starlette', kind: 'asgi', routes: 'decorators' },
  { name: 'starlette.Starlette', kind: 'asgi' },
  { name: 'quart.Quart', kind: 'asgi', routes: 'decorators' },
  { name: 'quart.app.Quart', kind: 'asgi' },
  { name: 'litestar.Litestar', kind: 'asgi', routes: 'constructor' },
  { name: 'litestar.app.Litestar', kind: 'asgi', routes: 'constructor' },
  { name: 'django.core.asgi.get_asgi_application', kind: 'asgi' },
  { name: 'socketio.ASGIApp', kind: 'asgi' },
  { name: 'channels.routing.ProtocolTypeRouter', kind: 'asgi' },
  { name: 'sanic.Sanic', kind: 'asgi', routes: 'decorators' },
  { name: 'connexion.AsyncApp', kind: 'asgi' },
  // WSGI apps
  { name: 'flask.Flask', kind: 'wsgi', routes: 'decorators' },
  { name: 'flask.app.Flask', kind: 'wsgi', routes: 'decorators' },
  { name: 'django.core.wsgi.get_wsgi_application', kind: 'wsgi' },
  { name: 'falcon.App', kind: 'wsgi' },
  { name: 'falcon.API', kind: 'wsgi' },
  { name: 'bottle.Bottle', kind: 'wsgi' },
  { name: 'bottle.default_app', kind: 'wsgi' },
  { name: 'pyramid.config.Configurator().make_wsgi_app', kind: 'wsgi' },
  { name: 'socketio.WSGIApp', kind: 'wsgi' },
  { name: 'connexion.FlaskApp', kind: 'wsgi' },
  // Routers
  { name: 'fastapi.APIRouter', routes: 'decorators' },
  { name: 'fastapi.routing.APIRouter', routes: 'decorators' },
  { name: 'flask.Blueprint', routes: 'decorators' },
  { name: 'quart.Blueprint', routes: 'decorators' },
  { name: 'sanic.Blueprint', routes: 'decorators' },
  { name: 'starlette.routing.Router', routes: 'decorators' },
  { name: 'litestar.Router', routes: 'constructor' },
];

const BY_NAME = new Map(FRAMEWORK_CONSTRUCTORS.map((f) => [f.name, f]));

/** The framework object a (canonical, uncalled) constructor name builds, if it is one. */
export function frameworkConstructor(name: string): FrameworkConstructor | undefined {
  return BY_NAME.get(name);
}

/** Project names of the frameworks, for when a target cannot be resolved (PEP 503 normalised). */
export const ASGI_FRAMEWORK_PACKAGES = ['fastapi', 'starlette', 'quart', 'litestar', 'sanic'];
export const WSGI_FRAMEWORK_PACKAGES = ['flask', 'django', 'falcon', 'bottle', 'pyramid'];
