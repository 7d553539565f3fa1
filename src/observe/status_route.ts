/**
 * The status page's routes: `/` (the page; `?step=N` opens one step),
 * `/status.json`, `/reports/<step>.json`, and the page's assets under
 * `/assets/` — our script and style, and uPlot from its npm package in
 * `node_modules` (pinned in deno.json). A Content-Security-Policy allows
 * nothing but the page's own origin.
 *
 * @module
 */
import type { ValidatorState } from "../state/mod.ts";
import type { RecordedHead, StepReport } from "../validator/mod.ts";
import { readStatusData } from "./status_data.ts";
import { renderStatusPage } from "./status_page.ts";
import { readOnlyMethod, type Route } from "./serve_http.ts";

/** The page may load and contact only its own origin. */
export const STATUS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ASSETS: Record<string, { url: URL; type: string }> = {
  "status.js": { url: new URL("./assets/status.js", import.meta.url), type: "text/javascript; charset=utf-8" },
  "status.css": { url: new URL("./assets/status.css", import.meta.url), type: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": {
    url: new URL("../../node_modules/uplot/dist/uPlot.iife.min.js", import.meta.url),
    type: "text/javascript; charset=utf-8",
  },
  "uPlot.min.css": {
    url: new URL("../../node_modules/uplot/dist/uPlot.min.css", import.meta.url),
    type: "text/css; charset=utf-8",
  },
};

/** Options of {@linkcode statusRoute}. */
export interface StatusRouteOptions {
  /** The validator's state (the running validator's own, or one opened read-only). */
  readonly state: ValidatorState;
  /** Models link to this hub. @default "https://huggingface.co" */
  readonly hubUrl?: string | undefined;
  /** Served by the running validator. @default false */
  readonly live?: boolean | undefined;
  /** The head the running validator read last. */
  readonly head?: (() => RecordedHead | undefined) | undefined;
  /** Link to `/metrics` (served beside the page). @default false */
  readonly metrics?: boolean | undefined;
}

const headers = (type: string, extra: Record<string, string> = {}) => ({
  "content-type": type,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  ...extra,
});

/** The status page's routes. */
export function statusRoute(options: StatusRouteOptions): Route {
  const assets = new Map<string, Uint8Array<ArrayBuffer>>();
  const data = () =>
    readStatusData(options.state, { hubUrl: options.hubUrl, live: options.live, head: options.head?.() });
  return async (request, url) => {
    const path = url.pathname;
    const known = path === "/" || path === "/index.html" || path === "/status.json" ||
      /^\/reports\/\d+\.json$/.test(path) || path.startsWith("/assets/");
    if (!known) return undefined;
    const refused = readOnlyMethod(request);
    if (refused !== undefined) return refused;
    const body = <T extends string | Uint8Array<ArrayBuffer>>(content: T): T | null =>
      request.method === "HEAD" ? null : content;

    if (path === "/" || path === "/index.html") {
      const wanted = url.searchParams.get("step");
      const step = wanted !== null && /^\d+$/.test(wanted)
        ? options.state.report(Number(wanted)) as StepReport | undefined
        : undefined;
      const html = renderStatusPage(data(), { step, metrics: options.metrics });
      return new Response(
        body(html),
        {
          headers: headers("text/html; charset=utf-8", {
            "content-security-policy": STATUS_PAGE_CSP,
            "cache-control": "no-store",
          }),
        },
      );
    }
    if (path === "/status.json") {
      return new Response(body(JSON.stringify(data())), {
        headers: headers("application/json", { "cache-control": "no-store" }),
      });
    }
    const report = path.match(/^\/reports\/(\d+)\.json$/);
    if (report) {
      const found = options.state.report(Number(report[1]));
      if (found === undefined) return new Response("No such step\n", { status: 404 });
      return new Response(body(JSON.stringify(found, null, 2)), { headers: headers("application/json") });
    }
    const name = path.slice("/assets/".length);
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (asset === undefined) return new Response("Not found\n", { status: 404 });
    let bytes = assets.get(name);
    if (bytes === undefined) {
      bytes = await Deno.readFile(asset.url);
      assets.set(name, bytes);
    }
    return new Response(body(bytes), { headers: headers(asset.type, { "cache-control": "max-age=300" }) });
  };
}
