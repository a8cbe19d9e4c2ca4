import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { EvidenceModule } from './evidence/evidence.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { LinksModule } from './links/links.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SearchModule } from './search/search.module';
import { RewardsModule } from './rewards/rewards.module';
import { TipsModule } from './tips/tips.module';
import { SelectorsModule } from './selectors/selectors.module';
import { SubjectsModule } from './subjects/subjects.module';
import { UsersModule } from './users/users.module';
import { CommonModule } from './common/common.module';
import { HttpMetrics } from './common/metrics/http-metrics';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, metrics: HttpMetrics): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(metrics),
        DatabaseModule,
        ScheduleModule.forRoot(),
        AccessModule,
        AuditModule,
        AuthModule,
        UsersModule,
        IntegrationsModule,
        CasesModule,
        SubjectsModule,
        OrganizationsModule,
        SelectorsModule,
        LinksModule,
        TipsModule,
        SearchModule,
        EvidenceModule,
        RewardsModule,
        HealthModule,
      ],
    };
  }
}
