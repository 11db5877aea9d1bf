export const traceKey = (trace) => `${trace.id}`;
