// Type-checks a TypeScript project and lists its errors and the uses of
// deprecated names, as JSON: {"errors": ["file:line:col: TSn: message"],
// "deprecated": [{"file", "line", "name"}]}. Files are relative to the
// project's directory, lines 1-based; only the project's own files count.
// Usage: NODE_PATH=<node_modules holding typescript> node deprecations.js
//        (TSCONFIG | FILE...)
// `tsc` reports no deprecations (they are editor suggestions), hence the
// language service.
'use strict';
const ts = require('typescript');
const path = require('path');

// "'{0}' is deprecated." and "The signature '{0}' of '{1}' is deprecated."
const DEPRECATED = new Set([6385, 6387]);

function project(args) {
  if (args.length === 1 && args[0].endsWith('.json')) {
    const file = path.resolve(args[0]);
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
    const dir = path.dirname(file);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
    return { dir, files: parsed.fileNames, options: parsed.options };
  }
  const files = args.map((f) => path.resolve(f));
  return { dir: process.cwd(), files, options: { strict: true, noEmit: true } };
}

function service({ dir, files, options }) {
  const host = {
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) =>
      ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)) : undefined,
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

function where(dir, d) {
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: path.relative(dir, d.file.fileName), line: line + 1, col: character + 1 };
}

function main(args) {
  const p = project(args);
  const ls = service(p);
  const program = ls.getProgram();
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file) return `TS${d.code}: ${text}`;
    const at = where(p.dir, d);
    return `${at.file}:${at.line}:${at.col}: TS${d.code}: ${text}`;
  });
  const deprecated = [];
  for (const file of p.files) {
    for (const d of ls.getSuggestionDiagnostics(file)) {
      if (!DEPRECATED.has(d.code)) continue;
      const at = where(p.dir, d);
      // The span may be a whole type reference (`Old<T>`): its name leads.
      const name = d.file.text.slice(d.start, d.start + d.length).match(/^[\w$]+/)[0];
      deprecated.push({ file: at.file, line: at.line, name });
    }
  }
  process.stdout.write(JSON.stringify({ errors, deprecated }, null, 1) + '\n');
}

main(process.argv.slice(2));
