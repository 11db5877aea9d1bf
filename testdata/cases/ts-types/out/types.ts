export interface ITrace { id: string; traceName?: string }
export type TraceMap = Record<string, ITrace>;
export enum TraceState { Open, Closed }
export class TraceStore<T extends ITrace> {
  #traces: T[] = [];
  get traces(): readonly T[] { return this.#traces; }
}
