// The few WebAssembly and Web Worker APIs this package uses, typed here so that it compiles
// (also as source, inside packages that build for Node only) without the DOM library.

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module: opaque here, posted to workers as it is. */
export type WasmModule = object;

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<WasmModule>;
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  instantiate(
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ exports: Record<string, unknown> }>;
}

interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(
    type: "message" | "error",
    listener: (event: { data?: unknown; message?: string }) => void,
    options?: { once: boolean },
  ): void;
  terminate(): void;
}

interface WebGlobals {
  WebAssembly: WebAssemblyApi;
  Worker?: new (url: string) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  atob(data: string): string;
  navigator?: { hardwareConcurrency?: number };
}

/** The host's globals, as far as this package needs them. */
export const host = globalThis as unknown as WebGlobals;
