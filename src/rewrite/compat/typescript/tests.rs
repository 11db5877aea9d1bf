//! The TypeScript and JavaScript compat code, on small sources.

use super::*;

/// Every word holding "session" renamed to "trace", case kept, as the
/// bundled rules do: (at, old, new).
fn words(text: &str) -> Vec<(usize, &str, String)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let old = &text[s..i];
                let new = old.replace("Session", "Trace").replace("session", "trace");
                if new != old {
                    out.push((s, old, new));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn renamed<'a>(words: &'a [(usize, &'a str, String)]) -> Vec<Renamed<'a>> {
    let each = |(at, old, new): &'a (usize, &'a str, String)| Renamed { at: *at, old, new };
    words.iter().map(each).collect()
}

/// The lines of the block `aliases` gives `text` renamed by `words`.
fn alias_lines(js: bool, text: &str) -> Vec<String> {
    let words = words(text);
    let Some(block) = aliases(js, text, &renamed(&words)) else {
        return vec![];
    };
    let inner = block.strip_prefix(&format!("\n{BEGIN}\n")).expect(&block);
    let inner = inner.strip_suffix(&format!("{END}\n")).expect(&block);
    inner.lines().map(str::to_owned).collect()
}

const DECLARATIONS: &str = "\
export type ISessionAndStats = { n: number };
export interface SessionOptions { name: string }
export class Session {}
export abstract class BaseSession {}
export declare class AmbientSession {}
export const defaultSession = 1, otherSession = 2;
export let lastSession = 0;
export var anySession = 0;
export function startSession(): void {}
export function* walkSession() {}
export enum SessionKind { A }
export const enum SessionFlag { B }
";

#[test]
fn each_declaration_kind_keeps_its_old_name_as_what_it_is() {
    let want = [
        "/** @deprecated Use ITraceAndStats */ export type ISessionAndStats = ITraceAndStats;",
        "/** @deprecated Use TraceOptions */ export type SessionOptions = TraceOptions;",
        "/** @deprecated Use Trace */ export const Session = Trace;",
        "/** @deprecated Use Trace */ export type Session = Trace;",
        "/** @deprecated Use BaseTrace */ export const BaseSession = BaseTrace;",
        "/** @deprecated Use BaseTrace */ export type BaseSession = BaseTrace;",
        "/** @deprecated Use AmbientTrace */ export const AmbientSession = AmbientTrace;",
        "/** @deprecated Use AmbientTrace */ export type AmbientSession = AmbientTrace;",
        "/** @deprecated Use defaultTrace */ export const defaultSession = defaultTrace;",
        "/** @deprecated Use otherTrace */ export const otherSession = otherTrace;",
        "/** @deprecated Use lastTrace */ export const lastSession = lastTrace;",
        "/** @deprecated Use anyTrace */ export const anySession = anyTrace;",
        "/** @deprecated Use startTrace */ export const startSession = startTrace;",
        "/** @deprecated Use walkTrace */ export const walkSession = walkTrace;",
        "/** @deprecated Use TraceKind */ export const SessionKind = TraceKind;",
        "/** @deprecated Use TraceKind */ export type SessionKind = TraceKind;",
        // A const enum is no value at run time.
        "/** @deprecated Use TraceFlag */ export type SessionFlag = TraceFlag;",
    ];
    assert_eq!(alias_lines(false, DECLARATIONS), want);
}

#[test]
fn the_block_is_framed_after_one_blank_line() {
    let text = "export const sessionId = 1;";
    let line = "/** @deprecated Use traceId */ export const sessionId = traceId;";
    let want = format!("\n\n{BEGIN}\n{line}\n{END}\n");
    let words = words(text);
    assert_eq!(aliases(false, text, &renamed(&words)), Some(want.clone()));
    let text = format!("{text}\n");
    assert_eq!(
        aliases(false, &text, &renamed(&words)),
        Some(want[1..].to_string())
    );
}

#[test]
fn generic_parameters_are_copied_renamed_and_passed_on() {
    let text = "\
export type SessionPair<A extends Session = Session, B = string> = [A, B];
export interface SessionMap<K extends string> { k: K }
export class SessionBox<T = number> { t?: T }
";
    let want = [
        "/** @deprecated Use TracePair */ export type SessionPair<A extends Trace = Trace, B = string> = TracePair<A, B>;",
        "/** @deprecated Use TraceMap */ export type SessionMap<K extends string> = TraceMap<K>;",
        "/** @deprecated Use TraceBox */ export const SessionBox = TraceBox;",
        "/** @deprecated Use TraceBox */ export type SessionBox<T = number> = TraceBox<T>;",
    ];
    assert_eq!(alias_lines(false, text), want);
}

#[test]
fn export_lists_alias_what_the_file_declares_and_re_export_the_rest() {
    let text = "\
import { SessionStore } from './store';
class SessionLog {}
interface Shape { a: 1 }
const helper = 1;
export { SessionLog, Shape as SessionForm, helper as sessionHelper, SessionStore };
export { recordSession, base as baseSession } from './session';
export type { SessionRecord } from './session';
";
    let want = [
        "/** @deprecated Use TraceLog */ export const SessionLog = TraceLog;",
        "/** @deprecated Use TraceLog */ export type SessionLog = TraceLog;",
        "/** @deprecated Use TraceForm */ export type SessionForm = Shape;",
        "/** @deprecated Use traceHelper */ export const sessionHelper = helper;",
        "/** @deprecated Use TraceStore */ export { TraceStore as SessionStore };",
        // The renamed module keeps `recordSession`, deprecated, itself.
        "/** @deprecated Use recordTrace */ export { recordSession } from './trace';",
        "/** @deprecated Use baseTrace */ export { base as baseSession } from './trace';",
        "/** @deprecated Use TraceRecord */ export type { SessionRecord } from './trace';",
    ];
    assert_eq!(alias_lines(false, text), want);
}

#[test]
fn merged_declarations_and_overloads_make_one_alias_a_space() {
    let text = "\
export interface Session { id: string }
export class Session {}
export function startSession(a: string): void;
export function startSession(a: unknown): void {}
";
    let want = [
        "/** @deprecated Use Trace */ export type Session = Trace;",
        "/** @deprecated Use Trace */ export const Session = Trace;",
        "/** @deprecated Use startTrace */ export const startSession = startTrace;",
    ];
    assert_eq!(alias_lines(false, text), want);
}

#[test]
fn nothing_when_no_exported_name_is_renamed() {
    let text = "\
import { Session } from './session';
export default class DefaultSession {}
class LocalSession {}
export namespace Outer { export class InnerSession {} }
export const count = new Session().sessionCount;
export function run(session: Session): Session { return session; }
";
    assert_eq!(alias_lines(false, text), Vec::<String>::new());
}

#[test]
fn javascript_aliases_values_only_and_commonjs_its_exports() {
    let text = "\
export class Session {}
export function startSession() {}
function makeSession() {}
module.exports.SessionStore = makeSession;
exports.openSession = makeSession;
module.exports = { sessionId, SessionKind: 1, other: session };
function later() { exports.innerSession = 1; }
";
    let want = [
        "/** @deprecated Use Trace */ export const Session = Trace;",
        "/** @deprecated Use startTrace */ export const startSession = startTrace;",
        "module.exports.SessionStore = module.exports.TraceStore; // deprecated: use TraceStore",
        "module.exports.openSession = module.exports.openTrace; // deprecated: use openTrace",
        "module.exports.sessionId = module.exports.traceId; // deprecated: use traceId",
        "module.exports.SessionKind = module.exports.TraceKind; // deprecated: use TraceKind",
    ];
    assert_eq!(alias_lines(true, text), want);
}

#[test]
fn a_shorthand_key_kept_by_a_split_is_no_rename_of_the_export() {
    let text = "module.exports = { sessionId };\n";
    let split = Renamed {
        at: 19,
        old: "sessionId",
        new: "sessionId: traceId",
    };
    assert_eq!(aliases(true, text, &[split]), None);
}

#[test]
fn a_moved_module_leaves_a_stub_that_re_exports_it() {
    let marker = "// retrace: compat: this module moved to ./trace; \
                  `retrace apply --drop-compat` removes this file";
    let deprecated = "/** @deprecated Import from './trace' */";
    assert_eq!(
        stub("./trace", false),
        format!("{marker}\n{deprecated}\nexport * from './trace';\n")
    );
    assert_eq!(
        stub("./trace", true),
        format!("{marker}\n{deprecated}\nmodule.exports = require('./trace');\n")
    );
}

#[test]
fn a_tsx_file_is_read_with_the_grammar_that_knows_jsx() {
    let text = "export const SessionView = () => <div>{1}</div>;\nexport type SessionProps = {};\n";
    let want = [
        "/** @deprecated Use TraceView */ export const SessionView = TraceView;",
        "/** @deprecated Use TraceProps */ export type SessionProps = TraceProps;",
    ];
    assert_eq!(alias_lines(false, text), want);
}
