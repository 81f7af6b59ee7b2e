import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadAverage, machineInfo } from "./machine";
import { handWrittenTable, heading, indexProbes, sectionTable } from "./report";
import { exitCode, indexResults, probesRun } from "./results";
import type { CaseResult, ProbeResult, Section } from "./section";
import { SECTIONS } from "./sections/index";
import { targetsTable } from "./targets";
import { nowMs } from "./timing";
import {
  librariesFor,
  runWorker,
  WORKERS,
  type Worker,
  type WorkerMessage,
  type WorkerReport,
} from "./worker";

const USAGE = `usage: pnpm bench [--quick] [--only=${SECTIONS.map((s) => s.name).join(",")}] [--libs=${WORKERS.join(",")}]

  --quick   fewer samples, no n=1024 matmul, no leak control in autograd-memory
  --only    run only these sections (comma-separated)
  --libs    run only these libraries; the hand-written loops run with zerograd

Each library runs in child processes, one per section, one after another; the parent prints one
report.
Where a target compares zg-wasm with tfjs-wasm, zerograd's child times tfjs-wasm too.
Exit code 1 when any result is wrong or fails (zerograd on the js or wasm engine, a hand-written
loop, tfjs) or a child fails; a missed target alone is exit 0.`;

function parseList<T extends string>(
  flag: string,
  raw: string | undefined,
  known: readonly T[],
): T[] {
  if (raw === undefined) return [...known];
  const picked = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = picked.filter((p) => !known.includes(p as T));
  if (unknown.length > 0 || picked.length === 0) {
    throw new Error(
      `--${flag}: unknown ${unknown.join(",") || "(empty)"}; choose from ${known.join(",")}`,
    );
  }
  return known.filter((k) => picked.includes(k));
}

/** Whether `worker`'s child has anything to run in `section`: a case of its own, or a probe. */
function runsIn(
  worker: Worker,
  section: Section,
  workers: readonly Worker[],
  quick: boolean,
): boolean {
  if (worker === "zerograd" && (section.probes?.(quick).length ?? 0) > 0) return true;
  return section.cases(quick).some((c) => librariesFor(worker, c, workers).own);
}

/** Runs one worker in a child process of this same script and resolves with its report. */
function runChild(worker: Worker, args: string[]): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--worker", worker, ...args], {
      // gc() lets the timing loop free big outputs between samples instead of inside them.
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let report: WorkerReport | undefined;
    child.on("message", (m: WorkerMessage) => {
      if (m.kind === "report") report = m.report;
      else if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${m.text}`);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
      if (report) resolve(report);
      else
        reject(new Error(`${worker} child exited with ${signal ?? `code ${code}`} and no report`));
    });
  });
}

async function childMain(
  worker: Worker,
  workers: readonly Worker[],
  sections: readonly Section[],
  quick: boolean,
) {
  const send = (m: WorkerMessage) =>
    new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));
  const report = await runWorker(worker, workers, sections, quick, (text) => {
    process.send?.({ kind: "progress", text } satisfies WorkerMessage);
  });
  await send({ kind: "report", report });
  process.disconnect?.();
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      libs: { type: "string" },
      worker: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = parseList(
    "only",
    values.only,
    SECTIONS.map((s) => s.name),
  );
  const sections = SECTIONS.filter((s) => names.includes(s.name));
  const quick = values.quick;

  const workers = parseList("libs", values.libs, WORKERS);
  if (values.worker !== undefined) {
    const [worker] = parseList("worker", values.worker, WORKERS);
    await childMain(worker as Worker, workers, sections, quick);
    return 0;
  }

  console.log(heading(`zerograd bench${quick ? " --quick" : ""}: ${names.join(", ")}`));
  for (const line of machineInfo()) console.log(`  ${line}`);
  console.log(
    "  single-threaded: tfjs-cpu is plain JS; tfjs-wasm uses SIMD and one thread on Node",
  );

  const flags = [...(quick ? ["--quick"] : []), `--libs=${workers.join(",")}`];
  const results: CaseResult[] = [];
  const probeResults: ProbeResult[] = [];
  let childFailures = 0;
  const start = nowMs();
  for (const worker of workers) {
    const t0 = nowMs();
    // One child per section, so that no section's figures depend on what ran before it in the
    // same process: the heap, the wasm memory and V8's GC limits that earlier sections leave
    // behind (tfjs-wasm's heap alone moved the CNN step by a fifth).
    const own = sections.filter((s) => runsIn(worker, s, workers, quick));
    const infos = new Set<string>();
    let alongside: { info: string; cases: number } | undefined;
    let failed = 0;
    for (const section of own) {
      try {
        const report = await runChild(worker, [...flags, `--only=${section.name}`]);
        results.push(...report.results);
        probeResults.push(...report.probes);
        infos.add(report.info);
        if (report.alongside) {
          alongside = {
            info: report.alongside.info,
            cases: (alongside?.cases ?? 0) + report.alongside.cases,
          };
        }
      } catch (e) {
        failed++;
        console.log(
          `  ${worker} FAILED on ${section.name}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    childFailures += failed;
    if (own.length === failed) continue;
    const info = [...infos].join(" | ");
    const extra = alongside ? `; ${alongside.info} alongside on ${alongside.cases} cases` : "";
    const children = `${own.length} ${own.length === 1 ? "child" : "children"}`;
    console.log(
      `  ran ${worker.padEnd(10)} ${((nowMs() - t0) / 1000).toFixed(1).padStart(6)} s  ${children}, one per section: ${info}${extra}`,
    );
  }

  const lookup = indexResults(results);
  const probes = indexProbes(probeResults);
  const cases = sections.flatMap((s) => s.cases(quick));
  const probeIds = probesRun(sections, workers, quick);
  for (const section of sections) {
    const own = section.cases(quick);
    for (const line of sectionTable(section, own, lookup, probes)) console.log(line);
  }
  for (const line of handWrittenTable(cases, lookup)) console.log(line);
  for (const line of targetsTable(names, cases, lookup, results, probeIds, probes))
    console.log(line);
  console.log(`\n  total ${((nowMs() - start) / 1000).toFixed(1)} s; load ${loadAverage()} at end`);

  return exitCode(results, probeResults, childFailures);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    console.error(USAGE);
    process.exitCode = 2;
  },
);
