import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  slaReadPermission,
  slaTermsConfirmPermission,
} from '@servicelevel/plugin-sla-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { audited } from '../service/audited';
import { createAuthorize, principalName } from '../service/authorize';
import { ownershipRefsOf } from '../plans/access';
import { normalizeCustomerRef } from '../permissions/resource';
import type { ComplianceService } from '../service/ComplianceService';
import type { ConfirmationStore } from '../database';
import { confirmationState, reviewDetail } from './status';

export interface ConfirmationsRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  compliance: ComplianceService;
  confirmations: ConfirmationStore;
  now?: () => number;
}

/**
 * Agreement confirmation: `GET` the confirmation state and review flag of an entity's terms,
 * `POST` a confirmation of a terms version. Confirming needs sla.read and sla.terms.confirm on
 * the entity (a resource permission: the policy decides, e.g. owners and the customer's
 * members with isEntityOwner / isEntityCustomer). The confirmation records the caller's role:
 * customer for a member of the customer entity, owner (the provider's side) otherwise.
 */
export function createConfirmationsRouter(
  options: ConfirmationsRouterOptions,
): express.Router {
  const { auditor, compliance, confirmations, userInfo } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  // Mounted in createValidatedRouter (plugin.ts): requests arrive parsed and validated.
  const router = Router();

  router.get(
    '/entities/:kind/:namespace/:name/confirmation',
    async (req, res) => {
      await authorize(req, slaReadPermission);
      const { entity, latest } = await compliance.loadEntity(refOf(req));
      const list = await confirmations.list(entity.entityRef);
      const { state, latest: last } = confirmationState(latest.version, list);
      res.json({
        entityRef: entity.entityRef,
        termsVersion: latest.version,
        state,
        ...(last ? { lastConfirmation: last } : {}),
        confirmations: list,
        review: reviewDetail(
          latest.terms.reviewBy,
          now(),
          latest.terms.timezone,
        ),
      });
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/confirmation',
    async (req, res) => {
      const credentials = await authorize(req, slaReadPermission);
      const { entity, latest, versions } = await compliance.loadEntity(
        refOf(req),
      );
      const body = req.body as Record<string, unknown> | undefined;
      const problems: string[] = [];
      const version = body?.termsVersion;
      if (typeof version !== 'number' || !Number.isInteger(version)) {
        problems.push(
          `termsVersion: required, the version being confirmed (latest is ${latest.version})`,
        );
      } else if (!versions.some(v => v.version === version)) {
        problems.push(
          `termsVersion: ${entity.entityRef} has no version ${version}`,
        );
      } else if (version !== latest.version) {
        problems.push(
          `termsVersion: version ${version} is no longer in force; the current terms are version ${latest.version}`,
        );
      }
      const comment = body?.comment;
      if (
        comment !== undefined &&
        comment !== null &&
        (typeof comment !== 'string' || comment.length > 2000)
      ) {
        problems.push('comment: expected a string of at most 2000 characters');
      }
      if (problems.length > 0) throw new InputError(problems.join('\n'));

      // Throws NotAllowedError (403) unless the policy allows it on this entity.
      await authorize(req, slaTermsConfirmPermission, entity.entityRef);
      const refs = await ownershipRefsOf(userInfo, credentials);
      const owner = entity.ownerRef?.toLowerCase();
      const customer = latest.terms.customer
        ? normalizeCustomerRef(latest.terms.customer)
        : undefined;
      const role: 'owner' | 'customer' =
        customer &&
        refs.includes(customer) &&
        !(owner !== undefined && refs.includes(owner))
          ? 'customer'
          : 'owner';
      const by = principalName(credentials);
      const text = typeof comment === 'string' ? comment.trim() : '';
      const stored = await audited(
        auditor,
        req,
        {
          eventId: 'agreement-confirm',
          severityLevel: 'medium',
          meta: {
            entityRef: entity.entityRef,
            termsVersion: version as number,
            by,
            role,
          },
          successMeta: c => ({ confirmationId: c.id }),
        },
        () =>
          confirmations.add({
            entityRef: entity.entityRef,
            termsVersion: version as number,
            by,
            role,
            at: now(),
            ...(text ? { comment: text } : {}),
          }),
      );
      res.status(201).json(stored);
    },
  );

  return router;
}

function refOf(req: Request): string {
  const { kind, namespace, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name }).toLowerCase();
}
