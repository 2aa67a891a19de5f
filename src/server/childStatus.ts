import type { DBOSClient, WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { BRANCH_WORKFLOW, SUBWORKFLOW_WORKFLOW, type SubworkflowRequest } from './branchWorkflow';
import { stepName, WAITING_EVENT, type WaitingFor } from './dbosRuntime';

/** One child workflow of a run (a multi-step branch's, a subworkflow step's), for `tabflow status`. */
export interface ChildStatus {
  workflowId: string;
  kind: 'branch' | 'subworkflow';
  /**
   * Where it is in the run: a branch's frame path (`fan.a`, `each[2]`), a subworkflow step's key (`sub@`); inside a
   * subworkflow, after that step's (`sub@ › fan.a`).
   */
  at: string;
  /** DBOS's status: PENDING, SUCCESS, ERROR, CANCELLED… */
  dbosStatus: string;
  /** Its recorded operations by name, in order. */
  operations: string[];
  waitingFor?: WaitingFor;
}

/** A workflow whose children are listed: the engine run its branches belong to, and that run's label. */
interface Parent {
  workflowId: string;
  /** The run id its branches' ids start with: the top run's, or a subworkflow's child run's. */
  runId: string;
  /** '' for the top run; a subworkflow's child run: where that child is (`sub@`). */
  runLabel: string;
}

const within = (runLabel: string, place: string) => (runLabel ? `${runLabel} › ${place}` : place);

/** The run's child workflows, and theirs, each after its parent, with their operations and what each waits for. */
export async function childStatuses(client: DBOSClient, runId: string): Promise<ChildStatus[]> {
  const found: ChildStatus[] = [];
  let parents: Parent[] = [{ workflowId: runId, runId, runLabel: '' }];
  while (parents.length > 0) {
    const next: Parent[] = [];
    for (const parent of parents) {
      const children = await client.listWorkflows({
        parentWorkflowID: parent.workflowId,
        workflowName: [BRANCH_WORKFLOW, SUBWORKFLOW_WORKFLOW],
        loadInput: false,
      });
      for (const child of children.sort((a, b) => a.createdAt - b.createdAt)) {
        const status = await describeChild(client, parent, child);
        found.push(status);
        const subworkflow = status.kind === 'subworkflow';
        next.push({
          workflowId: child.workflowID,
          runId: subworkflow ? child.workflowID : parent.runId,
          runLabel: subworkflow ? status.at : parent.runLabel,
        });
      }
    }
    parents = next;
  }
  return found;
}

async function describeChild(client: DBOSClient, parent: Parent, child: WorkflowStatus): Promise<ChildStatus> {
  const kind = child.workflowName === SUBWORKFLOW_WORKFLOW ? 'subworkflow' : 'branch';
  // A branch's id is its run's id and its whole frame path there (`RUN:fan.a/each[2]`).
  const place = kind === 'branch' ? child.workflowID.slice(parent.runId.length + 1) : await stepOf(client, child);
  const steps = (await client.listWorkflowSteps(child.workflowID)) ?? [];
  const status: ChildStatus = {
    workflowId: child.workflowID,
    kind,
    at: within(parent.runLabel, place),
    dbosStatus: child.status,
    operations: steps.map((s) => s.name),
  };
  if (child.status === 'PENDING') {
    const waitingFor = await client.getEvent<WaitingFor | null>(child.workflowID, WAITING_EVENT, 0);
    if (waitingFor) status.waitingFor = waitingFor;
  }
  return status;
}

/** A subworkflow child's step key in its parent's run (`sub@`), from the request it was started with. */
async function stepOf(client: DBOSClient, child: WorkflowStatus): Promise<string> {
  const withInput = await client.getWorkflow(child.workflowID);
  const request = withInput?.input?.[0] as SubworkflowRequest | undefined;
  return request ? stepName(request.child.parent.id, request.child.parentStepKey) : child.workflowID;
}

/** The children's part of `tabflow status`'s text: each child's place, status, operations and wait. */
export function formatChildren(children: readonly ChildStatus[]): string[] {
  return children.flatMap((child) => {
    const lines = [`  ${child.kind} ${child.at}: ${child.dbosStatus.toLowerCase()} (${child.workflowId})`];
    if (child.waitingFor) lines.push(`    waiting for: ${child.waitingFor.event} (step ${child.waitingFor.stepKey})`);
    if (child.operations.length > 0) lines.push(`    recorded: ${child.operations.join(', ')}`);
    return lines;
  });
}
