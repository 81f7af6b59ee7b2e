import { Command, CommanderError, Option } from "commander";
import demoPackage from "../package.json" with { type: "json" };
import { AUTOGRAD_DEFAULTS, autograd } from "./commands/autograd";
import { CNN_DEFAULTS, cnn } from "./commands/cnn";
import { LSTM_DEFAULTS, lstm } from "./commands/lstm";
import { MNIST_DEFAULTS, mnist } from "./commands/mnist";
import { NAMES_DEFAULTS, names } from "./commands/names";
import { type PredictOptions, predict } from "./commands/predict";
import { isNamesWeights, predictNames } from "./commands/predict-names";
import { predictOnnx } from "./commands/predict-onnx";
import { ROSENBROCK_DEFAULTS, rosenbrock } from "./commands/rosenbrock";
import { SIN_DEFAULTS, sin } from "./commands/sin";
import { SPIRAL_DEFAULTS, spiral } from "./commands/spiral";
import { XOR_DEFAULTS, xor } from "./commands/xor";
import { defaultEngine, ENGINES, type EngineName, selectEngine } from "./engine";
import {
  integerPair,
  nonNegativeInteger,
  OPTIMIZERS,
  positiveInteger,
  positiveNumber,
} from "./flags";
import { type Io, OutputClosedError, Printer, UsageError } from "./io";

/** Exit status for bad input: an unknown command or flag, a bad value, a bad weights file. */
export const EXIT_USAGE = 2;

/** The commands, in the order `--help` lists them; the first runs when none is named. */
export const COMMANDS = [
  "mnist",
  "cnn",
  "predict",
  "spiral",
  "sin",
  "lstm",
  "names",
  "autograd",
  "rosenbrock",
  "xor",
];

/**
 * Runs the CLI on `argv` (the arguments after the script, as `process.argv.slice(2)`),
 * writing to `io`, and resolves with the exit status: 0 on success, 2 for bad input (after a
 * one-line `error: ...` and the usage on stderr), 1 for an unexpected failure (one line, no
 * stack trace). When stdout's reader goes away (`| head -1`), the run stops at the next line
 * and resolves with 0, printing nothing more: the reader had what it wanted, so that is no
 * failure (and `set -o pipefail` scripts keep working). Never calls `process.exit`, so tests
 * can run it in-process.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = withDefaultCommand(argv);
  const program = buildProgram(io);
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    if (error instanceof CommanderError) {
      // help and version are "errors" that exit 0; everything else is bad input.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: ${message.split("\n")[0]}\n`);
    return 1;
  }
}

/**
 * pnpm passes a `--` separator through (`pnpm demo -- spiral`), so one leading `--` is
 * dropped; and with no command named (nothing, or flags only), the default `mnist` runs.
 */
function withDefaultCommand(argv: readonly string[]): string[] {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const first = args[0];
  const programFlag = ["-h", "--help", "-V", "--version"].includes(first ?? "");
  if (first === undefined || (first.startsWith("-") && !programFlag)) args.unshift("mnist");
  return args;
}

/** The commander program: one subcommand per demo, each with its flags and defaults. */
function buildProgram(io: Io): Command {
  const printer = new Printer(io);
  const program = new Command("zerograd-demo")
    .description(
      "Train real models with zerograd from the command line. Without a command, runs mnist.\n" +
        "Files go to --out (default ./out). From the repo root: pnpm demo -- <command> [flags].",
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .version(demoPackage.version, "-V, --version", "print the version of zerograd-demo")
    .exitOverride()
    .showHelpAfterError(true)
    .allowExcessArguments(false)
    .addOption(
      new Option(
        "--engine <name>",
        "kernels: js (ndarray's own) or wasm (@zerograd/wasm, SIMD + threads)",
      )
        .choices(ENGINES)
        .default(defaultEngine()),
    )
    .hook("preAction", async (command) => {
      printer.noteAfterHeader(
        `engine: ${await selectEngine(command.opts<{ engine: EngineName }>().engine)}`,
      );
    });

  /** Runs `action`; its UsageErrors become commander errors (one line + usage, status 2). */
  const run =
    <T>(action: (options: T, command: Command) => Promise<unknown> | unknown) =>
    async (_options: unknown, command: Command) => {
      const options = command.opts<T & { json?: boolean }>();
      let result: unknown;
      try {
        result = await action(options, command);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        command.error(`error: ${error.message}`, { exitCode: EXIT_USAGE, code: "zerograd.usage" });
      }
      if (options.json) {
        printer.line(JSON.stringify({ command: command.name(), ...(result as object) }));
      }
    };

  const json = () =>
    new Option("--json", "print the final metrics as one JSON object, as the last line");
  const optimizer = (fallback: string) =>
    new Option("--optimizer <name>", "optimizer (momentum = SGD with momentum 0.9)")
      .choices(OPTIMIZERS)
      .default(fallback);
  const seed = (fallback: number) =>
    new Option("--seed <n>", "seed of the data, the initial weights and the shuffling")
      .argParser(nonNegativeInteger)
      .default(fallback);
  const out = (fallback: string) =>
    new Option("--out <dir>", "folder for the output files").default(fallback);
  const exportOnnx = () =>
    new Option("--export-onnx <file>", "also write the trained model as ONNX (@zerograd/onnx)");

  program
    .command("mnist")
    .description(
      "train an MLP on 10,000 handwritten digits (8,000 train / 2,000 test); save the weights and curves",
    )
    .option("--epochs <n>", "passes over the training set", positiveInteger, MNIST_DEFAULTS.epochs)
    .option("--batch-size <n>", "samples per step", positiveInteger, MNIST_DEFAULTS.batchSize)
    .option("--lr <x>", "learning rate", positiveNumber, MNIST_DEFAULTS.lr)
    .option("--hidden <n>", "hidden units", positiveInteger, MNIST_DEFAULTS.hidden)
    .addOption(optimizer(MNIST_DEFAULTS.optimizer))
    .addOption(seed(MNIST_DEFAULTS.seed))
    .addOption(out(MNIST_DEFAULTS.out))
    .addOption(exportOnnx())
    .addOption(json())
    .action(run((options: typeof MNIST_DEFAULTS) => mnist(options, printer)));

  program
    .command("cnn")
    .description(
      "train a small CNN (conv-relu-pool x2, linear) on the same digits; save the weights and curves",
    )
    .option("--epochs <n>", "passes over the training set", positiveInteger, CNN_DEFAULTS.epochs)
    .option("--batch-size <n>", "samples per step", positiveInteger, CNN_DEFAULTS.batchSize)
    .option("--lr <x>", "learning rate", positiveNumber, CNN_DEFAULTS.lr)
    .addOption(
      new Option("--channels <c1,c2>", "output channels of the two convolutions")
        .argParser(integerPair)
        .default(CNN_DEFAULTS.channels, CNN_DEFAULTS.channels.join(",")),
    )
    .option(
      "--shift <px>",
      "shift each training digit by up to this many pixels, at random (0: off)",
      nonNegativeInteger,
      CNN_DEFAULTS.shift,
    )
    .addOption(optimizer(CNN_DEFAULTS.optimizer))
    .addOption(seed(CNN_DEFAULTS.seed))
    .addOption(out(CNN_DEFAULTS.out))
    .addOption(exportOnnx())
    .addOption(json())
    .action(run((options: typeof CNN_DEFAULTS) => cnn(options, printer)));

  program
    .command("predict")
    .description(
      "load weights saved by mnist, cnn or names and print their accuracy (names: validation loss) on the same split",
    )
    .requiredOption("--weights <file>", "a .safetensors file written by mnist, cnn or names")
    .addOption(
      new Option(
        "--seed <n>",
        "seed of the split (default: the one saved with the weights)",
      ).argParser(nonNegativeInteger),
    )
    .option("--onnx <file>", "also run this ONNX file (--export-onnx) in onnxruntime and compare")
    .addOption(json())
    .action(
      run(({ onnx, ...options }: PredictOptions) =>
        isNamesWeights(options.weights)
          ? predictNames({ ...options, onnx }, printer)
          : onnx === undefined
            ? predict(options, printer)
            : predictOnnx({ ...options, onnx }, printer),
      ),
    );

  program
    .command("spiral")
    .description("classify the book's 3-arm spiral with a 2-layer MLP; draw the decision boundary")
    .option("--epochs <n>", "passes over the 300 points", positiveInteger, SPIRAL_DEFAULTS.epochs)
    .option("--batch-size <n>", "samples per step", positiveInteger, SPIRAL_DEFAULTS.batchSize)
    .option("--lr <x>", "learning rate", positiveNumber, SPIRAL_DEFAULTS.lr)
    .option("--hidden <n>", "hidden units", positiveInteger, SPIRAL_DEFAULTS.hidden)
    .addOption(optimizer(SPIRAL_DEFAULTS.optimizer))
    .addOption(seed(SPIRAL_DEFAULTS.seed))
    .addOption(out(SPIRAL_DEFAULTS.out))
    .addOption(json())
    .action(run((options: typeof SPIRAL_DEFAULTS) => spiral(options, printer)));

  program
    .command("sin")
    .description("fit sin(2πx) + noise with an MLP (regression); draw the fit")
    .option("--iterations <n>", "full-batch steps", positiveInteger, SIN_DEFAULTS.iterations)
    .option("--lr <x>", "learning rate", positiveNumber, SIN_DEFAULTS.lr)
    .option("--hidden <n>", "hidden units", positiveInteger, SIN_DEFAULTS.hidden)
    .addOption(optimizer(SIN_DEFAULTS.optimizer))
    .addOption(seed(SIN_DEFAULTS.seed))
    .addOption(out(SIN_DEFAULTS.out))
    .addOption(json())
    .action(run((options: typeof SIN_DEFAULTS) => sin(options, printer)));

  program
    .command("lstm")
    .description(
      "an LSTM learns the book's noisy sin curve (truncated BPTT); draw its prediction of cos",
    )
    .option("--epochs <n>", "passes over the series", positiveInteger, LSTM_DEFAULTS.epochs)
    .option(
      "--batch-size <n>",
      "parallel streams the series is cut into",
      positiveInteger,
      LSTM_DEFAULTS.batchSize,
    )
    .option("--hidden <n>", "hidden units of the LSTM", positiveInteger, LSTM_DEFAULTS.hidden)
    .option(
      "--bptt-length <n>",
      "time steps per truncated backpropagation",
      positiveInteger,
      LSTM_DEFAULTS.bpttLength,
    )
    .option("--lr <x>", "learning rate", positiveNumber, LSTM_DEFAULTS.lr)
    .addOption(optimizer(LSTM_DEFAULTS.optimizer))
    .addOption(seed(LSTM_DEFAULTS.seed))
    .addOption(out(LSTM_DEFAULTS.out))
    .addOption(
      new Option(
        "--export-onnx <file>",
        "also write one step of the trained model as ONNX (x, h, c in; y, hNext, cNext out)",
      ),
    )
    .addOption(json())
    .action(run((options: typeof LSTM_DEFAULTS) => lstm(options, printer)));

  program
    .command("names")
    .description(
      "train a small GPT on 8,000 first names (makemore); compare with a bigram model; invent names",
    )
    .option(
      "--epochs <n>",
      "passes over the training names",
      positiveInteger,
      NAMES_DEFAULTS.epochs,
    )
    .option("--batch-size <n>", "names per step", positiveInteger, NAMES_DEFAULTS.batchSize)
    .option("--lr <x>", "peak learning rate (AdamW)", positiveNumber, NAMES_DEFAULTS.lr)
    .option("--embed <n>", "width of the embeddings", positiveInteger, NAMES_DEFAULTS.embed)
    .option(
      "--heads <n>",
      "attention heads (must divide --embed)",
      positiveInteger,
      NAMES_DEFAULTS.heads,
    )
    .option("--layers <n>", "transformer blocks", positiveInteger, NAMES_DEFAULTS.layers)
    .option("--samples <n>", "names to sample at the end", positiveInteger, NAMES_DEFAULTS.samples)
    .option(
      "--temperature <x>",
      "sampling temperature (lower: safer names)",
      positiveNumber,
      NAMES_DEFAULTS.temperature,
    )
    .addOption(seed(NAMES_DEFAULTS.seed))
    .addOption(out(NAMES_DEFAULTS.out))
    .addOption(exportOnnx())
    .addOption(json())
    .action(run((options: typeof NAMES_DEFAULTS) => names(options, printer)));

  program
    .command("autograd")
    .description(
      "the book's first stage: backprop vs numerical derivative, Newton's method, tanh's derivatives, the graph",
    )
    .option(
      "--newton-steps <n>",
      "Newton steps on x⁴ - 2x²",
      positiveInteger,
      AUTOGRAD_DEFAULTS.newtonSteps,
    )
    .option("--order <n>", "derivatives of tanh to take", positiveInteger, AUTOGRAD_DEFAULTS.order)
    .addOption(out(AUTOGRAD_DEFAULTS.out))
    .addOption(json())
    .action(run((options: typeof AUTOGRAD_DEFAULTS) => autograd(options, printer)));

  program
    .command("rosenbrock")
    .description("gradient descent on Rosenbrock's function with autograd + optim (no layers)")
    .option("--iterations <n>", "steps", positiveInteger, ROSENBROCK_DEFAULTS.iterations)
    .option("--lr <x>", "learning rate", positiveNumber, ROSENBROCK_DEFAULTS.lr)
    .addOption(optimizer(ROSENBROCK_DEFAULTS.optimizer))
    .option(
      "--every <n>",
      "print the point every n steps",
      positiveInteger,
      ROSENBROCK_DEFAULTS.every,
    )
    .addOption(json())
    .action(run((options: typeof ROSENBROCK_DEFAULTS) => rosenbrock(options, printer)));

  program
    .command("xor")
    .description(
      "regress [[0,0],[0,1],[1,0],[1,1]] -> [0,1,0,1] with Sequential(Linear(2,3), Linear(3,1))",
    )
    .option("--iterations <n>", "steps", positiveInteger, XOR_DEFAULTS.iterations)
    .option("--lr <x>", "learning rate", positiveNumber, XOR_DEFAULTS.lr)
    .addOption(optimizer(XOR_DEFAULTS.optimizer))
    .addOption(seed(XOR_DEFAULTS.seed))
    .addOption(json())
    .action(run((options: typeof XOR_DEFAULTS) => xor(options, printer)));

  return program;
}
