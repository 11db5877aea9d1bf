// A user of the library that still spells the old names.
import {
  ISessionAndStats,
  Session,
  SessionJournal,
  SessionKind,
  SessionOptions,
  defaultSession,
  recordSession,
  startSession,
} from './lib/src/index';
import { SessionRecord } from './lib/src/session';

const options: SessionOptions = { name: 'nightly', kind: SessionKind.Batch };
const started: Session = startSession(options);
const tagged = new Session<number>(options);
const stats: ISessionAndStats<{ runs: number }> = { record: started.record, stats: { runs: 1 } };
const record: SessionRecord = recordSession('manual');
const journal: SessionJournal = new SessionJournal();

export const summary = [defaultSession, tagged, stats, record, journal];
