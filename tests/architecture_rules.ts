/**
 * The project's module graph, read from Deno itself (`deno info --json`),
 * and the checks `tests/architecture_test.ts` runs over it: no import cycle
 * between folders of `src/`, and the layer rules written in ARCHITECTURE.md
 * (the table under "Layer rules", parsed here, so the page and the test
 * cannot drift apart).
 *
 * @module
 */
import { join, relative, resolve } from "node:path";

/** File → the project files it imports (code or type), paths relative to the project root. */
export type ModuleGraph = Map<string, Set<string>>;

/** One row of the layer-rule table. */
export interface LayerRule {
  /** What the rule protects, in words. */
  readonly name: string;
  /** Files the rule applies to (path prefixes). */
  readonly files: readonly string[];
  /** Path prefixes excepted from `files`. */
  readonly except: readonly string[];
  /** Path prefixes those files may not import. */
  readonly forbidden: readonly string[];
}

/** An import that breaks a rule. */
export interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

const ROOT = resolve(import.meta.dirname!, "..");

/** The source files the graph starts from: everything under src/ and tasks/, main.ts and mod.ts, tests excluded. */
export async function sourceFiles(root = ROOT): Promise<string[]> {
  const out: string[] = ["main.ts", "mod.ts"];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) out.push(path);
    }
  };
  await walk("src");
  await walk("tasks");
  return out.sort();
}

/** Reads the real module graph of `files` with `deno info --json`. */
export async function readModuleGraph(files: readonly string[], root = ROOT): Promise<ModuleGraph> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-arch-" });
  try {
    const entry = join(dir, "entry.ts");
    const url = (path: string) => new URL(`file://${resolve(root, path)}`).href;
    await Deno.writeTextFile(entry, files.map((f) => `import "${url(f)}";`).join("\n") + "\n");
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(root, "deno.json"), entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
      signal: AbortSignal.timeout(60_000),
    }).output();
    if (!output.success) {
      throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr).trim()}`);
    }
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: { specifier: string; dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[] }[];
    };
    const local = (specifier: string): string | undefined => {
      if (!specifier.startsWith("file://")) return undefined;
      const path = relative(root, decodeURIComponent(new URL(specifier).pathname));
      return path.startsWith("..") ? undefined : path;
    };
    const graph: ModuleGraph = new Map();
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined || !from.endsWith(".ts") || from.startsWith("/")) continue;
      const to = new Set<string>();
      for (const dep of module.dependencies ?? []) {
        for (const target of [dep.code?.specifier, dep.type?.specifier]) {
          const path = target === undefined ? undefined : local(target);
          if (path !== undefined && path.endsWith(".ts")) to.add(path);
        }
      }
      graph.set(from, to);
    }
    return graph;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The folder of a file under src/ (`src/score/x.ts` → `src/score`), or undefined. */
export function srcFolder(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length > 2 ? `src/${parts[1]}` : undefined;
}

/** Cycles between src/ folders: each strongly connected set of two or more folders, sorted. */
export function folderCycles(graph: ModuleGraph): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const a = srcFolder(from);
    if (a === undefined) continue;
    for (const to of targets) {
      const b = srcFolder(to);
      if (b === undefined || b === a) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The imports between the folders of a cycle, to say what to cut. */
export function cycleEdges(graph: ModuleGraph, cycle: readonly string[]): string[] {
  const members = new Set(cycle);
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = srcFolder(from);
    if (a === undefined || !members.has(a)) continue;
    for (const to of targets) {
      const b = srcFolder(to);
      if (b !== undefined && b !== a && members.has(b)) out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}

const under = (path: string, prefix: string) =>
  path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);

/**
 * Parses the layer-rule table of ARCHITECTURE.md: the rows after the header
 * `| rule | files | except | may not import |`, each cell a list of
 * backquoted path prefixes.
 *
 * @throws {SyntaxError} when the table is missing or a row is malformed
 */
export function parseLayerRules(markdown: string): LayerRule[] {
  const lines = markdown.split("\n");
  const header = lines.findIndex((l) => /^\|\s*rule\s*\|\s*files\s*\|\s*except\s*\|\s*may not import\s*\|/.test(l));
  if (header < 0) {
    throw new SyntaxError("ARCHITECTURE.md has no layer-rule table (| rule | files | except | may not import |)");
  }
  const rules: LayerRule[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4) throw new SyntaxError(`Cannot parse layer rule row: ${line}`);
    const paths = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const [name, files, except, forbidden] = [cells[0]!, paths(cells[1]!), paths(cells[2]!), paths(cells[3]!)];
    if (files.length === 0 || forbidden.length === 0) throw new SyntaxError(`Layer rule "${name}" names no paths`);
    rules.push({ name, files, except, forbidden });
  }
  if (rules.length === 0) throw new SyntaxError("The layer-rule table of ARCHITECTURE.md is empty");
  return rules;
}

/** Every import in the graph that breaks a rule. */
export function layerViolations(graph: ModuleGraph, rules: readonly LayerRule[]): Violation[] {
  const out: Violation[] = [];
  for (const rule of rules) {
    for (const [from, targets] of graph) {
      if (!rule.files.some((p) => under(from, p)) || rule.except.some((p) => under(from, p))) continue;
      for (const to of targets) {
        if (rule.forbidden.some((p) => under(to, p))) out.push({ rule: rule.name, from, to });
      }
    }
  }
  return out;
}
