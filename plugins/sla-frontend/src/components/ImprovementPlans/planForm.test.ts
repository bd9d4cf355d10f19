import {
  emptyPlanForm,
  newPlanOf,
  PlanForm,
  validatePlanForm,
} from './planForm';

/** A form with every required field filled in, and `over` on top. */
const filledForm = (over: Partial<PlanForm> = {}) =>
  emptyPlanForm({
    title: 't',
    owner: 'group:default/a',
    targetDate: '2026-12-31',
    ...over,
  });

// The errors are message keys under `plans.error` of the translation ref; the dialog shows
// them in the user's language.
describe('validatePlanForm', () => {
  it('names every missing field of an empty form', () => {
    expect(validatePlanForm(emptyPlanForm())).toEqual({
      title: 'title',
      owner: 'owner',
      targetDate: 'targetDate',
    });
  });

  it('checks the origin fields of a breach and a survey', () => {
    const base = filledForm();
    expect(
      validatePlanForm({ ...base, originType: 'breach', period: 'Sept' }),
    ).toEqual({
      objective: 'objective',
      period: 'period',
    });
    expect(
      validatePlanForm({
        ...base,
        originType: 'survey',
        score: '7',
        scale: '5',
      }),
    ).toEqual({
      score: 'score',
    });
  });

  it('checks each action, keyed like the backend', () => {
    const form = filledForm({
      targetDate: '2026-02-30',
      actions: [
        {
          title: '',
          assignee: 'not a ref!',
          dueDate: '2026-13-01',
          done: false,
        },
      ],
    });
    expect(validatePlanForm(form)).toEqual({
      targetDate: 'targetDate',
      'actions[0].title': 'actionTitle',
      'actions[0].assignee': 'assignee',
      'actions[0].dueDate': 'actionDue',
    });
  });

  it('builds the request body of a valid form', () => {
    const form = emptyPlanForm({
      title: ' Faster P1 ',
      originType: 'survey',
      score: '2.5',
      scale: '5',
      note: 'Q3',
      owner: 'group:default/a',
      targetDate: '2026-12-31',
      actions: [{ title: 'On-call', assignee: '', dueDate: '', done: false }],
    });
    expect(validatePlanForm(form)).toEqual({});
    expect(newPlanOf('component:default/cad-core', form)).toEqual({
      entityRef: 'component:default/cad-core',
      title: 'Faster P1',
      description: '',
      origin: { type: 'survey', score: 2.5, scale: 5, note: 'Q3' },
      owner: 'group:default/a',
      targetDate: '2026-12-31',
      actions: [{ title: 'On-call', done: false }],
    });
  });
});
