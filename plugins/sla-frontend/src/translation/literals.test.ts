// The check reads the sources: it runs in Node, not in the browser.
// eslint-disable-next-line no-restricted-imports
import { readdirSync, readFileSync, statSync } from 'fs';
// eslint-disable-next-line no-restricted-imports
import { join, relative } from 'path';
// The repo's TypeScript parses the sources (a root dev dependency of the monorepo).
// eslint-disable-next-line @backstage/no-undeclared-imports
import ts from 'typescript';

/**
 * A static check that no component renders a literal English text: every JSX text and every
 * user-visible string attribute must come from the translation ref. The few literals that
 * are not language (example refs) or cannot be translated are listed here, each with its
 * reason, as a text or as `file: text`.
 */
const ALLOWED: Record<string, string> = {
  // An example of the value the filter takes, not prose.
  'group:default/web-team': 'example entity ref',
  // The plugin's metadata takes a plain string; its pages and nav item are translated.
  "../alpha/plugin.tsx: title: 'Service levels'": 'plugin metadata',
};

/**
 * Attributes (and object properties, as in table columns) whose string value a person
 * reads; a translation key (`page.rate`) as the value is not a text.
 */
const VISIBLE_ATTRIBUTES = new Set([
  'label',
  'title',
  'placeholder',
  'aria-label',
  'helperText',
  'tooltip',
  'subheader',
  'subtitle',
  'noOptionsText',
  'deniedText',
  'alt',
]);

const WORD = /[A-Za-z]{2,}/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === '__testUtils__' ? [] : sources(path);
    }
    return /\.tsx$/.test(name) && !/\.test\.tsx$/.test(name) ? [path] : [];
  });
}

function literals(path: string, source = readFileSync(path, 'utf8')): string[] {
  const file = ts.createSourceFile(
    path,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const found: string[] = [];
  const at = (node: ts.Node, literal: string) => {
    const where = relative(__dirname, path);
    if (ALLOWED[`${where}: ${literal}`]) return;
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${where}:${line + 1}: ${literal}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      const jsxText = node.getText().trim();
      if (WORD.test(jsxText) && !ALLOWED[jsxText]) at(node, jsxText);
    }
    if (
      ts.isJsxAttribute(node) &&
      VISIBLE_ATTRIBUTES.has(node.name.getText()) &&
      node.initializer
    ) {
      let value = node.initializer;
      if (ts.isJsxExpression(value) && value.expression) {
        value = value.expression as typeof value;
      }
      let text: string | undefined;
      if (
        ts.isStringLiteral(value) ||
        ts.isNoSubstitutionTemplateLiteral(value)
      )
        text = value.text;
      else if (ts.isTemplateExpression(value as ts.Node)) {
        const template = value as unknown as ts.TemplateExpression;
        text = [
          template.head.text,
          ...template.templateSpans.map(s => s.literal.text),
        ].join(' ');
      }
      if (text !== undefined && WORD.test(text) && !ALLOWED[text]) {
        at(node, node.getText());
      }
    }
    // Column and option objects: `{ title: 'Plan' }`, `{ label: 'All' }`.
    if (
      ts.isPropertyAssignment(node) &&
      VISIBLE_ATTRIBUTES.has(node.name.getText().replace(/['"]/g, '')) &&
      (ts.isStringLiteral(node.initializer) ||
        ts.isNoSubstitutionTemplateLiteral(node.initializer)) &&
      WORD.test(node.initializer.text) &&
      !ALLOWED[node.initializer.text] &&
      !/^[a-z]+(\.[\w-]+)+$/.test(node.initializer.text)
    ) {
      at(node, node.getText());
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('user-visible texts', () => {
  it('are found when literal: JSX text and visible attributes', () => {
    const sample = [
      'export const A = ({ n }: { n: number }) => (',
      '  <Box title={`Plan ${n}`}>',
      '    <Button aria-label="Remove action">x</Button>',
      '    <TextField label={t("plans.dialog.title")} placeholder="group:default/web-team" />',
      '    Create plan',
      '    <Table columns={[{ title: "Plan" }, { title: "page.rate" }]} />',
      '  </Box>',
      ');',
    ].join('\n');
    expect(literals(join(__dirname, 'sample.tsx'), sample)).toEqual([
      'sample.tsx:2: title={`Plan ${n}`}',
      'sample.tsx:3: aria-label="Remove action"',
      'sample.tsx:5: Create plan',
      'sample.tsx:6: title: "Plan"',
    ]);
  });

  it('come from the translation ref, in every component', () => {
    const files = sources(join(__dirname, '..'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap(f => literals(f))).toEqual([]);
  });
});
