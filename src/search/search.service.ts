import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { CasesService } from '../cases/cases.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { SelectorsService } from '../selectors/selectors.service';
import { SubjectsService } from '../subjects/subjects.service';
import { TipsService } from '../tips/tips.service';
import { SearchHitDto, SearchQueryDto, SearchResponseDto, SEARCH_TYPES, SearchType } from './dto/search.dto';

const FIELD_NAMES = { full_name: 'fullName', alias: 'alias', name: 'name' } as const;

/**
 * One search box over the registry: subjects and organizations by fuzzy name and alias (trigram word
 * similarity on unaccented, punctuation-free keys, through GIN indexes), selectors by exact normalised value
 * (the term is normalised as every kind it could be). Each hit says why it matched. The term is only ever a
 * bound parameter.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly cases: CasesService,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
    private readonly selectors: SelectorsService,
    private readonly tips: TipsService,
  ) {}

  async search(ctx: RequestContext, query: SearchQueryDto): Promise<SearchResponseDto> {
    const term = query.q.trim();
    const types = new Set<SearchType>(query.types ? (query.types.split(',') as SearchType[]) : SEARCH_TYPES);
    const [subjects, organizations, selectors, cases, tips] = await Promise.all([
      types.has('subject') ? this.subjects.searchByName(term, query.limit) : [],
      types.has('organization') ? this.organizations.searchByName(term, query.limit) : [],
      types.has('selector') ? this.selectors.findBySpelling(term) : [],
      types.has('case') ? this.cases.search(ctx, term, query.limit) : [],
      // Tips by need-to-know: unlinked ones for staff who triage, linked ones for the case's members and supervisors.
      types.has('tip') ? this.tips.search(ctx, term, query.limit) : [],
    ]);
    const hits: SearchHitDto[] = [
      ...selectors.map((s) => ({ type: 'selector' as const, id: s.id, label: s.normalizedValue, detail: s.kind, score: 1, matched: { field: 'normalizedValue', value: s.normalizedValue }, why: `${s.kind.replace('_', ' ')} ${s.normalizedValue} (exact, normalised)` })),
      ...subjects.map((s) => ({ type: 'subject' as const, id: s.id, label: s.label, detail: s.status, score: s.score, matched: { field: FIELD_NAMES[s.matchedKind], value: s.matchedName }, why: `${s.matchedKind === 'alias' ? 'alias' : 'name'} "${s.matchedName}"` })),
      ...organizations.map((o) => ({ type: 'organization' as const, id: o.id, label: o.label, detail: o.kind, score: o.score, matched: { field: FIELD_NAMES[o.matchedKind], value: o.matchedName }, why: `${o.matchedKind === 'alias' ? 'alias' : 'name'} "${o.matchedName}"` })),
      // Cases the caller may see: an exact case number ranks with exact identifiers; title words after close names.
      ...cases.map(({ case: c, byNumber }) => ({ type: 'case' as const, id: c.id, label: c.caseNumber, detail: c.status, score: byNumber ? 1 : 0.5, matched: { field: byNumber ? 'caseNumber' : 'title', value: byNumber ? c.caseNumber : c.title }, why: byNumber ? `case number ${c.caseNumber}` : `title "${c.title}"` })),
      ...tips.map((t) => ({ type: 'tip' as const, id: t.id, label: t.reference, detail: t.status, score: t.exact ? 1 : 0.5, matched: { field: t.exact ? 'reference' : 'narrative', value: t.exact ? t.reference : term }, why: t.exact ? `reference ${t.reference}` : `the narrative contains "${term}"` })),
    ];
    hits.sort((a, b) => b.score - a.score || a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
    return { data: hits.slice(0, query.limit) };
  }
}
