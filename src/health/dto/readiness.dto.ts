import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['up', 'down', 'unknown'] }) database!: 'up' | 'down' | 'unknown';
  @ApiProperty({ enum: ['applied', 'pending', 'unknown'] }) migrations!: 'applied' | 'pending' | 'unknown';
  @ApiPropertyOptional({ enum: ['draining'], description: 'Present while the instance drains before it stops (SIGTERM)' }) shutdown?: 'draining';
}

/** GET /health/ready: whether this instance should get traffic, and why not. */
export class ReadinessDto {
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}
