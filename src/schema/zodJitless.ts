import { z } from 'zod';

/**
 * Imported first by each entry (page and worker), before any schema is built: zod then never
 * probes `new Function` for its JIT, which the Content-Security-Policy refuses and reports.
 */
z.config({ jitless: true });
