// In-memory trace store.
const traces = new Map();
export function saveTrace(trace) {
  traces.set(trace.id, trace);
}
module.exports = { saveTrace, traces };
