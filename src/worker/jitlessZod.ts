/**
 * Import first in every browser entry (page and workers). Zod compiles object parsers with
 * `new Function` when it may; under the app's Content-Security-Policy (no 'unsafe-eval') its
 * probe is refused and reported as a violation even though zod catches it. Jitless parsing
 * never probes.
 */
import { config } from 'zod';

config({ jitless: true });
