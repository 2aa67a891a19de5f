/// <reference lib="webworker" />
import '../schema/zodJitless';
import { answerCheck, type CheckRequest } from './importCheck';

/**
 * Checks import text off the main thread: a hostile file may cost its checker seconds, never the
 * page. Stateless; the client ends this worker after each verdict, or when one is late.
 */
self.onmessage = (event: MessageEvent<CheckRequest>) => self.postMessage(answerCheck(event.data));
