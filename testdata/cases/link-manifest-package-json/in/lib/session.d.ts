export declare function startSession(name: string): { name: string };
