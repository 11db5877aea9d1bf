//! The calls whose string arguments may name code, by language. The
//! classifiers judge those strings (`analyze::classify`); the lexers send
//! them to the tree.

/// The calls whose string arguments the classifiers may call code, besides
/// the query methods. The lexer sends strings passed to them to the tree.
pub const PYTHON_CALLS: [&str; 10] = [
    "patch",
    "import_module",
    "object",
    "getattr",
    "hasattr",
    "setattr",
    "delattr",
    "table",
    "from_",
    // `supabase.rpc("count_sessions", …)`: a database function's name.
    "rpc",
];

/// Supabase/PostgREST query builder methods whose first argument names
/// columns (`.select("session_id, …")`, `.eq("session_id", x)`).
pub const QUERY_METHODS: [&str; 22] = [
    "select",
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "like",
    "ilike",
    "is_",
    "is",
    "in_",
    "in",
    "contains",
    "contained_by",
    "containedBy",
    "order",
    "filter",
    "not_",
    "not",
    "match",
    "upsert",
];

/// The calls whose first string argument the classifiers may
/// call code, besides the query methods. The lexer sends strings passed to
/// them to the tree.
pub const JS_CALLS: [&str; 6] = ["mock", "from", "table", "rpc", "import", "require"];

/// Is a call to `name` one whose string arguments `string_use` may call
/// code: one of the language's `calls`, or a query method?
pub fn special_call(calls: &[&str], name: &str) -> bool {
    calls.contains(&name) || QUERY_METHODS.contains(&name)
}
