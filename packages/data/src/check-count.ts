import { DataError } from "./errors";
/** Checks that `value` is an integer ≥ `min`, naming the class and option otherwise. */
export function checkCount(owner: string, option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    const shown =
      typeof value === "number" ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
    throw new DataError(`${owner}: ${option} must be an integer >= ${min}, got ${shown}`);
  }
}
