//! Scopes and bindings read from a syntax tree: one preorder walk that
//! records every scope and what each binds.

use tree_sitter::{Node, Tree};

use super::{unquote, Binding, Scope, Scopes};
use crate::index::project::Project;
use crate::lang::named_children;
use crate::model::Lang;

use std::collections::HashMap;
use std::path::Path;

impl<'a> Scopes<'a> {
    pub fn build(
        lang: Lang,
        tree: &Tree,
        text: &'a str,
        project: &'a Project,
        file: &'a Path,
    ) -> Scopes<'a> {
        let mut s = Scopes::empty(lang, text, project, file);
        let mut stack = vec![0usize];
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            while stack.len() > 1 && s.scopes[stack[stack.len() - 1]].range.end <= node.start_byte()
            {
                stack.pop();
            }
            // A node in a parameter's annotation or default sees (and binds
            // in) the scope the function is defined in.
            let current = s.evaluated_in(stack[stack.len() - 1], node.start_byte());
            let pushed = match lang {
                Lang::Python => s.python_node(node, current),
                Lang::Sql => None,
                _ => s.js_node(node, current),
            };
            stack.extend(pushed);
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return s;
                }
            }
        }
    }

    /// The module scope alone.
    pub(super) fn empty(
        lang: Lang,
        text: &'a str,
        project: &'a Project,
        file: &'a Path,
    ) -> Scopes<'a> {
        Scopes {
            lang,
            text,
            project,
            file,
            scopes: vec![Scope {
                range: 0..text.len(),
                parent: None,
                names: HashMap::new(),
                outside: Vec::new(),
            }],
            third_party_keys: HashMap::new(),
            tokens: None,
        }
    }

    pub(super) fn text_of(&self, node: Node) -> &'a str {
        &self.text[node.byte_range()]
    }

    fn bind(&mut self, scope: usize, name: Node, third_party: Option<String>) {
        self.bind_holding(scope, name, third_party, None);
    }

    fn bind_holding(
        &mut self,
        scope: usize,
        name: Node,
        third_party: Option<String>,
        holds: Option<String>,
    ) {
        let key = self.text_of(name).to_string();
        self.scopes[scope].names.entry(key).or_insert(Binding {
            at: name.start_byte(),
            holds: holds.or_else(|| third_party.clone()),
            third_party,
        });
    }

    fn bind_pattern(&mut self, scope: usize, pattern: Node) {
        for name in pattern_names(pattern) {
            self.bind(scope, name, None);
        }
    }

    fn push(&mut self, node: Node, parent: usize) -> usize {
        self.scopes.push(Scope {
            range: node.byte_range(),
            parent: Some(parent),
            names: HashMap::new(),
            outside: Vec::new(),
        });
        self.scopes.len() - 1
    }

    /// Record what a Python node binds; return the scope it opens, if any.
    fn python_node(&mut self, node: Node, scope: usize) -> Option<usize> {
        match node.kind() {
            "import_statement" => {
                for name in children_by_field(node, "name") {
                    let (module, bound) = match name.kind() {
                        "aliased_import" => (
                            name.child_by_field_name("name")?,
                            name.child_by_field_name("alias")?,
                        ),
                        _ => (name, name.named_child(0)?),
                    };
                    let module = self.text_of(module);
                    let third = self
                        .project
                        .python_third_party(module)
                        .then(|| module.to_string());
                    self.bind(scope, bound, third);
                }
            }
            "import_from_statement" => {
                let module = self.text_of(node.child_by_field_name("module_name")?);
                let third = self
                    .project
                    .python_third_party(module)
                    .then(|| module.to_string());
                for name in children_by_field(node, "name") {
                    let bound = match name.kind() {
                        "aliased_import" => name.child_by_field_name("alias")?,
                        _ => name.named_child(0)?,
                    };
                    self.bind(scope, bound, third.clone());
                }
            }
            "function_definition" | "class_definition" => {
                self.bind(scope, node.child_by_field_name("name")?, None);
                let inner = self.push(node, scope);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.python_parameters(params, inner);
                }
                let evaluated_outside = ["return_type", "superclasses"]
                    .into_iter()
                    .filter_map(|field| node.child_by_field_name(field));
                let outside = evaluated_outside.map(|n| n.byte_range());
                self.scopes[inner].outside.extend(outside);
                return Some(inner);
            }
            "lambda" => {
                let inner = self.push(node, scope);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.python_parameters(params, inner);
                }
                return Some(inner);
            }
            "assignment" => {
                let left = node.child_by_field_name("left")?;
                let made_by = node
                    .child_by_field_name("right")
                    .and_then(|r| self.factory_module(r, scope));
                match (left.kind(), made_by) {
                    ("identifier", Some(module)) => {
                        self.bind_holding(scope, left, None, Some(module))
                    }
                    _ => self.bind_pattern(scope, left),
                }
            }
            "augmented_assignment" | "for_statement" | "for_in_clause" => {
                self.bind_pattern(scope, node.child_by_field_name("left")?);
            }
            "as_pattern" => {
                // `with requests.Session() as s`: `s` holds their value.
                let alias = node.child_by_field_name("alias")?;
                let target = alias.named_child(0).filter(|t| t.kind() == "identifier");
                let made_by = node
                    .named_child(0)
                    .and_then(|v| self.factory_module(v, scope));
                match (target, made_by) {
                    (Some(name), Some(module)) => {
                        self.bind_holding(scope, name, None, Some(module))
                    }
                    _ => self.bind_pattern(scope, alias),
                }
            }
            "named_expression" => self.bind(scope, node.child_by_field_name("name")?, None),
            _ => {}
        }
        None
    }

    fn python_parameters(&mut self, params: Node, scope: usize) {
        for p in named_children(params) {
            let name = match p.kind() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    named_children(p)
                        .into_iter()
                        .find(|c| c.kind() == "identifier")
                        .or_else(|| p.named_child(0).and_then(|c| c.named_child(0)))
                }
                _ => None,
            };
            if let Some(n) = name.filter(|n| n.kind() == "identifier") {
                self.bind(scope, n, None);
            }
            // Annotations and defaults are evaluated where the function is
            // defined, before its scope exists.
            let evaluated_outside = ["type", "value"]
                .into_iter()
                .filter_map(|field| p.child_by_field_name(field));
            let outside = evaluated_outside.map(|n| n.byte_range());
            self.scopes[scope].outside.extend(outside);
        }
    }

    /// Record what a TypeScript/JavaScript node binds; return the scope it
    /// opens, if any.
    fn js_node(&mut self, node: Node, scope: usize) -> Option<usize> {
        match node.kind() {
            "import_statement" => {
                let spec = unquote(self.text_of(node.child_by_field_name("source")?));
                let third = self
                    .project
                    .js_third_party(spec, self.file)
                    .then(|| spec.to_string());
                let clause = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() == "import_clause")?;
                for part in named_children(clause) {
                    match part.kind() {
                        "identifier" => self.bind(scope, part, third.clone()),
                        "namespace_import" => self.bind(scope, part.named_child(0)?, third.clone()),
                        "named_imports" => {
                            for spec in named_children(part) {
                                let bound = spec
                                    .child_by_field_name("alias")
                                    .or_else(|| spec.child_by_field_name("name"));
                                if let Some(b) = bound {
                                    self.bind(scope, b, third.clone());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            "variable_declarator" => {
                let name = node.child_by_field_name("name")?;
                let value = node.child_by_field_name("value");
                let required = value
                    .and_then(|v| self.required_module(v))
                    .filter(|spec| self.project.js_third_party(spec, self.file))
                    .map(str::to_string);
                let made_by = match name.kind() {
                    "identifier" => value.and_then(|v| self.factory_module(v, scope)),
                    _ => None,
                };
                let typed = node.child_by_field_name("type");
                let made_by = made_by.or_else(|| typed.and_then(|t| self.type_module(t, scope)));
                let source = match name.kind() {
                    "object_pattern" => value.and_then(|v| self.source_module(v, scope)),
                    _ => None,
                };
                if let Some(module) = &source {
                    self.mark_keys(name, module);
                }
                for n in pattern_names(name) {
                    // A shorthand key (`{ session }`) is their key and our name at
                    // once: it cannot change without breaking the destructuring.
                    let shorthand = n.kind() == "shorthand_property_identifier_pattern";
                    let theirs = required.clone().or(source.clone().filter(|_| shorthand));
                    self.bind_holding(scope, n, theirs, made_by.clone());
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration" => {
                self.bind(scope, node.child_by_field_name("name")?, None);
                if node.kind().contains("function") {
                    return Some(self.js_function(node, scope));
                }
            }
            "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => return Some(self.js_function(node, scope)),
            "statement_block" | "class_body" | "for_statement" | "for_in_statement" => {
                let inner = self.push(node, scope);
                if node.kind() == "for_in_statement" {
                    self.bind_pattern(inner, node.child_by_field_name("left")?);
                }
                return Some(inner);
            }
            "catch_clause" => {
                let inner = self.push(node, scope);
                self.bind_pattern(inner, node.child_by_field_name("parameter")?);
                return Some(inner);
            }
            _ => {}
        }
        None
    }

    fn js_function(&mut self, node: Node, scope: usize) -> usize {
        let inner = self.push(node, scope);
        if let Some(p) = node.child_by_field_name("parameter") {
            self.bind_pattern(inner, p);
        }
        if let Some(params) = node.child_by_field_name("parameters") {
            for p in named_children(params) {
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                // `options: SupabaseClientOptions`: a value of their type,
                // whose members are theirs. (The type is named outside.)
                let typed = p.child_by_field_name("type");
                let holds = typed.and_then(|t| self.type_module(t, scope));
                for name in pattern_names(pattern) {
                    self.bind_holding(inner, name, None, holds.clone());
                }
            }
        }
        inner
    }

    /// The third-party module of the type a type annotation names
    /// (`: Stripe.Checkout.Session`, `?: Options<'x'>`), if it is theirs.
    fn type_module(&self, annotation: Node, scope: usize) -> Option<String> {
        let mut t = annotation;
        loop {
            t = match t.kind() {
                // `Options & { extra?: … }`: their members are theirs.
                "intersection_type" | "union_type" => {
                    return named_children(t)
                        .into_iter()
                        .find_map(|member| self.type_module(member, scope))
                }
                "type_annotation" | "optional_type_annotation" | "generic_type" => {
                    t.named_child(0)?
                }
                "nested_type_identifier" => t.child_by_field_name("module")?,
                "member_expression" => t.child_by_field_name("object")?,
                "type_identifier" | "identifier" => break,
                _ => return None,
            };
        }
        self.held_by(t, scope)
    }

    /// The third-party module whose constructor or factory made `value`
    /// directly (`new Stripe(k)`, `createClient(…)`, `requests.Session()`,
    /// `await connect()`): the name it is assigned to is theirs too. A
    /// call on a call's result (a query) is not followed: its result is
    /// the project's data.
    fn factory_module(&self, value: Node, scope: usize) -> Option<String> {
        let mut v = value;
        while v.kind() == "await_expression" || v.kind() == "await" {
            v = v.named_child(0)?;
        }
        let callee = match v.kind() {
            "call" | "call_expression" => v.child_by_field_name("function")?,
            "new_expression" => v.child_by_field_name("constructor")?,
            _ => return None,
        };
        // Only names and dotted names: `a.b.C(…)`, not `a.b().c(…)`.
        let mut root = callee;
        while matches!(root.kind(), "attribute" | "member_expression") {
            root = root.child_by_field_name("object")?;
        }
        if root.kind() != "identifier" {
            return None;
        }
        self.held_by(root, scope)
    }

    /// The third-party module a value comes from, however it was reached
    /// (`await supabase.auth.getSession()` → `@supabase/supabase-js`).
    fn source_module(&self, value: Node, scope: usize) -> Option<String> {
        let mut v = value;
        loop {
            v = match v.kind() {
                "identifier" => break,
                "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                    v.named_child(0)?
                }
                "call_expression" => v.child_by_field_name("function")?,
                "new_expression" => v.child_by_field_name("constructor")?,
                "member_expression" | "subscript_expression" => v.child_by_field_name("object")?,
                _ => return None,
            };
        }
        self.held_by(v, scope)
    }

    /// The third-party module whose value the name `identifier` holds, as
    /// bound so far in `scope` (the walk is still recording bindings).
    fn held_by(&self, identifier: Node, scope: usize) -> Option<String> {
        let name = self.text_of(identifier);
        self.chain(scope)
            .find_map(|s| self.bound_in(s, name))
            .and_then(|b| b.holds.clone())
    }

    /// Record the keys of an object pattern (nested ones too) as theirs.
    fn mark_keys(&mut self, pattern: Node, module: &str) {
        let mut todo = vec![pattern];
        while let Some(p) = todo.pop() {
            for child in named_children(p) {
                match child.kind() {
                    "shorthand_property_identifier_pattern" => {
                        self.third_party_keys
                            .insert(child.start_byte(), module.to_string());
                    }
                    "pair_pattern" => {
                        if let Some(key) = child.child_by_field_name("key") {
                            self.third_party_keys
                                .insert(key.start_byte(), module.to_string());
                        }
                        todo.extend(
                            child
                                .child_by_field_name("value")
                                .filter(|v| v.kind() == "object_pattern"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    /// `require('m')` (possibly `.x` on it) → `m`.
    fn required_module(&self, value: Node) -> Option<&'a str> {
        let mut v = value;
        while v.kind() == "member_expression" {
            v = v.child_by_field_name("object")?;
        }
        let function = v.child_by_field_name("function")?;
        if v.kind() != "call_expression" || self.text_of(function) != "require" {
            return None;
        }
        let arg = v.child_by_field_name("arguments")?.named_child(0)?;
        (arg.kind() == "string").then(|| unquote(self.text_of(arg)))
    }
}

/// The identifiers a binding pattern binds (`a`, `(a, b)`, `{ a, b: c }`,
/// `[a, ...rest]`, `a = 1`); attributes and subscripts bind nothing.
fn pattern_names(pattern: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut todo = vec![pattern];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => out.push(n),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "object_pattern"
            | "array_pattern"
            | "rest_pattern"
            | "as_pattern_target"
            // Python: `with x as (a, b)` binds a tuple of names.
            | "tuple"
            | "list"
            | "parenthesized_expression" => todo.extend(named_children(n)),
            "pair_pattern" => todo.extend(n.child_by_field_name("value")),
            "assignment_pattern" | "object_assignment_pattern" => {
                todo.extend(n.child_by_field_name("left"))
            }
            _ => {}
        }
    }
    out
}

fn children_by_field<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}
