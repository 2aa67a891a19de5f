import type { HandlerTable } from '../stepApi';
import { actionHandler, conditionHandler, triggerHandler } from './basic';
import { parallelHandler } from './containers';
import { loopHandler } from './loop';
import { subworkflowHandler } from './delegated';
import { llmHandler } from './llm';
import { approvalHandler, eventHandler, waitHandler } from './waits';

/** One handler per step type (Inngest's handler table): adding a type fails to compile until it is handled here. */
export const HANDLERS: HandlerTable = {
  trigger: triggerHandler,
  llm: llmHandler,
  condition: conditionHandler,
  action: actionHandler,
  wait: waitHandler,
  approval: approvalHandler,
  event: eventHandler,
  subworkflow: subworkflowHandler,
  loop: loopHandler,
  parallel: parallelHandler,
};
