/** What a peer's run measured in the bench worker. */
export interface PeerFigure {
  steps: number;
  ms: number;
  stepsPerSecond: number;
  /** IndexedDB readwrite transactions the peer committed during the run. */
  commits: number;
}
