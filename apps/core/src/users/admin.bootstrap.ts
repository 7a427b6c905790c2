import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@app/common';
import { UsersRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { CreateUserUseCase } from './create-user.use-case';

// Creates the admin from ADMIN_EMAIL/ADMIN_PASSWORD when missing. Safe with many replicas: the unique
// email index lets exactly one insert win and the others see EMAIL_TAKEN.
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly users: UsersRepository,
    private readonly createUser: CreateUserUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    if (await this.users.findLiveByEmail(email)) return;
    try {
      await this.createUser.execute({ name: 'Administrator', email, password }, 'admin', null, 'bootstrap');
      this.logger.log(`bootstrap admin ${email} created`);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'EMAIL_TAKEN')) throw error;
    }
  }
}
