import { mockServices } from '@backstage/backend-test-utils';
import type { Request } from 'express';
import { audited } from './audited';

function recordingAuditor() {
  const log: string[] = [];
  const event = {
    success: jest.fn(async () => {
      log.push('success');
    }),
    fail: jest.fn(async () => {
      log.push('fail');
    }),
  };
  const auditor = mockServices.auditor.mock({
    createEvent: async () => {
      log.push('created');
      return event;
    },
  });
  return { auditor, event, log };
}

const req = {} as Request;

describe('audited', () => {
  it('records the start before the write and the result after it', async () => {
    const { auditor, event, log } = recordingAuditor();

    const result = await audited(
      auditor,
      req,
      {
        eventId: 'plan-create',
        severityLevel: 'medium',
        meta: { by: 'user:default/ana' },
        successMeta: (r: { id: string }) => ({ planId: r.id }),
      },
      async () => {
        log.push('write');
        return { id: 'p1' };
      },
    );

    expect(result).toEqual({ id: 'p1' });
    expect(log).toEqual(['created', 'write', 'success']);
    expect(auditor.createEvent).toHaveBeenCalledWith({
      eventId: 'plan-create',
      severityLevel: 'medium',
      request: req,
      meta: { by: 'user:default/ana' },
    });
    expect(event.success).toHaveBeenCalledWith({ meta: { planId: 'p1' } });
  });

  it('records a failed write with its error and rethrows it', async () => {
    const { auditor, event, log } = recordingAuditor();
    const error = new Error('disk full');

    await expect(
      audited(
        auditor,
        req,
        { eventId: 'plan-delete', severityLevel: 'medium' },
        async () => {
          throw error;
        },
      ),
    ).rejects.toBe(error);

    expect(log).toEqual(['created', 'fail']);
    expect(event.fail).toHaveBeenCalledWith({ error });
    expect(event.success).not.toHaveBeenCalled();
  });

  it('succeeds without meta when none is asked for', async () => {
    const { auditor, event } = recordingAuditor();

    await audited(
      auditor,
      req,
      { eventId: 'plan-delete', severityLevel: 'medium' },
      async () => true,
    );

    expect(event.success).toHaveBeenCalledWith(undefined);
  });
});
