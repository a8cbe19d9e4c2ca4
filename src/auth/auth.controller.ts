import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { Ctx, RequestContext } from '../access/request-context';
import { AuthService, SignedInUser } from './auth.service';
import { Authenticated } from '../access/authenticated.decorator';
import { Public } from '../access/public.decorator';
import { ChangePasswordDto, LoginDto, MeResponseDto, MfaChallengeResponseDto, MfaConfirmDto, MfaEnrolDto, MfaEnrolmentResponseDto, MfaRemoveDto, MfaVerifyDto, RefreshDto, TokenResponseDto } from './dto/auth.dto';
import { LoginGuard } from './login.guard';

@ApiTags('auth')
@ApiExtraModels(TokenResponseDto, MfaChallengeResponseDto)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  @ApiOperation({
    summary: 'Sign in with username and password',
    description:
      'Answers tokens, or `{mfaRequired, challengeToken}` when the account has a second factor (then POST /auth/mfa/verify). ' +
      'Every refusal is the same 401, whether the user exists or not. Five consecutive failures lock the account for 15 minutes. ' +
      'Rate-limited per IP and per username (429 with RateLimit-* and Retry-After).',
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeResponseDto) }] } })
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto })
  @ApiTooManyRequestsResponse({ type: ProblemDetailsDto })
  login(@Req() request: FastifyRequest & { user: SignedInUser }, @Ctx() ctx: RequestContext): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    return this.auth.completeLogin(request.user, ctx);
  }

  @Public()
  @Post('mfa/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Second step of sign-in: the challenge token and a TOTP code (each code is accepted once)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto })
  verifyMfa(@Body() dto: MfaVerifyDto, @Ctx() ctx: RequestContext): Promise<TokenResponseDto> {
    return this.auth.verifyMfa(dto.challengeToken, dto.code, ctx);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token for new tokens. Presenting a used refresh token revokes the whole session.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto })
  refresh(@Body() dto: RefreshDto, @Ctx() ctx: RequestContext): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken, ctx);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'End this session on the server (its tokens stop working at once)' })
  @ApiNoContentResponse()
  logout(@Ctx() ctx: RequestContext): Promise<void> {
    return this.auth.logout(ctx);
  }

  @Get('me')
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'The signed-in user, roles and permissions' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@Ctx() ctx: RequestContext): MeResponseDto {
    return this.auth.me(ctx);
  }

  @Post('password')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'Change your password (needs the current one); ends your other sessions' })
  @ApiNoContentResponse()
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'Wrong current password, or the new one is refused (the detail says which rule)' })
  changePassword(@Ctx() ctx: RequestContext, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(ctx, dto);
  }

  @Post('mfa/enrol')
  @HttpCode(200)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({
    summary: 'Start TOTP enrolment: a secret and an otpauth:// URI for an authenticator app; confirm with a code',
    description: 'Needs the password, and a current code when a factor is already enrolled (replacing it ends the other sessions on confirmation). Wrong passwords count toward the lockout.',
  })
  @ApiOkResponse({ type: MfaEnrolmentResponseDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'Wrong password or code, or the account is locked' })
  enrol(@Ctx() ctx: RequestContext, @Body() dto: MfaEnrolDto): Promise<MfaEnrolmentResponseDto> {
    return this.auth.enrolMfa(ctx, dto);
  }

  @Post('mfa/remove')
  @HttpCode(204)
  @Authenticated({ permission: 'self' })
  @ApiOperation({ summary: 'Remove the second factor (password and a current code); ends the other sessions. Refused when MFA_REQUIRED.' })
  @ApiNoContentResponse()
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'Wrong password or code, no factor enrolled, or a factor is required here' })
  remove(@Ctx() ctx: RequestContext, @Body() dto: MfaRemoveDto): Promise<void> {
    return this.auth.removeMfa(ctx, dto);
  }

  @Post('mfa/confirm')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'Confirm TOTP enrolment with a current code; from then on sign-in asks for a code' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto })
  confirm(@Ctx() ctx: RequestContext, @Body() dto: MfaConfirmDto): Promise<void> {
    return this.auth.confirmMfa(ctx, dto.code);
  }
}
