export class Trace {
  constructor(public readonly id: string) {}
}

export function startTrace(id: string): Trace {
  return new Trace(id);
}
