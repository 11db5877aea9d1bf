//! The walked Python files as a tree of module names, to tell whether an
//! imported module lives in the project.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// The walked Python files as a tree of names: `a/b/c.py` is `a` → `b`
/// → `c`, and `a/b/__init__.py` is `a` → `b`. A module `x.y` is ours when
/// some node named `x`, at any depth, has a child `y`: when some walked
/// file is `…/x/y.py` or lies below `…/x/y/`.
pub(super) struct ModuleTree {
    /// Each node's children by name; node 0 is the root. (B-trees: a few
    /// string comparisons cost less than hashing each name.)
    children: Vec<BTreeMap<String, usize>>,
    /// The nodes of each name.
    named: BTreeMap<String, Vec<usize>>,
}

impl ModuleTree {
    pub(super) fn new<'p>(files: impl Iterator<Item = &'p Path>) -> ModuleTree {
        let mut tree = ModuleTree {
            children: vec![BTreeMap::new()],
            named: BTreeMap::new(),
        };
        // Files come sorted, so each directory shares most of its path with
        // the previous one: the nodes of that path are kept, and only the
        // components after the shared ones are looked up.
        let mut path: Vec<(&str, usize)> = Vec::new();
        let mut last: Option<(&Path, usize)> = None;
        for file in files {
            let Some((dir, name)) = file.parent().zip(file.file_stem()) else {
                continue;
            };
            let node = match last {
                Some((d, node)) if d.as_os_str() == dir.as_os_str() => node,
                _ => {
                    let node = tree.directory(dir, &mut path);
                    last = Some((dir, node));
                    node
                }
            };
            match name.to_str() {
                Some("__init__") | None => {}
                Some(stem) => {
                    tree.child(node, stem);
                }
            }
        }
        tree
    }

    /// The node of directory `dir`, added as needed; `path` holds the
    /// components and nodes of the directory before, and then of this one.
    fn directory<'f>(&mut self, dir: &'f Path, path: &mut Vec<(&'f str, usize)>) -> usize {
        let parts = dir.components().filter_map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        });
        let mut node = 0;
        for (depth, part) in parts.enumerate() {
            node = match path.get(depth) {
                Some(&(kept, kept_node)) if kept == part => kept_node,
                _ => {
                    path.truncate(depth);
                    let child = self.child(node, part);
                    path.push((part, child));
                    child
                }
            };
        }
        node
    }

    /// The child `part` of `node`, added if new.
    fn child(&mut self, node: usize, part: &str) -> usize {
        // A `.` inside a directory name (`lib/python3.12`) is no module
        // boundary: written as `/`, which no module name holds.
        let name: Cow<str> = match part.contains('.') {
            true => Cow::Owned(part.replace('.', "/")),
            false => Cow::Borrowed(part),
        };
        match self.children[node].get(&*name) {
            Some(&child) => child,
            None => self.add(node, name.into_owned()),
        }
    }

    fn add(&mut self, parent: usize, name: String) -> usize {
        let node = self.children.len();
        self.children.push(BTreeMap::new());
        self.named.entry(name.clone()).or_default().push(node);
        self.children[parent].insert(name, node);
        node
    }

    /// Is `module` (`a.b.c`) a chain of names in the tree?
    pub(super) fn contains(&self, module: &str) -> bool {
        let mut parts = module.split('.');
        let first = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        let chain = |node: usize| {
            rest.iter()
                .try_fold(node, |n, part| self.children[n].get(*part).copied())
                .is_some()
        };
        self.named
            .get(first)
            .is_some_and(|nodes| nodes.iter().any(|&n| chain(n)))
    }
}
