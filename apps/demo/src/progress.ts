import { SingleBar } from "cli-progress";
import { formatCount, formatFixed, type Printer } from "./io";

/** What an epoch reports as it goes. */
export interface EpochStats {
  /** Mean training loss so far this epoch. */
  loss: number;
  /** Training accuracy so far this epoch; absent for a regression (nothing to count right). */
  accuracy?: number;
  /** Samples seen so far this epoch. */
  samples: number;
}

/**
 * One epoch's progress: on a terminal an animated cli-progress bar (loss, accuracy, samples/s),
 * replaced at the end by a summary line; elsewhere (pipes, files, tests) the summary line only,
 * so logs hold one line per epoch either way. With `{ accuracy: false }` (a regression), neither
 * the bar nor the line shows one. The label says what one bar covers (an epoch, or a block of them).
 */
export class EpochProgress {
  private readonly bar: SingleBar | null;
  private readonly started = performance.now();
  /** Whether the bar and the line show an accuracy (not for a regression). */
  private readonly showAccuracy: boolean;

  constructor(
    private readonly printer: Printer,
    private readonly label: string,
    totalBatches: number,
    options: { accuracy?: boolean } = {},
  ) {
    this.showAccuracy = options.accuracy ?? true;
    const stream = printer.io.stdout;
    this.bar = stream.isTTY
      ? new SingleBar({
          // cli-progress draws with readline's cursor calls on a Node stream.
          stream: stream as NodeJS.WritableStream,
          format: `${label} {bar} {percentage}% | loss {loss}${this.showAccuracy ? " | acc {accuracy}" : ""} | {speed} samples/s`,
          barsize: 24,
          barCompleteChar: "█",
          barIncompleteChar: "░",
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        })
      : null;
    this.bar?.start(totalBatches, 0, { loss: "-", accuracy: "-", speed: "-" });
  }

  /** Reports the stats after `batches` batches of this epoch. */
  update(batches: number, stats: EpochStats): void {
    this.bar?.update(batches, {
      loss: formatFixed(stats.loss, 4),
      accuracy: stats.accuracy?.toFixed(4) ?? "-",
      speed: formatCount(stats.samples / this.seconds()),
    });
  }

  /** Ends the epoch: clears the bar and prints `summary` after the label and the timing. */
  finish(stats: EpochStats, summary: string): void {
    const seconds = this.seconds();
    this.bar?.stop();
    const speed = formatCount(stats.samples / seconds);
    const accuracy =
      this.showAccuracy && stats.accuracy !== undefined ? `  acc ${stats.accuracy.toFixed(4)}` : "";
    this.printer.line(
      `${this.label}  loss ${formatFixed(stats.loss, 4)}${accuracy}${summary}  ${speed} samples/s  ${seconds.toFixed(1)} s`,
    );
  }

  private seconds(): number {
    return Math.max(performance.now() - this.started, 1) / 1000;
  }
}
