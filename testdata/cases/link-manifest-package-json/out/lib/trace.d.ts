export declare function startTrace(name: string): { name: string };
