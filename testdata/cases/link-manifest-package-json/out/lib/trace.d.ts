export declare function startTrace(name: string): { name: string };

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use startTrace */ export declare const startSession: typeof startTrace;
// retrace: compat (end)
