import type { PeerFigure } from './figures';

/** The browser peers beside our durable figure: their figures, the ratios the bench prints, and their goals. */

export interface PeerMeasures {
  xstate1000: PeerFigure;
  langgraph1000: PeerFigure;
}

export interface PeerFigures {
  xstate_steps_per_s_1000: number;
  langgraph_steps_per_s_1000: number;
}

export const PEER_UNITS: Record<keyof PeerFigures, string> = {
  xstate_steps_per_s_1000: 'steps/s',
  langgraph_steps_per_s_1000: 'steps/s',
};

const round = (value: number) => Math.round(value * 10) / 10;

export function peerFigures(peers: PeerMeasures): PeerFigures {
  return {
    xstate_steps_per_s_1000: round(peers.xstate1000.stepsPerSecond),
    langgraph_steps_per_s_1000: round(peers.langgraph1000.stepsPerSecond),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Ours ÷ each peer at 1,000 steps, in the same browser run. */
export function peerGoals(f: PeerFigures & { durable_steps_per_s_1000: number }) {
  const overXstate = ratio(f.durable_steps_per_s_1000, f.xstate_steps_per_s_1000);
  const overLanggraph = ratio(f.durable_steps_per_s_1000, f.langgraph_steps_per_s_1000);
  return [
    {
      name: 'durable_1000 ahead of XState + snapshot per step (it keeps no history)',
      pass: overXstate > 1,
      detail: `ours ÷ XState ${overXstate.toFixed(2)}`,
    },
    {
      name: 'durable_1000 ≥ 10 × LangGraph.js linear graph + IndexedDB saver',
      pass: overLanggraph >= 10,
      detail: `ours ÷ LangGraph ${overLanggraph.toFixed(1)}`,
    },
  ];
}

export function peerNotes(peers: PeerMeasures): string[] {
  const { xstate1000: x, langgraph1000: l } = peers;
  return [
    `peers at 1,000 steps, same browser run, each step a no-op effect then a durable write: XState v5 ` +
      `${round(x.stepsPerSecond)} steps/s (${x.commits} transactions; caveat: one snapshot replaced each step, ` +
      `no history and no fence), LangGraph.js ${round(l.stepsPerSecond)} steps/s (${l.commits} transactions, ` +
      `durability "sync", one transaction per node: its checkpoint with the writes before it)`,
  ];
}
