// Moved to src/tasks/metrics.ts (task scoring is data-level, read by the task table); kept for existing importers.
export * from "../tasks/metrics.ts";
