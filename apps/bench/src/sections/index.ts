import type { Section } from "../section";
import { addSection } from "./add";
import { matmulSection } from "./matmul";
import { sumSection } from "./sum";
import { transposeSection } from "./transpose";
import { unarySection } from "./unary";

/** Every section, in the order they run and print. */
export const SECTIONS: readonly Section[] = [
  matmulSection,
  addSection,
  unarySection,
  sumSection,
  transposeSection,
];
