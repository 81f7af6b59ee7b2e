export { collate } from "./collate";
export { DataLoader, type DataLoaderOptions } from "./dataloader";
export { ArrayDataset, type Batch, type Dataset } from "./dataset";
export { DataError } from "./errors";
export { SeqDataLoader } from "./seq-dataloader";
export { type SinCurveOptions, sinCurve } from "./sin-curve";
export { type SpiralOptions, spiral } from "./spiral";
