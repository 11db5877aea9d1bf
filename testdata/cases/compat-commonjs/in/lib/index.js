'use strict';

function startSession(name) {
  return { name };
}

class SessionStore {
  constructor() {
    this.items = [];
  }
}

exports.openSession = function openSession(name) {
  return startSession(name);
};

module.exports.startSession = startSession;
module.exports.SessionStore = SessionStore;
