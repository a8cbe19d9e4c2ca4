import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { MAX_PAGE_SIZE } from './page-query.dto';
import type { Page } from './keyset';

const pages = new Map<Type<unknown>, Type<unknown>>();

/**
 * The OpenAPI schema of a page of `item`: `{ data: item[], nextCursor: string | null }`, named after the
 * item (`UserResponseDto` → `UserPageDto`). One class per item type.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Type<Page<T>>;
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item], maxItems: MAX_PAGE_SIZE })
    data!: T[];

    @ApiProperty({ type: String, nullable: true, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$', description: 'Pass as `cursor` for the next page; null on the last page' })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/(Response)?Dto$/, '')}PageDto` });
  pages.set(item, PageDto);
  return PageDto;
}
