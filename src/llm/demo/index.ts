export {
  createDemoModel,
  isDemoModelId,
  DEMO_PROVIDER,
  DEMO_MODEL_ID,
  DEFAULT_TOKENS_PER_SECOND,
  type DemoModelOptions,
} from './model';
export { TOKENS_PER_WORD } from './pacing';
