/** Status of one SLA objective in one period (SPEC §5.7). */
export type ObjectiveStatus =
  | 'met'
  | 'breached'
  | 'at-risk'
  | 'running'
  | 'no-data';

/** One objective's result, as the compliance endpoint returns it. */
export interface ObjectiveResult {
  objective: string;
  target: string;
  actual?: string;
  status: ObjectiveStatus;
}

/** A problem found in the entity's SLA annotations. */
export interface AnnotationProblem {
  key: string;
  value: string;
  expected: string;
  message: string;
}

/** `GET /entities/{kind}/{namespace}/{name}/compliance` */
export interface EntityCompliance {
  entityRef: string;
  period: { key: string; start: string; end: string };
  objectives: ObjectiveResult[];
  problems: AnnotationProblem[];
}
