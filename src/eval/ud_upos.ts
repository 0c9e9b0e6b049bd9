// Moved to src/tasks/ud_upos.ts (task scoring is data-level, read by the task table); kept for existing importers.
export * from "../tasks/ud_upos.ts";
