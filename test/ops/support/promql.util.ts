import { parser } from '@prometheus-io/lezer-promql';

// Grafana's variables, as Grafana would substitute them, so the PromQL parses as Prometheus will see it.
const GRAFANA_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '6h',
  service: 'gateway',
};

export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = GRAFANA_VARIABLES[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in ${expr}`);
    return value;
  });
}

export interface ParsedPromql {
  errors: string[]; // where the parser could not read the expression
  metrics: string[]; // every metric name a selector names, bare or as {__name__="..."}
}

export function parsePromql(expr: string): ParsedPromql {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`cannot parse at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
        const text = expr.slice(node.from, node.to);
        const byName = /^__name__\s*=\s*"([^"]+)"$/.exec(text);
        if (byName) metrics.push(byName[1]);
      }
    },
  });
  return { errors, metrics };
}
