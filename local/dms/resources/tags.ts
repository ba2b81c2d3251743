/** Tags on any DMS resource ARN: AddTagsToResource, RemoveTagsFromResource, ListTagsForResource. */
import type {
  AddTagsToResourceMessage,
  Tag as ApiTag,
  ListTagsForResourceMessage,
  ListTagsForResourceResponse,
  RemoveTagsFromResourceMessage,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { invalidParameterValue, resourceNotFound } from '../protocol/errors.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import { identifierOfArn } from '../state/lookup.ts';
import type { Tag } from '../state/records.ts';

const MAX_TAGS = 50;

/** Checks tag keys and values as DMS does; returns them as stored. */
export const validateTags = (tags: readonly Wire<ApiTag>[] | undefined): Tag[] => {
  if ((tags ?? []).length > MAX_TAGS)
    throw invalidParameterValue(`A resource can have at most ${MAX_TAGS} tags`);
  return (tags ?? []).map((tag) => {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128)
      throw invalidParameterValue('Tag keys must be 1 to 128 characters long');
    if (value.length > 256) throw invalidParameterValue('Tag values must be at most 256 characters long');
    if (/^(aws|dms):/i.test(key))
      throw invalidParameterValue(`Tag key ${key} uses a reserved prefix (aws: or dms:)`);
    return { Key: key, Value: value };
  });
};

/** Merges tags into a resource's (same key replaces). */
export const setTags = (ctx: DmsContext, arn: string, tags: readonly Tag[]): void => {
  const current = ctx.state.tags[arn] ?? [];
  const merged = [...current.filter((tag) => !tags.some((added) => added.Key === tag.Key)), ...tags];
  if (merged.length > MAX_TAGS) throw invalidParameterValue(`A resource can have at most ${MAX_TAGS} tags`);
  if (merged.length > 0) ctx.state.tags[arn] = merged;
};

const requireResource = (ctx: DmsContext, arn: string): void => {
  if (identifierOfArn(ctx.state, arn) === undefined) throw resourceNotFound(`Resource ${arn} not found`);
};

export const addTagsToResource = (
  ctx: DmsContext,
  input: Input<AddTagsToResourceMessage, 'ResourceArn' | 'Tags'>,
): Record<string, never> => {
  requireResource(ctx, input.ResourceArn);
  setTags(ctx, input.ResourceArn, validateTags(input.Tags));
  return {};
};

export const removeTagsFromResource = (
  ctx: DmsContext,
  input: Input<RemoveTagsFromResourceMessage, 'ResourceArn' | 'TagKeys'>,
): Record<string, never> => {
  requireResource(ctx, input.ResourceArn);
  const remaining = (ctx.state.tags[input.ResourceArn] ?? []).filter(
    (tag) => !input.TagKeys.includes(tag.Key),
  );
  if (remaining.length > 0) ctx.state.tags[input.ResourceArn] = remaining;
  else delete ctx.state.tags[input.ResourceArn];
  return {};
};

export const listTagsForResource = (
  ctx: DmsContext,
  input: Wire<ListTagsForResourceMessage>,
): Wire<ListTagsForResourceResponse> => {
  if (input.ResourceArn === undefined && (input.ResourceArnList ?? []).length === 0)
    throw invalidParameterValue('Either ResourceArn or ResourceArnList must be specified');
  if (input.ResourceArn !== undefined) {
    requireResource(ctx, input.ResourceArn);
    return { TagList: (ctx.state.tags[input.ResourceArn] ?? []).map((tag) => ({ ...tag })) };
  }
  const arns = input.ResourceArnList ?? [];
  for (const arn of arns) requireResource(ctx, arn);
  return {
    TagList: arns.flatMap((arn) => (ctx.state.tags[arn] ?? []).map((tag) => ({ ...tag, ResourceArn: arn }))),
  };
};
