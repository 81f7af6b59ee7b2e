import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { TASK_DEFAULTS } from "./defaults";
import { drawPixels, pixelsFromPad } from "./digit";
import type { FromWorker, Progress, TaskName, ToWorker, TrainConfig } from "./protocol";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (message: ToWorker, transfer: Transferable[] = []) =>
  worker.postMessage(message, transfer);

const taskSelect = $<HTMLSelectElement>("task");
const hiddenInput = $<HTMLInputElement>("hidden");
const activationSelect = $<HTMLSelectElement>("activation");
const optimizerSelect = $<HTMLSelectElement>("optimizer");
const lrInput = $<HTMLInputElement>("lr");
const batchInput = $<HTMLInputElement>("batch");
const runButton = $<HTMLButtonElement>("run");
const message = $("message");
let running = false;
let config: TrainConfig = TASK_DEFAULTS.spiral;

// ---- charts (uPlot): loss, and train/test accuracy, per step
const steps: number[] = [];
const losses: number[] = [];
const accuracies: number[] = [];
const tests: (number | null)[] = [];
const validations: (number | null)[] = [];
const series = [steps, losses, accuracies, tests, validations];
const MAX_POINTS = 4000;

function chartWidth(element: HTMLElement): number {
  return Math.max(200, element.clientWidth || 300);
}
function makeChart(element: HTMLElement, series: uPlot.Series[], range?: [number, number]) {
  return new uPlot(
    {
      width: chartWidth(element),
      height: 180,
      scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
      axes: [{ label: "step" }, {}],
      series: [{ label: "step" }, ...series],
      legend: { show: true },
    },
    [[], ...series.map(() => [])],
    element,
  );
}
const lossElement = $("loss-chart");
const accuracyElement = $("accuracy-chart");
const lossChart = makeChart(lossElement, [
  { label: "train", stroke: "#e76f51", width: 2 },
  {
    label: "validation",
    stroke: "#6d597a",
    width: 2,
    points: { show: true, size: 6 },
    spanGaps: true,
  },
]);
const accuracyChart = makeChart(
  accuracyElement,
  [
    { label: "train", stroke: "#457b9d", width: 2 },
    { label: "test", stroke: "#2a9d8f", width: 2, points: { show: true, size: 6 }, spanGaps: true },
  ],
  [0, 1],
);
window.addEventListener("resize", () => {
  lossChart.setSize({ width: chartWidth(lossElement), height: 180 });
  accuracyChart.setSize({ width: chartWidth(accuracyElement), height: 180 });
});

function redrawCharts(): void {
  lossChart.setData([steps, losses, validations]);
  accuracyChart.setData([steps, accuracies, tests]);
  // what the browser test reads: points drawn, and the first and last (validation) loss
  const validated = validations.filter((v) => v !== null);
  lossElement.dataset.points = String(steps.length);
  lossElement.dataset.firstLoss = String(losses[0] ?? "");
  lossElement.dataset.lastLoss = String(losses.at(-1) ?? "");
  lossElement.dataset.validationPoints = String(validated.length);
  lossElement.dataset.firstValidation = String(validated[0] ?? "");
  lossElement.dataset.lastValidation = String(validated.at(-1) ?? "");
  accuracyElement.dataset.points = String(steps.length);
}

/** A new model: empty charts, no figures, no sampled names. */
function clearCharts(): void {
  for (const list of series) list.length = 0;
  redrawCharts();
  for (const id of ["loss", "accuracy", "test", "validation"]) $(id).textContent = "–";
  $("names").replaceChildren();
  $("names-note").textContent = "";
}

function record(p: Progress): void {
  steps.push(p.step);
  losses.push(p.loss);
  accuracies.push(p.accuracy);
  tests.push(p.testAccuracy);
  validations.push(p.validationLoss);
  if (steps.length > MAX_POINTS) {
    // keep every other point of the older half (and every held-out figure): long runs stay
    // cheap to draw
    const keep = (i: number) =>
      i >= MAX_POINTS / 2 || i % 2 === 0 || tests[i] !== null || validations[i] !== null;
    const kept = steps.map((_, i) => i).filter(keep);
    for (const list of series as unknown[][]) {
      list.splice(0, list.length, ...kept.map((i) => list[i]));
    }
  }
  redrawCharts();
}

// ---- settings
function showConfig(c: TrainConfig): void {
  taskSelect.value = c.task;
  hiddenInput.value = c.hidden.join(", ");
  activationSelect.value = c.activation;
  optimizerSelect.value = c.optimizer;
  lrInput.value = String(c.lr);
  batchInput.value = String(c.batchSize);
  $("boundary-panel").hidden = c.task !== "spiral";
  $("names-panel").hidden = c.task !== "names";
  $("digit-note").hidden = isDigitTask(c.task);
  $("hidden-label").textContent = HIDDEN_LABELS[c.task];
  lossChart.setSeries(2, { show: c.task === "names" });
}

/** What the "hidden sizes" field holds for each task. */
const HIDDEN_LABELS: Record<TaskName, string> = {
  spiral: "hidden sizes",
  mnist: "hidden sizes",
  cnn: "channels",
  names: "width, heads, blocks",
};

function readConfig(): TrainConfig | null {
  const hidden = hiddenInput.value.split(",").map((part) => Number(part.trim()));
  const lr = Number(lrInput.value);
  const batchSize = Number(batchInput.value);
  if (hidden.length === 0 || !hidden.every((n) => Number.isInteger(n) && n >= 1)) {
    say(`${HIDDEN_LABELS[taskSelect.value as TaskName]}: whole numbers ≥ 1 separated by commas`);
    return null;
  }
  if (!(lr > 0) || !Number.isFinite(lr)) {
    say("learning rate: a number > 0");
    return null;
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    say("batch size: a whole number ≥ 1");
    return null;
  }
  return {
    task: taskSelect.value as TaskName,
    hidden,
    activation: activationSelect.value as TrainConfig["activation"],
    optimizer: optimizerSelect.value as TrainConfig["optimizer"],
    lr,
    batchSize,
    seed: config.seed,
  };
}

/** The tasks that read 28 × 28 digits, so the pad works with them. */
function isDigitTask(task: TaskName): boolean {
  return task === "mnist" || task === "cnn";
}

function say(text: string): void {
  message.textContent = text;
}

function setRunning(value: boolean): void {
  running = value;
  runButton.textContent = value ? "Pause" : "Train";
  runButton.setAttribute("aria-pressed", String(value));
}

function configure(next: TrainConfig): void {
  config = next;
  setRunning(false);
  clearCharts();
  showConfig(next);
  say(isDigitTask(next.task) ? "loading the MNIST digits…" : "");
  send({ type: "configure", config: next, mnistUrl: new URL("mnist.bin", document.baseURI).href });
}

taskSelect.addEventListener("change", () => configure(TASK_DEFAULTS[taskSelect.value as TaskName]));
$("settings").addEventListener("change", (event) => {
  if (event.target === taskSelect) return;
  const next = readConfig();
  if (next) configure(next);
});
$("settings").addEventListener("submit", (event) => event.preventDefault());
runButton.addEventListener("click", () => {
  setRunning(!running);
  send({ type: running ? "run" : "pause" });
});
$("reset").addEventListener("click", () => {
  const next = readConfig();
  if (next) configure(next);
});
$("save").addEventListener("click", () => send({ type: "save" }));
$<HTMLInputElement>("load").addEventListener("change", async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  setRunning(false);
  send({ type: "load", bytes, fileName: file.name }, [bytes.buffer]);
  input.value = "";
});

// ---- decision boundary
const PALETTE: [number, number, number][] = [
  [231, 111, 81],
  [42, 157, 143],
  [69, 123, 157],
];
function drawBoundary(m: Extract<FromWorker, { type: "boundary" }>): void {
  const canvas = $<HTMLCanvasElement>("boundary");
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  const cells = new ImageData(m.size, m.size);
  m.classes.forEach((c, i) => {
    const [r, g, b] = PALETTE[c % PALETTE.length] as [number, number, number];
    cells.data.set([r + (255 - r) * 0.6, g + (255 - g) * 0.6, b + (255 - b) * 0.6, 255], 4 * i);
  });
  const small = new OffscreenCanvas(m.size, m.size);
  (small.getContext("2d") as OffscreenCanvasRenderingContext2D).putImageData(cells, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const scale = canvas.width / (2 * m.extent);
  for (let i = 0; i < m.labels.length; i++) {
    const [r, g, b] = PALETTE[(m.labels[i] as number) % PALETTE.length] as number[];
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.beginPath();
    const x = ((m.points[2 * i] as number) + m.extent) * scale;
    const y = (m.extent - (m.points[2 * i + 1] as number)) * scale;
    ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  canvas.dataset.drawn = String(Number(canvas.dataset.drawn ?? 0) + 1);
}

// ---- digit pad
const pad = $<HTMLCanvasElement>("pad");
const padContext = pad.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
function clearPad(): void {
  padContext.fillStyle = "#000";
  padContext.fillRect(0, 0, pad.width, pad.height);
  $("prediction").textContent = "–";
  $("probabilities").replaceChildren();
}
clearPad();
let drawing = false;
let last: [number, number] | null = null;
function padPoint(event: PointerEvent): [number, number] {
  const box = pad.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * pad.width) / box.width,
    ((event.clientY - box.top) * pad.height) / box.height,
  ];
}
function predictPad(): void {
  if (!isDigitTask(config.task)) {
    say("pick an MNIST model to read the digit");
    return;
  }
  const pixels = pixelsFromPad(pad);
  if (pixels) send({ type: "predict", pixels }, [pixels.buffer]);
}
let lastPrediction = 0;
pad.addEventListener("pointerdown", (event) => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  last = padPoint(event);
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing || last === null) return;
  const point = padPoint(event);
  padContext.strokeStyle = "#fff";
  padContext.lineWidth = 22;
  padContext.lineCap = "round";
  padContext.beginPath();
  padContext.moveTo(...last);
  padContext.lineTo(...point);
  padContext.stroke();
  last = point;
  if (performance.now() - lastPrediction > 100) {
    lastPrediction = performance.now();
    predictPad();
  }
});
const stop = () => {
  if (!drawing) return;
  drawing = false;
  last = null;
  predictPad();
};
pad.addEventListener("pointerup", stop);
pad.addEventListener("pointercancel", stop);
$("clear").addEventListener("click", clearPad);
$("sample").addEventListener("click", () => {
  if (!isDigitTask(config.task)) return say("pick an MNIST model to show a test digit");
  send({ type: "sample" });
});

// ---- names
const namesList = $<HTMLOListElement>("names");
$("sampling").addEventListener("submit", (event) => {
  event.preventDefault();
  if (config.task !== "names") return say("pick the names model to sample names");
  const seed = Number($<HTMLInputElement>("name-seed").value);
  const temperature = Number($<HTMLInputElement>("temperature").value);
  const count = Number($<HTMLInputElement>("name-count").value);
  if (!Number.isInteger(seed) || seed < 0) return say("seed: a whole number ≥ 0");
  if (!(temperature > 0) || !Number.isFinite(temperature)) return say("temperature: a number > 0");
  if (!Number.isInteger(count) || count < 1 || count > 50) return say("names: 1 to 50");
  send({ type: "sampleNames", seed, temperature, count });
});

function showNames(m: Extract<FromWorker, { type: "names" }>): void {
  const items = m.names.map(({ name, novel }) => {
    const item = document.createElement("li");
    item.textContent = novel ? `${name} *` : name;
    if (novel) item.className = "novel";
    return item;
  });
  namesList.replaceChildren(...items);
  const novel = m.names.filter((n) => n.novel).length;
  $("names-note").textContent =
    `seed ${m.seed}, temperature ${m.temperature}: ${novel} of ${m.names.length} are not training names (marked *)`;
}

function showProbabilities(probabilities: Float32Array): void {
  let best = 0;
  probabilities.forEach((p, i) => {
    if (p > (probabilities[best] as number)) best = i;
  });
  const items = Array.from(probabilities, (p, digit) => {
    const item = document.createElement("li");
    if (digit === best) item.className = "best";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${Math.max(1, p * 100)}px`;
    const label = document.createElement("b");
    label.textContent = String(digit);
    item.append(label, bar, `${(p * 100).toFixed(1)}%`);
    return item;
  });
  $("probabilities").replaceChildren(...items);
  $("prediction").textContent = `${best} (${((probabilities[best] as number) * 100).toFixed(1)}%)`;
}

// ---- the worker's messages
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case "engine":
      $("engine").textContent =
        `${m.engine}${crossOriginIsolated ? "" : " (page not cross-origin isolated)"}`;
      break;
    case "ready":
      $("description").textContent = `${m.description}, ${m.samples} training samples`;
      if (m.config.task === config.task) say("");
      $("step").textContent = "0";
      $("epoch").textContent = "0";
      break;
    case "progress":
      if (!running) break;
      record(m);
      $("step").textContent = String(m.step);
      $("epoch").textContent = String(m.epoch);
      $("speed").textContent = m.stepsPerSecond.toFixed(0);
      $("loss").textContent = m.loss.toFixed(4);
      $("accuracy").textContent = m.accuracy.toFixed(3);
      if (m.testAccuracy !== null) $("test").textContent = m.testAccuracy.toFixed(4);
      if (m.validationLoss !== null) $("validation").textContent = m.validationLoss.toFixed(4);
      break;
    case "paused":
      break;
    case "boundary":
      drawBoundary(m);
      break;
    case "saved": {
      const url = URL.createObjectURL(
        new Blob([m.bytes as BlobPart], { type: "application/octet-stream" }),
      );
      const link = document.createElement("a");
      link.href = url;
      link.download = m.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      say(`saved ${m.fileName}`);
      break;
    }
    case "loaded":
      config = m.config;
      clearCharts();
      showConfig(m.config);
      say(`loaded ${m.fileName}`);
      break;
    case "prediction":
      showProbabilities(m.probabilities);
      break;
    case "names":
      showNames(m);
      break;
    case "sample":
      drawPixels(pad, m.pixels);
      say(`a test digit labelled ${m.label}`);
      predictPad();
      break;
    case "error":
      setRunning(false);
      say(`error: ${m.message}`);
      break;
  }
};

configure(config);
