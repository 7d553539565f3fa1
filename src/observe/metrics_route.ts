/**
 * `GET /metrics`: the Prometheus text exposition of the validator's metrics.
 *
 * @module
 */
import { readOnlyMethod, type Route } from "./serve_http.ts";

/** Something with Prometheus text (a {@linkcode ValidatorMetrics}). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** The `/metrics` route. */
export function metricsRoute(source: MetricsSource): Route {
  return async (request, url) => {
    if (url.pathname !== "/metrics") return undefined;
    const refused = readOnlyMethod(request);
    if (refused !== undefined) return refused;
    const body = await source.metrics();
    return new Response(request.method === "HEAD" ? null : body, {
      headers: { "content-type": source.contentType, "cache-control": "no-store" },
    });
  };
}
