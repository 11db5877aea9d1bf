'use strict';

function startTrace(name) {
  return { name };
}

class TraceStore {
  constructor() {
    this.items = [];
  }
}

exports.openTrace = function openTrace(name) {
  return startTrace(name);
};

module.exports.startTrace = startTrace;
module.exports.TraceStore = TraceStore;

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
module.exports.openSession = module.exports.openTrace; // deprecated: use openTrace
module.exports.startSession = module.exports.startTrace; // deprecated: use startTrace
module.exports.SessionStore = module.exports.TraceStore; // deprecated: use TraceStore
// retrace: compat (end)
