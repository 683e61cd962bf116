// Expected failures of the answers, as values with a stable tag and a sentence for people.
export type AnswerError =
  | { readonly _tag: 'VersionNotFound'; readonly versionId: string; readonly message: string }
  | { readonly _tag: 'CfNotFound'; readonly cfId: string; readonly message: string }
  | { readonly _tag: 'NotAMember'; readonly cfId: string; readonly versionId: string; readonly message: string }
  | { readonly _tag: 'IsAMember'; readonly cfId: string; readonly versionId: string; readonly message: string }
  | { readonly _tag: 'CfNotInVersionPrefix'; readonly cfId: string; readonly versionId: string; readonly message: string };

export const versionNotFound = (versionId: string): AnswerError => ({
  _tag: 'VersionNotFound',
  versionId,
  message: `dataset version ${versionId} is not known (no build produced it)`,
});

export const cfNotFound = (cfId: string, when = ''): AnswerError => ({
  _tag: 'CfNotFound',
  cfId,
  message: `CF ${cfId} is not in the log${when}`,
});
