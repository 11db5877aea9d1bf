export interface ITraceAndStats {
  traceId: string;
  count: number;
}

export function loadTrace(id: string): ITraceAndStats {
  return { traceId: id, count: 0 };
}
