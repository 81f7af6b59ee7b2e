import { cpus, loadavg, totalmem } from "node:os";

/** The 1, 5 and 15 minute load averages, e.g. "0.52 0.61 0.40". */
export function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

/** CPU model and count, memory, Node and V8 versions, and the current load. */
export function machineInfo(): string[] {
  const list = cpus();
  return [
    `cpu     ${list[0]?.model ?? "unknown"} × ${list.length} (${process.arch})`,
    `memory  ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node    ${process.version} (V8 ${process.versions.v8}) on ${process.platform}`,
    `load    ${loadAverage()} (1/5/15 min) at start`,
  ];
}
