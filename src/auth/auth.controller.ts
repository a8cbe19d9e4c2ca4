import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/openapi-document';
import type { FastifyRequest } from 'fastify';
import { Ctx, RequestContext } from '../access/request-context';
import { AuthService, SignedInUser } from './auth.service';
import { Authenticated } from '../access/authenticated.decorator';
import { Public } from '../access/public.decorator';
import {
  ChangePasswordDto,
  LoginDto,
  MeResponseDto,
  MfaChallengeResponseDto,
  MfaConfirmDto,
  MfaEnrolDto,
  MfaEnrolmentResponseDto,
  MfaRemoveDto,
  MfaVerifyDto,
  RefreshDto,
  TokenResponseDto,
} from './dto/auth.dto';
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
      'Answers tokens (`kind: tokens`), or a challenge (`kind: mfa-challenge`, with `challengeToken`) when the account has a second factor ' +
      '(then POST /auth/mfa/verify). ' +
      'Every refusal is the same 401, whether the user exists or not. Five consecutive failures lock the account for 15 minutes. ' +
      'Rate-limited per IP and per username (429 with RateLimit-* and Retry-After).',
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({
    description: 'Signed in (`kind: tokens`), or a second factor is needed (`kind: mfa-challenge`)',
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeResponseDto) }],
      discriminator: { propertyName: 'kind', mapping: { tokens: getSchemaPath(TokenResponseDto), 'mfa-challenge': getSchemaPath(MfaChallengeResponseDto) } },
    },
  })
  @ApiProblems(
    { status: 401, description: 'Wrong username or password, or the account is disabled or locked: always the same answer' },
    { status: 429, description: 'Too many sign-in attempts from this IP or for this username (LOGIN_RATE_LIMIT_*): wait the Retry-After seconds' },
  )
  login(@Req() request: FastifyRequest & { user: SignedInUser }, @Ctx() ctx: RequestContext): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    return this.auth.completeLogin(request.user, ctx);
  }

  @Public()
  @Post('mfa/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Second step of sign-in: the challenge token and a TOTP code (each code is accepted once)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(
    { status: 401, description: 'The challenge token is invalid or expired, or the code is wrong, expired or already used' },
    { status: 429, description: 'Five wrong codes in 5 minutes: wait the Retry-After seconds' },
  )
  verifyMfa(@Body() dto: MfaVerifyDto, @Ctx() ctx: RequestContext): Promise<TokenResponseDto> {
    return this.auth.verifyMfa(dto.challengeToken, dto.code, ctx);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token for new tokens. Presenting a used refresh token revokes the whole session.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(
    { status: 401, description: 'Unknown, used or expired refresh token, or its session ended (a reused one revokes the session)' },
    { status: 429, description: 'Too many refreshes from this IP address (ANONYMOUS_RATE_LIMIT_PER_MINUTE a minute): wait the Retry-After seconds' },
  )
  refreshTokens(@Body() dto: RefreshDto, @Ctx() ctx: RequestContext): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken, ctx);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'End this session on the server (its tokens stop working at once)' })
  @ApiNoContentResponse({ description: 'Signed out' })
  logout(@Ctx() ctx: RequestContext): Promise<void> {
    return this.auth.logout(ctx);
  }

  @Get('me')
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'The signed-in user, roles and permissions' })
  @ApiOkResponse({ type: MeResponseDto })
  getCurrentUser(@Ctx() ctx: RequestContext): MeResponseDto {
    return this.auth.me(ctx);
  }

  @Post('password')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'Change your password (needs the current one); ends your other sessions' })
  @ApiNoContentResponse({ description: 'Changed; your other sessions ended' })
  @ApiProblems({
    status: 422,
    description:
      'Wrong current password (`wrong-password`), the account is locked (`account-locked`), the same password (`password-unchanged`), or the new one is refused by the policy (`weak-password`, the detail says which rule)',
  })
  changePassword(@Ctx() ctx: RequestContext, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(ctx, dto);
  }

  @Post('mfa/enrol')
  @HttpCode(200)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({
    summary: 'Start TOTP enrolment: a secret and an otpauth:// URI for an authenticator app; confirm with a code',
    description:
      'Needs the password, and a current code when a factor is already enrolled (replacing it ends the other sessions on confirmation). Wrong passwords count toward the lockout.',
  })
  @ApiOkResponse({ type: MfaEnrolmentResponseDto })
  @ApiProblems({ status: 422, description: 'Wrong password (`wrong-password`) or code (`invalid-mfa-code`), or the account is locked (`account-locked`)' })
  enrolMfa(@Ctx() ctx: RequestContext, @Body() dto: MfaEnrolDto): Promise<MfaEnrolmentResponseDto> {
    return this.auth.enrolMfa(ctx, dto);
  }

  @Post('mfa/remove')
  @HttpCode(204)
  @Authenticated({ permission: 'self' })
  @ApiOperation({ summary: 'Remove the second factor (password and a current code); ends the other sessions. Refused when MFA_REQUIRED.' })
  @ApiNoContentResponse({ description: 'Removed; your other sessions ended' })
  @ApiProblems({
    status: 422,
    description:
      'Wrong password (`wrong-password`) or code (`invalid-mfa-code`), the account is locked (`account-locked`), no factor enrolled (`mfa-not-enrolled`), or a factor is required here (`mfa-required`)',
  })
  removeMfa(@Ctx() ctx: RequestContext, @Body() dto: MfaRemoveDto): Promise<void> {
    return this.auth.removeMfa(ctx, dto);
  }

  @Post('mfa/confirm')
  @HttpCode(204)
  @Authenticated({ permission: 'self', allowWithoutMfa: true })
  @ApiOperation({ summary: 'Confirm TOTP enrolment with a current code; from then on sign-in asks for a code' })
  @ApiNoContentResponse({ description: 'Enrolled: sign-in now asks for a code' })
  @ApiProblems({ status: 422, description: 'A wrong or already used code, or no enrolment was started (`invalid-mfa-code`)' })
  confirmMfa(@Ctx() ctx: RequestContext, @Body() dto: MfaConfirmDto): Promise<void> {
    return this.auth.confirmMfa(ctx, dto.code);
  }
}
