export function startTrace(name) {
  return { name };
}

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use startTrace */ export const startSession = startTrace;
// retrace: compat (end)
