import type { Section } from "../section";
import { addSection } from "./add";
import { argmaxSection } from "./argmax";
import { autogradChainSection } from "./autograd-chain";
import { autogradMemorySection } from "./autograd-memory";
import { autogradMlpSection } from "./autograd-mlp";
import { cnnSection } from "./cnn";
import { concatSection } from "./concat";
import { convSection } from "./conv";
import { im2colSection } from "./im2col";
import { matmulSection } from "./matmul";
import { sumSection } from "./sum";
import { takeSection } from "./take";
import { transposeSection } from "./transpose";
import { unarySection } from "./unary";
import { whereSection } from "./where";

/** Every section, in the order they run and print. */
export const SECTIONS: readonly Section[] = [
  matmulSection,
  addSection,
  unarySection,
  sumSection,
  transposeSection,
  argmaxSection,
  takeSection,
  concatSection,
  im2colSection,
  whereSection,
  autogradChainSection,
  autogradMlpSection,
  convSection,
  cnnSection,
  autogradMemorySection,
];
