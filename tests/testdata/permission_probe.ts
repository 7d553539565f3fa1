/**
 * Tries the operations named in its JSON argument and prints, for each, "ok",
 * "denied" (NotCapable) or the error name. Run under a permission set by
 * tests/permissions_test.ts.
 */
type Probe =
  | { kind: "read"; path: string }
  | { kind: "write"; path: string }
  | { kind: "net"; hostname: string; port: number }
  | { kind: "fetch"; url: string }
  | { kind: "env"; name: string }
  | { kind: "run"; command: string };

async function attempt(probe: Probe): Promise<void> {
  switch (probe.kind) {
    case "read":
      await Deno.readFile(probe.path);
      return;
    case "write":
      await Deno.writeTextFile(probe.path, "probe");
      await Deno.remove(probe.path);
      return;
    case "net": {
      const conn = await Deno.connect({ hostname: probe.hostname, port: probe.port });
      conn.close();
      return;
    }
    case "fetch":
      await (await fetch(probe.url)).body?.cancel();
      return;
    case "env":
      Deno.env.get(probe.name);
      return;
    case "run":
      await new Deno.Command(probe.command, { args: ["--version"], stdout: "null", stderr: "null" }).output();
      return;
  }
}

const probes = JSON.parse(Deno.args[0] ?? "[]") as Probe[];
const results: string[] = [];
for (const probe of probes) {
  try {
    await attempt(probe);
    results.push("ok");
  } catch (error) {
    results.push(error instanceof Deno.errors.NotCapable ? "denied" : (error as Error).name);
  }
}
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(results)));
