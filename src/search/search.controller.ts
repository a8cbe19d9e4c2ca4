import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { SearchQueryDto, SearchResponseDto } from './dto/search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Controller('search')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get()
  @Authenticated({ permission: 'search' })
  @ApiOperation({
    summary: 'Search the registry: people and organizations by name or alias, identifiers by any spelling',
    description:
      'Names are compared by trigram word similarity after folding case and accents and turning hyphens and punctuation into spaces, so word order and partial names do not matter ("Jong Song-hwa" and "jong songhwa" find "Song Hwa Jong"). A term that is a valid spelling of an identifier (e-mail, phone in any format, wallet, domain, URL, IP, platform:username, CC:document) finds that selector exactly. Ranked by score; each hit says why it matched. Cases are found by number (exact) or by words of their title, only those the caller may see (members; supervisors all), and the read is audited. Tips are found by reference (exact) or, once matched (seconds after intake), by words in the first 500 characters of the narrative, by need to know: tips not linked to a case for staff who triage, linked ones for the members of the case and supervisors; never by anything about the tipster.',
  })
  @ApiOkResponse({ type: SearchResponseDto })
  @ApiProblems({ status: 400, description: 'q empty or over 200 characters, unknown types, limit out of 1–50' })
  search(@Ctx() ctx: RequestContext, @Query() query: SearchQueryDto): Promise<SearchResponseDto> {
    return this.searchService.search(ctx, query);
  }
}
