import type { WorkflowFile } from '../schema/workflow';
import { definitionHash } from '../schema/hash';
import { CompiledCache, compileWorkflow, type CompiledWorkflow } from './compile';
import { checkInput } from './input';
import type { EngineStore } from './store';

/**
 * The workflow definitions an engine runs: stored once by content hash, compiled on demand and kept in a
 * bounded cache (`CompiledCache`), compiled again from the store when a run needs one that was dropped.
 */
export class Definitions {
  readonly compiled = new CompiledCache();
  private readonly saved = new Set<string>();

  constructor(private readonly store: EngineStore) {}

  /** Compiles and checks a workflow and its input, then stores the definition once by content hash. */
  async save(workflow: WorkflowFile, input: unknown): Promise<{ compiled: CompiledWorkflow; hash: string }> {
    const compiled = compileWorkflow(workflow);
    checkInput(compiled, input);
    const hash = await definitionHash(workflow);
    this.compiled.set(hash, compiled);
    // A hash never changes content: stored once by this engine (a batch starts thousands of runs of one definition).
    if (!this.saved.has(hash)) await this.store.saveDefinition(hash, compiled.definition);
    this.saved.add(hash);
    return { compiled, hash };
  }

  async compiledFor(hash: string): Promise<CompiledWorkflow> {
    const cached = this.compiled.get(hash);
    if (cached) return cached;
    const stored = await this.store.loadDefinition(hash);
    if (!stored) throw new Error(`the definition ${hash} of this run is missing`);
    // Stored definitions were validated before they were saved, and a hash never changes content.
    const compiled = compileWorkflow(stored.definition, stored.parsed ? { parsed: true } : { validated: true });
    this.compiled.set(hash, compiled);
    return compiled;
  }

  /** A restore may empty the stored definitions before this engine goes on: store each again when next used. */
  forgetSaved(): void {
    this.saved.clear();
  }
}
