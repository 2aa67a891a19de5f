import { failure } from '../engine/retry';
import type { EngineDeps, Runners } from '../engine/runtime';
import { httpRequestFingerprint } from '../schema/runBundle';
import type { ReplayRecordings } from './bundleCommands';

type HttpRunner = NonNullable<Runners['http']>;
type HostCheck = NonNullable<EngineDeps['isHostApproved']>;

/**
 * HTTP for replays of runs opened from bundles. A replay may contact, unasked, only the hosts its recording
 * contacted, and then only to be answered from the recording: a request it recorded gets the recorded
 * response and nothing is sent. Any other request of a replay goes out only to a host the user confirmed
 * in this browser for the replay's workflow (`approvedHere`), else it fails saying so. Other runs are as ever.
 */
export function replayHttp(
  replays: ReplayRecordings,
  live: HttpRunner,
  approvedHere: HostCheck,
): { http: HttpRunner; isHostApproved: HostCheck } {
  return {
    async http(request, call) {
      const source = await replays.sourceOf(call.idempotencyKey);
      if (!source) return live(request, call);
      const recorded = source.http.get(httpRequestFingerprint(request));
      if (recorded) return recorded;
      const host = new URL(request.url).host;
      if (await approvedHere(source.workflowHash, host)) return live(request, call);
      throw failure(
        'validation',
        `this request to ${host} is not the one the recording made, and ${host} was not confirmed in this browser: ` +
          'run the workflow itself to be asked',
        false,
      );
    },
    async isHostApproved(workflowHash, host, runId) {
      if (await approvedHere(workflowHash, host)) return true;
      // A host the recording contacted: the request is answered from it, or refused above.
      return runId !== undefined && (await replays.sourceOf(runId))?.hosts.has(host) === true;
    },
  };
}
