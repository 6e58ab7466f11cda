/**
 * How often the live "see inside" views ask the worker while a run trains: one rule for the
 * store and for the bench that checks it costs training at most 5% (`bench/liveViews.ts`).
 */
export const REFRESH_MS = 500;
