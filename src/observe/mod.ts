/**
 * Seeing the validator at work: its Prometheus metrics (`prom-client`, an
 * observer of the validator and a listener of the chain client), the status
 * page read from its state (health, leaderboard, plots, consensus, the steps),
 * and the small loopback HTTP server that serves both.
 *
 * @module
 */
export * from "./metrics_route.ts";
export * from "./serve_http.ts";
export * from "./serve_observability.ts";
export * from "./status_data.ts";
export * from "./status_page.ts";
export * from "./status_route.ts";
export * from "./validator_metrics.ts";
