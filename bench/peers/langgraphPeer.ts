import { Annotation, END, START, StateGraph } from '@langchain/langgraph/web';
import type { PeerFigure } from './figures';
import { freshPeerDb } from './idb';
import { IndexedDbSaver, SAVER_STORES } from './idbSaver';

/**
 * A LangGraph.js linear graph of `count` nodes (each a no-op effect that counts), compiled with the
 * IndexedDB saver and run with `durability: 'sync'`: every node's checkpoint is committed before the next
 * node runs, so it resumes from its last node like our durable mode does.
 */
const State = Annotation.Root({ done: Annotation<number> });

type Graph = { addNode: (...args: unknown[]) => Graph; addEdge: (from: string, to: string) => Graph };

export async function langgraphSteps(count: number, effect: () => Promise<unknown>): Promise<PeerFigure> {
  const peer = await freshPeerDb('bench-peer-langgraph', SAVER_STORES);
  try {
    const started = performance.now();
    // Node names are built at run time, which the builder's literal types cannot follow.
    const graph = new StateGraph(State) as unknown as Graph;
    const node = (i: number) => `s${i}`;
    for (let i = 0; i < count; i++)
      graph.addNode(node(i), async (state: { done: number }) => {
        await effect();
        return { done: state.done + 1 };
      });
    graph.addEdge(START, node(0));
    for (let i = 1; i < count; i++) graph.addEdge(node(i - 1), node(i));
    graph.addEdge(node(count - 1), END);
    const app = (graph as unknown as StateGraph<typeof State.spec>).compile({ checkpointer: new IndexedDbSaver(peer) });
    const result = await app.invoke(
      { done: 0 },
      { configurable: { thread_id: 'bench' }, recursionLimit: count + 10, durability: 'sync' },
    );
    const ms = performance.now() - started;
    if (result.done !== count) throw new Error(`the LangGraph peer counted ${result.done} steps of ${count}`);
    return { steps: count, ms, stepsPerSecond: (count / ms) * 1000, commits: peer.commits };
  } finally {
    peer.db.close();
  }
}
