import { emptyPlanForm, newPlanOf, validatePlanForm } from './planForm';

describe('validatePlanForm', () => {
  it('names every missing field of an empty form', () => {
    expect(validatePlanForm(emptyPlanForm())).toEqual({
      title: 'Give the plan a title',
      owner: 'Who owns the plan? e.g. group:default/web-team',
      targetDate: 'Pick a target date',
    });
  });

  it('checks the origin fields of a breach and a survey', () => {
    const base = emptyPlanForm({
      title: 't',
      owner: 'group:default/a',
      targetDate: '2026-12-31',
    });
    expect(
      validatePlanForm({ ...base, originType: 'breach', period: 'Sept' }),
    ).toEqual({
      objective: 'Which objective was breached? e.g. availability',
      period: 'A period such as 2026-09, 2026-Q3 or 2026',
    });
    expect(
      validatePlanForm({
        ...base,
        originType: 'survey',
        score: '7',
        scale: '5',
      }),
    ).toEqual({
      score: 'The satisfaction score, 0 to 5',
    });
  });

  it('checks each action, keyed like the backend', () => {
    const form = emptyPlanForm({
      title: 't',
      owner: 'group:default/a',
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
      targetDate: 'Pick a target date',
      'actions[0].title': 'Describe the action',
      'actions[0].assignee': 'An entity ref such as user:default/jane',
      'actions[0].dueDate': 'A date YYYY-MM-DD',
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
