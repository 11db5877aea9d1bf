export interface ITraceWithStats { trace: Trace }
export type ITraceAndStatsList = ITraceWithStats[];
