// Moved to src/tasks/predictions.ts (task scoring is data-level, read by the task table); kept for existing importers.
export * from "../tasks/predictions.ts";
