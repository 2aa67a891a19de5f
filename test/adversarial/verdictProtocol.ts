/** Messages between the adversarial harness and its verdict worker. */

export interface FileTask {
  index: number;
  baseSeed: number;
}

export interface FileResult {
  index: number;
  seed: number;
  kind: string;
  /** UTF-16 code units of the generated text. */
  bytes: number;
  /** The verdict: importable or not. */
  ok: boolean;
  verdictMs: number;
  /** Compiling an importable file for the executor (0 when refused). */
  compileMs: number;
  /** Evaluating what an importable file holds (0 when refused). */
  checksMs: number;
  /** Running an importable file on the engine (memory store, fake clock, fake model), and how it ended. */
  runMs: number;
  runStatus: string;
  /** Longest block during the engine run (starting a run validates and compiles the whole file). */
  runBlockMs: number;
  /** Longest time the worker's event loop was blocked while this file was handled. */
  blockMs: number;
  /** The same, during the expression and schema checks only. */
  checksBlockMs: number;
  expressions: number;
  schemas: number;
  failures: string[];
}

export type WorkerMessage = { type: 'ready'; validator: string } | { type: 'result'; result: FileResult };
