//! Links: names in code whose other end is not the project's code, so that
//! renaming them alone would break the program. A keyword argument or an
//! object key passed to a callee that is not the project's function with
//! that parameter is a key the callee reads by name (`dict(session_id=…)`,
//! `Sentry.init({ replaysSessionSampleRate })`), unless the call hands the
//! object on to the project's own function (`app.register(plugin, {…})`);
//! an attribute of a class whose instances are serialized by introspection
//! is a wire key; a member of an interface that extends a third-party
//! schema type is a key of that schema. Keys follow the strings policy,
//! not the code policy, and a report names what reads them. Members a
//! third party declares or registers by name (`index::augments`) are
//! theirs wherever they are reached.

mod shapes;

use anyhow::Result;
use tree_sitter::Node;

use super::{Analyzer, Syntax};
use crate::analyze::scope::{KeyShape, Scopes};
use crate::index::symbols::Accepts;
use crate::lang::Lang;
use crate::lang::{is_field, last_name};
use crate::walk::Entry;
use shapes::{
    ancestor_is_class_body, hands_to_templates, leftmost_name, own_class, root_name,
    route_parameter, schema_key, short,
};

/// A name that is a key: where it is, and what reads it by that name.
pub(super) struct Key {
    /// Why it is a key, for the report (`keyword of dict(), …`).
    pub(super) note: String,
    /// The callee's parameter of that name holds a third-party value of
    /// this type: the keyword keeps its name with it (`senses`).
    pub(super) held: Option<String>,
    /// TypeScript `{ sessionId }`: one token that is both the key and a
    /// variable. The variable may be renamed; the key stays
    /// (`{ sessionId: traceId }`).
    pub(super) shorthand: bool,
}

/// A member whose name the project's code does not decide alone.
pub(super) enum Member<'p> {
    /// A third party declares or registers it: where.
    Theirs(&'p str),
    /// A string gives its name at run time: where that string is.
    Dynamic(&'p str),
}

/// Callees outside any import whose object arguments leave the program:
/// the platform's serializers, network and storage, and the response of
/// an Express or Fastify handler (`res.json({ … })`, `reply.send({ … })`).
const JS_SINKS: [&str; 11] = [
    "JSON",
    "fetch",
    "console",
    "Response",
    "postMessage",
    "localStorage",
    "sessionStorage",
    "URLSearchParams",
    "structuredClone",
    "res",
    "reply",
];

impl Analyzer<'_> {
    /// Is the identifier `word` at `at` a key (see the module doc)? Cheap
    /// for the many names that are not: the text around it must look like
    /// a keyword argument, an object key or an attribute before the tree
    /// is asked.
    pub(super) fn key<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        (at, word): (usize, &str),
        theirs: bool,
    ) -> Result<Option<Key>> {
        let text = syntax.text;
        let before = text[..at].trim_end_matches([' ', '\t', '\n', '\r']);
        let after = text[at + word.len()..].trim_start_matches([' ', '\t', '\n', '\r']);
        match syntax.lang {
            Lang::Sql => Ok(None),
            Lang::Python => {
                let keyword = before.ends_with(['(', ','])
                    && after.starts_with('=')
                    && !after.starts_with("==");
                // A third party's attribute is no attribute of the project's
                // serialized classes.
                // (A class field starts its statement: `session_id: str`.)
                let field = after.starts_with([':', '=']) && !before.ends_with(['(', ',']);
                let wire = !theirs
                    && (before.ends_with('.') || keyword || field)
                    && self.project.symbols().wire(word).is_some();
                if !keyword && !wire {
                    return Ok(None);
                }
                self.python_key(entry, syntax, scopes, at, word)
            }
            _ => {
                if let Some(key) = route_parameter(before, after) {
                    return Ok(Some(key));
                }
                let key = before.ends_with(['{', ','])
                    && (after.starts_with([',', '}']) || after.starts_with(':'))
                    || before.ends_with(['{', ';', ',', '}']) && after.starts_with([':', '?']);
                // Keys go out only to a third party or the platform: a file
                // the lexer read, that imports nothing third-party and names
                // no sink, passes none (and needs no tree).
                let sealed = *syntax.sealed.get_or_init(|| {
                    syntax.lexed.as_ref().is_some_and(|l| {
                        self.imports_only_ours(entry, syntax, l)
                            && !JS_SINKS.iter().any(|s| {
                                memchr::memmem::find(text.as_bytes(), s.as_bytes()).is_some()
                            })
                    })
                });
                if !key || sealed {
                    return Ok(None);
                }
                self.js_key(entry, syntax, scopes, at, word)
            }
        }
    }

    /// TypeScript/JavaScript: whose the member `word` at `at` is, where it
    /// is not simply the project's (see `index::augments`): one a third
    /// party declares or registers, reached (`request.session`) or
    /// declared or defined under that name (in the augmentation, a class,
    /// an object or a type); or one given its name at run time by a string,
    /// reached. Not a variable.
    pub(super) fn augmented<'p>(
        &'p self,
        entry: &Entry,
        syntax: &Syntax,
        at: usize,
        word: &str,
    ) -> Result<Option<Member<'p>>> {
        if matches!(syntax.lang, Lang::Python | Lang::Sql) {
            return Ok(None);
        }
        let text = syntax.text;
        let accessed = text[..at].trim_end().ends_with('.');
        // A member is reached after `.` or declared before `:`, `?`, `(`
        // or `<`; a plain name (most hits) needs no index.
        let declared = text[at + word.len()..]
            .trim_start()
            .starts_with([':', '?', '(', '<']);
        if !accessed && !declared {
            return Ok(None);
        }
        let augments = self.project.augments();
        let Some(how) = augments.member(word) else {
            let dynamic = augments.dynamic(word).filter(|_| accessed);
            return Ok(dynamic.map(Member::Dynamic));
        };
        if accessed || augments.in_block(&entry.abs, at) {
            return Ok(Some(Member::Theirs(how)));
        }
        let node = syntax
            .tree()?
            .root_node()
            .descendant_for_byte_range(at, at + word.len());
        let member = node.is_some_and(|n| n.kind() == "property_identifier");
        Ok(member.then_some(Member::Theirs(how)))
    }

    /// Python: is the name `word` at `at` a key? Read from the tokens where
    /// the file's scopes were (most files), from the tree otherwise.
    fn python_key<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
    ) -> Result<Option<Key>> {
        let text = syntax.text;
        let read = self.scopes_in(entry, syntax, scopes)?;
        match read.key_shape(at) {
            Some(KeyShape::Keyword { callee, root }) => {
                let theirs = root_module(read, &text[root.clone()], root.start);
                let callee = &text[callee];
                self.keyword_key(callee, theirs, last_name(callee), word)
            }
            Some(KeyShape::Attribute | KeyShape::Field) => Ok(self.wire_attribute(word)),
            Some(KeyShape::Other) => Ok(None),
            None => self.python_key_on_tree(entry, syntax, scopes, at, word),
        }
    }

    /// `python_key` where the tokens are unsure: the node's parents say.
    fn python_key_on_tree<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
    ) -> Result<Option<Key>> {
        let text = syntax.text;
        let tree = syntax.tree()?;
        let Some(node) = tree
            .root_node()
            .descendant_for_byte_range(at, at + word.len())
            .filter(|n| n.kind() == "identifier")
        else {
            return Ok(None);
        };
        let parent = node.parent();
        if let Some(argument) =
            parent.filter(|p| p.kind() == "keyword_argument" && is_field(*p, "name", node))
        {
            let Some(function) = argument
                .parent()
                .and_then(|a| a.parent())
                .filter(|c| c.kind() == "call")
                .and_then(|c| c.child_by_field_name("function"))
            else {
                return Ok(None);
            };
            let callee = &text[function.byte_range()];
            let theirs = self.theirs(entry, syntax, scopes, function)?;
            let called = own_class(function, text).unwrap_or(last_name(callee));
            return self.keyword_key(callee, theirs, called, word);
        }
        let attribute =
            parent.is_some_and(|p| p.kind() == "attribute" && is_field(p, "attribute", node));
        let field = parent.is_some_and(|p| {
            p.kind() == "assignment" && is_field(p, "left", node) && ancestor_is_class_body(p)
        });
        match attribute || field {
            true => Ok(self.wire_attribute(word)),
            false => Ok(None),
        }
    }

    /// The keyword argument `word` of a call to `callee` (whose root name
    /// is bound to the module `theirs`, if a third party's; `called` names
    /// the function): a key unless the callee is the project's function or
    /// class that takes such a parameter.
    fn keyword_key(
        &self,
        callee: &str,
        theirs: Option<String>,
        called: &str,
        word: &str,
    ) -> Result<Option<Key>> {
        let key = |note: String| {
            Ok(Some(Key {
                note,
                held: None,
                shorthand: false,
            }))
        };
        if let Some(module) = theirs {
            let mut note = format!("keyword of {}, which {module} reads by name", short(callee));
            if hands_to_templates(callee) {
                let uses = self.project.templates.uses(word);
                if !uses.is_empty() {
                    note.push_str(&format!("; the templates use it: {}", uses.join(", ")));
                }
            }
            return key(note);
        }
        let theirs = |module: &str| self.project.python_third_party(module);
        if let Some(held) = self.project.symbols().held_parameter(called, word, &theirs) {
            return Ok(Some(Key {
                note: String::new(),
                held: Some(held.path.clone()),
                shorthand: false,
            }));
        }
        match self.project.symbols().accepts(called, word) {
            Accepts::Parameter => Ok(None),
            Accepts::Wire(class) => key(format!("wire: a field of {class}, serialized")),
            Accepts::No => key(format!(
                "keyword of {}, which has no parameter {word} in the project: a key",
                short(callee)
            )),
        }
    }

    /// The attribute or field `word` of one of the project's serialized
    /// classes: a wire key.
    fn wire_attribute(&self, word: &str) -> Option<Key> {
        let class = self.project.symbols().wire(word)?;
        Some(Key {
            note: format!("wire: an attribute of {class}, serialized"),
            held: None,
            shorthand: false,
        })
    }

    fn js_key<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
    ) -> Result<Option<Key>> {
        let tree = syntax.tree()?;
        let Some(node) = tree
            .root_node()
            .descendant_for_byte_range(at, at + word.len())
        else {
            return Ok(None);
        };
        if let Some(schema) = schema_key(node) {
            let base = &syntax.text[schema.byte_range()];
            let module = self.theirs(entry, syntax, scopes, schema)?;
            return Ok(module.map(|module| Key {
                note: format!("a key of {base} from {module}, which the strings used with it name"),
                held: None,
                shorthand: false,
            }));
        }
        let shorthand = node.kind() == "shorthand_property_identifier";
        let pair_key = node.kind() == "property_identifier"
            && node
                .parent()
                .is_some_and(|p| p.kind() == "pair" && is_field(p, "key", node));
        if !shorthand && !pair_key {
            return Ok(None);
        }
        // Out through nested object literals to the call they are passed to.
        let mut object = node.parent();
        if pair_key {
            object = object.and_then(|p| p.parent());
        }
        let mut n = object.filter(|o| o.kind() == "object");
        let (arguments, function) = loop {
            let Some(current) = n else {
                return Ok(None);
            };
            let parent = current.parent();
            match parent.map(|p| p.kind()) {
                Some("pair") => n = parent.and_then(|p| p.parent()),
                Some("arguments") => {
                    let call = parent.and_then(|p| p.parent());
                    let function = call.and_then(|c| {
                        c.child_by_field_name("function")
                            .or_else(|| c.child_by_field_name("constructor"))
                    });
                    break (parent, function);
                }
                _ => return Ok(None),
            }
        };
        let (Some(arguments), Some(function)) = (arguments, function) else {
            return Ok(None);
        };
        // `fastify.register(require('./plugin'), { sessionName })`: the
        // options go to the project's own function, whose names they are.
        if self.forwards_to_ours(entry, syntax, scopes, arguments)? {
            return Ok(None);
        }
        let callee = &syntax.text[function.byte_range()];
        let sink = JS_SINKS.contains(&root_name(callee));
        let module = match sink {
            true => Some("the platform".to_string()),
            false => self.theirs(entry, syntax, scopes, function)?,
        };
        Ok(module.map(|module| Key {
            note: format!(
                "key of an object passed to {}, which {module} reads by name",
                short(callee)
            ),
            held: None,
            shorthand,
        }))
    }

    /// Does a call hand one of the project's own functions to its callee
    /// (a relative `require`/`import()`, a name imported from the project,
    /// a function the file declares), which then gets the call's other
    /// arguments?
    fn forwards_to_ours<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        arguments: Node,
    ) -> Result<bool> {
        let text = syntax.text;
        for argument in crate::lang::named_children(arguments) {
            let required = matches!(argument.kind(), "call_expression")
                && argument
                    .child_by_field_name("function")
                    .is_some_and(|f| matches!(&text[f.byte_range()], "require" | "import"))
                && text[argument.byte_range()].contains("('.");
            if required {
                return Ok(true);
            }
            if argument.kind() != "identifier" {
                continue;
            }
            let scopes = self.scopes_in(entry, syntax, scopes)?;
            let name = &text[argument.byte_range()];
            let Some(binding) = scopes.resolve(name, argument.start_byte()).1 else {
                continue;
            };
            if binding.third_party.is_some() || binding.holds.is_some() {
                continue;
            }
            // Where it is bound: a function declaration, an import, or
            // `const x = require('./…')`.
            let bound = syntax
                .tree()?
                .root_node()
                .descendant_for_byte_range(binding.at, binding.at);
            let Some(bound) = bound else { continue };
            let names = |n: Node| is_field(n, "name", bound);
            let ours = std::iter::successors(Some(bound), |n| n.parent())
                .take(4)
                .any(|n| match n.kind() {
                    "import_statement" => true,
                    "function_declaration" => names(n),
                    "variable_declarator" => {
                        names(n)
                            && n.child_by_field_name("value").is_some_and(|v| {
                                let value = &text[v.byte_range()];
                                value.starts_with("require('.") || value.starts_with("require(\".")
                            })
                    }
                    _ => false,
                });
            if ours {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The third-party module a call's function belongs to: bound by its
    /// import, or a value it produced (`s = requests.Session()`).
    fn theirs<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        function: Node,
    ) -> Result<Option<String>> {
        let root = leftmost_name(function);
        if !matches!(root.kind(), "identifier" | "type_identifier") {
            return Ok(None);
        }
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        let name = &syntax.text[root.byte_range()];
        Ok(root_module(scopes, name, root.start_byte()))
    }
}

/// The third-party module the name `name` at `at` is bound to, or whose
/// value it holds.
fn root_module(scopes: &Scopes, name: &str, at: usize) -> Option<String> {
    let binding = scopes.resolve(name, at).1;
    binding.and_then(|b| b.third_party.clone().or_else(|| b.holds.clone()))
}
