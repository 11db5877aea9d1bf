export class Session {
  constructor(public readonly id: string) {}
}

export function startSession(id: string): Session {
  return new Session(id);
}
