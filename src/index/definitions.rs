//! A module's top-level definitions: its classes (with their methods) and
//! functions, with their parameters and return annotations, as decisions
//! in other files need them (the callee of a keyword argument, the
//! function that returned a value). Read from the syntax tree, once per
//! file, and only when first asked: most files are never asked about.

use tree_sitter::Node;

use crate::lang::{self, named_children, Lang};

/// What a module defines at its top level.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Definitions {
    pub items: Vec<Definition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub name: String,
    pub kind: Kind,
    /// A function's or method's parameters, in order (empty for a class).
    pub params: Vec<Param>,
    /// A function's return annotation, as written.
    pub returns: Option<String>,
    /// A class's methods.
    pub members: Vec<Definition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Class,
    Function,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// `*args` (a rest parameter) or `**kwargs`: what else the function takes.
    pub splat: Splat,
    /// The annotation, as written.
    pub annotation: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Splat {
    None,
    /// `*args`, `...rest`.
    Positional,
    /// `**kwargs`.
    Keywords,
}

impl Definitions {
    /// The definitions of the file `text` of `lang`; none for SQL, or when
    /// the parser gives up.
    pub fn read(lang: Lang, text: &str) -> Definitions {
        let Ok(tree) = lang::parse(lang, text) else {
            return Definitions::default();
        };
        let reader = Reader { lang, text };
        let items = named_children(tree.root_node())
            .into_iter()
            .filter_map(|n| reader.definition(n))
            .collect();
        Definitions { items }
    }

    /// The top-level definition named `name`.
    pub fn get(&self, name: &str) -> Option<&Definition> {
        self.items.iter().find(|d| d.name == name)
    }
}

struct Reader<'t> {
    lang: Lang,
    text: &'t str,
}

impl Reader<'_> {
    fn text(&self, node: Node) -> String {
        self.text[node.byte_range()].to_string()
    }

    /// The definition a top-level statement makes, if any: unwrapping
    /// decorators and exports, and `const f = (…) => …`.
    fn definition(&self, node: Node) -> Option<Definition> {
        match node.kind() {
            "decorated_definition" => self.definition(node.child_by_field_name("definition")?),
            "export_statement" => self.definition(node.child_by_field_name("declaration")?),
            "function_definition"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition" => Some(self.function(node, node)?),
            "class_definition" | "class_declaration" | "abstract_class_declaration" => {
                self.class(node)
            }
            "lexical_declaration" | "variable_declaration" => {
                let declarator = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() == "variable_declarator")?;
                let value = declarator.child_by_field_name("value")?;
                let arrow = matches!(
                    value.kind(),
                    "arrow_function" | "function_expression" | "function"
                );
                arrow.then(|| self.function(declarator, value)).flatten()
            }
            _ => None,
        }
    }

    /// A function named by `named` whose parameters and return type
    /// `function` holds (the same node but for `const f = () => …`).
    fn function(&self, named: Node, function: Node) -> Option<Definition> {
        let name = self.text(named.child_by_field_name("name")?);
        let params = function
            .child_by_field_name("parameters")
            .map(|p| {
                named_children(p)
                    .into_iter()
                    .filter_map(|p| self.param(p))
                    .collect()
            })
            .or_else(|| {
                // `x => …`: one parameter, no parentheses.
                let p = function.child_by_field_name("parameter")?;
                Some(vec![self.plain(self.text(p))])
            })
            .unwrap_or_default();
        let returns = function
            .child_by_field_name("return_type")
            .map(|r| self.text(r).trim_start_matches(':').trim().to_string());
        Some(Definition {
            name,
            kind: Kind::Function,
            params,
            returns,
            members: Vec::new(),
        })
    }

    fn class(&self, node: Node) -> Option<Definition> {
        let name = self.text(node.child_by_field_name("name")?);
        let members = node
            .child_by_field_name("body")
            .map(|b| {
                named_children(b)
                    .into_iter()
                    .filter_map(|m| self.definition(m))
                    .collect()
            })
            .unwrap_or_default();
        Some(Definition {
            name,
            kind: Kind::Class,
            params: Vec::new(),
            returns: None,
            members,
        })
    }

    fn plain(&self, name: String) -> Param {
        Param {
            name,
            splat: Splat::None,
            annotation: None,
        }
    }

    /// One parameter of either grammar.
    fn param(&self, p: Node) -> Option<Param> {
        let annotation = p
            .child_by_field_name("type")
            .map(|t| self.text(t).trim_start_matches(':').trim().to_string());
        let (name, splat) = match (self.lang, p.kind()) {
            (Lang::Python, "identifier") => (self.text(p), Splat::None),
            (Lang::Python, "default_parameter" | "typed_default_parameter") => {
                (self.text(p.child_by_field_name("name")?), Splat::None)
            }
            (
                Lang::Python,
                "list_splat_pattern" | "dictionary_splat_pattern" | "typed_parameter",
            ) => {
                let inner = match p.kind() {
                    "typed_parameter" => p.named_child(0)?,
                    _ => p,
                };
                let splat = match inner.kind() {
                    "list_splat_pattern" => Splat::Positional,
                    "dictionary_splat_pattern" => Splat::Keywords,
                    _ => Splat::None,
                };
                let name = match splat {
                    Splat::None => inner,
                    _ => inner.named_child(0)?,
                };
                (self.text(name), splat)
            }
            (Lang::Python, _) => return None,
            (_, "required_parameter" | "optional_parameter") => {
                let pattern = p.child_by_field_name("pattern")?;
                match pattern.kind() {
                    "rest_pattern" => (self.text(pattern.named_child(0)?), Splat::Positional),
                    _ => (self.text(pattern), Splat::None),
                }
            }
            (_, "identifier") => (self.text(p), Splat::None),
            (_, "assignment_pattern") => (self.text(p.child_by_field_name("left")?), Splat::None),
            (_, "rest_pattern") => (self.text(p.named_child(0)?), Splat::Positional),
            _ => return None,
        };
        Some(Param {
            name,
            splat,
            annotation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(params: &[Param]) -> Vec<(&str, Splat)> {
        params.iter().map(|p| (p.name.as_str(), p.splat)).collect()
    }

    #[test]
    fn python_functions_and_classes_with_their_parameters() {
        let text = "import os\n\n@deco\ndef start_session(session_id: str, *args, tags=None, **kwargs) -> Session:\n    pass\n\nclass Client:\n    def record(self, event, session=None):\n        pass\n\nx = 1\n";
        let defs = Definitions::read(Lang::Python, text);
        assert_eq!(defs.items.len(), 2);
        let f = defs.get("start_session").unwrap();
        assert_eq!(f.kind, Kind::Function);
        assert_eq!(
            names(&f.params),
            [
                ("session_id", Splat::None),
                ("args", Splat::Positional),
                ("tags", Splat::None),
                ("kwargs", Splat::Keywords)
            ]
        );
        assert_eq!(f.params[0].annotation.as_deref(), Some("str"));
        assert_eq!(f.returns.as_deref(), Some("Session"));
        let class = defs.get("Client").unwrap();
        assert_eq!(class.kind, Kind::Class);
        let record = &class.members[0];
        assert_eq!(record.name, "record");
        assert_eq!(
            names(&record.params),
            [
                ("self", Splat::None),
                ("event", Splat::None),
                ("session", Splat::None)
            ]
        );
    }

    #[test]
    fn typescript_functions_arrows_and_classes() {
        let text = "export function getSession(sessionId: string, ...rest: number[]): Promise<Session> { return x; }\nexport const endSession = (id, opts = {}) => id;\nconst one = s => s;\nexport class Store { save(session: Session): void {} }\ninterface I { a: string }\n";
        let defs = Definitions::read(Lang::TypeScript, text);
        let f = defs.get("getSession").unwrap();
        assert_eq!(
            names(&f.params),
            [("sessionId", Splat::None), ("rest", Splat::Positional)]
        );
        assert_eq!(f.params[0].annotation.as_deref(), Some("string"));
        assert_eq!(f.returns.as_deref(), Some("Promise<Session>"));
        let arrow = defs.get("endSession").unwrap();
        assert_eq!(
            names(&arrow.params),
            [("id", Splat::None), ("opts", Splat::None)]
        );
        assert_eq!(
            names(&defs.get("one").unwrap().params),
            [("s", Splat::None)]
        );
        let store = defs.get("Store").unwrap();
        assert_eq!(store.members[0].name, "save");
        assert!(defs.get("I").is_none());
    }
}
