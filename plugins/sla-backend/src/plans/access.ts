import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';

/** The ownership refs (user and groups) of a user caller, lower-cased; [] for services. */
export async function ownershipRefsOf(
  userInfo: UserInfoService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  if ((credentials.principal as { type?: string }).type !== 'user') return [];
  const info = await userInfo.getUserInfo(credentials);
  return info.ownershipEntityRefs.map(r => r.toLowerCase());
}
