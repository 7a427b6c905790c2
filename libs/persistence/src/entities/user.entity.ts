import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UserRole = 'admin' | 'user' | 'readonly';
export const USER_ROLES: readonly UserRole[] = ['admin', 'user', 'readonly'];

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { length: 200 }) name: string;
  @Column('varchar', { length: 320 }) email: string;
  @Column('varchar', { name: 'phone_number', length: 16, nullable: true }) phoneNumber: string | null;
  @Column('varchar', { length: 100, nullable: true }) country: string | null;
  @Column('varchar', { length: 100, nullable: true }) state: string | null;
  @Column('varchar', { length: 16 }) role: UserRole;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt: Date | null;
  // Set once the personal data is gone (name, email, phone, country, state, password hash anonymised); optional so
  // that inserts need not name it.
  // Bumped by every password change; access tokens issued at an older one are refused unless their session
  // (refresh token family) is kept_session. Optional so that inserts need not name them (the columns default).
  @Column('integer', { name: 'token_version', default: 0 }) tokenVersion?: number;
  @Column('uuid', { name: 'kept_session', nullable: true }) keptSession?: string | null;
  @Column('timestamptz', { name: 'erased_at', nullable: true }) erasedAt?: Date | null;
}
