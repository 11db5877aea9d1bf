export const traceId = 1;
